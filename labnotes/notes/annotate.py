"""The line a rerun leaves in the note (`labnotes rerun --annotate`, the TUI's annotate): where it
goes under the entry, in the note's own indentation, written through the one safe write path.

What the line says is the run's business (`labnotes.lab.rerun.annotation_text`); this module only
puts a given line under a given entry, and refuses when the note changed since it was read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from labnotes.notes.edit import EditError, Snapshot, insert_line_after, read_snapshot, write_if_unchanged

_ITEM = re.compile(r"([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)")


def child_line(lines: list[str], line: int, end_line: int, text: str) -> str:
    """`text` as a list item one level under the item on `line` (1-based), in the file's style.

    The indentation is copied from the item's first child when it has one; otherwise it is the
    item's own plus one tab in a tab-indented file, or the item's content column with spaces.
    """
    head = lines[line - 1]
    match = _ITEM.match(head)
    if not match:  # an entry in a paragraph: a list item at the paragraph's own indentation
        return f"{_leading(head)}- {text}"
    indent = match.group(1)
    for below in lines[line:end_line]:
        child = _ITEM.match(below)
        if child and len(child.group(1).expandtabs(4)) > len(indent.expandtabs(4)):
            return f"{child.group(1)}- {text}"
    if "\t" in indent or _uses_tabs(lines):
        return f"{indent}\t- {text}"
    return f"{' ' * len(match.group(0).expandtabs(4))}- {text}"


def _leading(s: str) -> str:
    return s[: len(s) - len(s.lstrip(" \t"))]


def _uses_tabs(lines: list[str]) -> bool:
    tabs = sum(1 for s in lines if s.startswith("\t") and _ITEM.match(s))
    spaces = sum(1 for s in lines if s.startswith(" ") and _ITEM.match(s))
    return tabs > spaces


class AnnotateError(EditError):
    """The entry to annotate is not in the note any more."""


def annotate_entry(snap: Snapshot, entry_id: str, text: str, *, config: Any = None,
                   vault: str | os.PathLike[str] | None = None) -> bytes:
    """Insert `text` under the entry as a child item and write the note, if it is unchanged.

    `snap` is the note as read before the run; the entry is found again in those very bytes,
    so the line is right even if the index was built from an older copy. Raises
    `labnotes.notes.edit.NoteChanged` when the file changed since, and AnnotateError when the entry is
    gone. Returns the bytes written.
    """
    from labnotes.parse import parse_note
    from labnotes.parse.items import ItemTree
    from labnotes.parse.source import split_lines

    source = snap.data.decode("utf-8-sig")
    note = parse_note(source, str(snap.path), config=config)
    entry = next((e for e in note.entries if e.id == entry_id), None)
    if entry is None:
        raise AnnotateError(f"entry {entry_id} is not in {snap.path}")
    line = entry.item_line or entry.line
    lines = split_lines(source)  # the parser's lines: line N here is line N of the entry
    # Right under the entry's own text, which may run over several lines: before its first child.
    tree = ItemTree(note.list_items)
    item = tree.at(line)
    children = [c.line for c in tree.children(item)] if item is not None else []
    own_end = (min(children) - 1) if children else entry.end_line
    while own_end > line and not lines[own_end - 1].strip():
        own_end -= 1
    data = insert_line_after(snap, own_end, child_line(lines, line, entry.end_line, text))
    write_if_unchanged(snap, data, vault=vault)
    return data


@dataclass(slots=True)
class Annotated:
    """What `annotate_entries` did: the entries written under, and a one-line reason for each refused."""

    written: list[tuple[str, Path]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def snapshots(vault: Path, places: Iterable[tuple[str, str | None]]) -> tuple[list[tuple[str, Snapshot]], list[str]]:
    """Each entry's note as read now, before a run, so that an edit made during the run is caught.

    `places` are (entry id, the note's vault-relative path or None when the vault has no such
    entry). Returns the snapshots and a warning for each entry left out.
    """
    snaps: list[tuple[str, Snapshot]] = []
    missing: list[str] = []
    for entry_id, rel in places:
        if rel is None:
            missing.append(f"not annotating {entry_id}: it is not in the vault {vault}")
            continue
        snaps.append((entry_id, read_snapshot(Path(vault) / rel)))
    return snaps, missing


def annotate_entries(snaps: list[tuple[str, Snapshot]], text: str, *, config: Any = None,
                     vault: str | os.PathLike[str] | None = None) -> Annotated:
    """Write `text` under each entry, each note unchanged since its snapshot, or refuse that one.

    Two entries in one note: the second goes on from our own first write, if that is still there.
    """
    done = Annotated()
    written: dict[Path, bytes] = {}
    for entry_id, snap in snaps:
        path = Path(snap.path)
        if path in written:
            snap = read_snapshot(path)
            if snap.data != written[path]:
                done.refused.append(f"{path} changed while annotating; {entry_id} not annotated")
                continue
        try:
            written[path] = annotate_entry(snap, entry_id, text, config=config, vault=vault)
        except EditError as exc:
            done.refused.append(f"{entry_id} not annotated: {exc}")
        except OSError as exc:
            done.refused.append(f"{entry_id} not annotated: {path}: {exc.strerror or exc}")
        else:
            done.written.append((entry_id, path))
    return done
