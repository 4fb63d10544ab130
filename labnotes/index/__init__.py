"""The vault index: every note parsed and cached, links resolved as Obsidian does, the graph.

    from labnotes.index import build_index
    idx = build_index(vault)            # see docs/internals.md for the whole surface
"""

from labnotes.index.resolve import Resolution
from labnotes.index.vault import IndexStats, NoteStore, Problem, VaultIndex, build_index, summary

__all__ = ["IndexStats", "NoteStore", "Problem", "Resolution", "VaultIndex", "build_index", "summary"]
