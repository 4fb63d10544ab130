"""The vault index: every note parsed and cached, links resolved as Obsidian does, the graph.

    from labnotes.vault import build_index
    idx = build_index(vault)            # see docs/internals.md for the whole surface
"""

from labnotes.vault.resolve import Resolution
from labnotes.vault.index import IndexStats, NoteStore, Problem, VaultIndex, build_index

__all__ = ["IndexStats", "NoteStore", "Problem", "Resolution", "VaultIndex", "build_index"]
