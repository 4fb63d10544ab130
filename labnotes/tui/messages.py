"""Messages that several views send and the app handles: views import these, never each other.

A message that only one widget sends lives on that widget; the ones here come from more than
one view.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from labnotes.lab.registry import Experiment


@dataclass
class OpenNote(Message):
    """Show note `rel` at 1-based `line` in the Notes view (sent by any view)."""

    rel: str
    line: int = 1


@dataclass
class RunRequest(Message):
    """Run these experiments for these entries (sent by the Timeline and Experiments views)."""

    experiments: list[Experiment]
    entry_ids: list[str]
    target: str  # what the run record says was asked for: an entry id or an experiment id


@dataclass
class NoteEdited(Message):
    """A view wrote note `rel` (a toggle): the app reads the vault again."""

    rel: str
