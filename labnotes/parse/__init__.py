"""The pure parser: one note's text → `labnotes.parse.model.Note`.

Imports no textual, torch or git (a test proves it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["MAX_BYTES", "NoteError", "parse_note", "read_note", "read_text"]

if TYPE_CHECKING:
    from labnotes.parse.files import MAX_BYTES, NoteError, read_note, read_text
    from labnotes.parse.note import parse_note


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the model (`labnotes.parse.model`) does not load markdown-it.
    if name == "parse_note":
        from labnotes.parse.note import parse_note

        return parse_note
    if name in ("MAX_BYTES", "NoteError", "read_note", "read_text"):
        from labnotes.parse import files

        return getattr(files, name)
    raise AttributeError(f"module 'labnotes.parse' has no attribute {name!r}")
