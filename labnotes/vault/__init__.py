"""The vault index: every note parsed and cached, links resolved as Obsidian does, the graph.

    from labnotes.vault import build_index
    idx = build_index(vault)            # see docs/internals.md for the whole surface
"""

from labnotes.vault.resolve import Resolution
from labnotes.vault.build import build_index
from labnotes.vault.index import IndexStats, Problem, VaultIndex
from labnotes.vault.stored import NoteStore

__all__ = ["IndexStats", "NoteStore", "Problem", "Resolution", "VaultIndex", "build_index"]
