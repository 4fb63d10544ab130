"""A rerun TARGET as the user types it: an experiment id, an entry id, or NOTE:LINE of an entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from labnotes.lab.registry import Experiment, Registry


class TargetError(Exception):
    """A rerun target that names no registered experiment; the message is one line."""


@dataclass(frozen=True, slots=True)
class Target:
    given: str
    kind: str  # "experiment" | "entry"
    experiments: tuple[Experiment, ...]
    entry_ids: tuple[str, ...]


_NOTE_LINE = re.compile(r"(?P<note>.+):(?P<line>\d+)\Z")


def resolve_target(given: str, registry: Registry, index: Any = None) -> Target:
    """An experiment id, an entry id, or `NOTE:LINE` of an entry -> the experiments to run.

    `index` is a vault index (`find_note`, `entry_at`, `entry`, `notes`) or None; without one,
    only experiment ids and the entry ids the manifest names resolve. Pass the registry with
    the notes' `[exp:: id]` fields already added (`Registry.with_fields`).
    """
    exp = registry.get(given)
    if exp is not None:
        return Target(given, "experiment", (exp,), tuple(eid for eid, _ in registry.entries_of(exp.id)))
    entry_id = _entry_at(given, index) if index is not None else None
    if entry_id is None and "@" not in given:
        raise TargetError(f"unknown target {given!r}: not an experiment id, an entry id or NOTE:LINE")
    entry_id = entry_id or given
    found = registry.for_entry(entry_id)
    if found:
        return Target(given, "entry", tuple(found), (entry_id,))
    known = index is not None and index.entry(entry_id) is not None
    if known or entry_id != given:
        raise TargetError(f"entry {entry_id} has no experiment (none in experiments/manifest.yaml "
                          f"reproduces it, and it holds no [exp:: id] field)")
    raise TargetError(f"unknown entry {given!r}")


def _entry_at(given: str, index: Any) -> str | None:
    """The id of the entry at NOTE:LINE, None when `given` is not of that form."""
    m = _NOTE_LINE.match(given)
    if not m:
        return None
    rel = index.find_note(m["note"])
    if rel is None:
        return None  # an entry id's `@...T17:36` also ends in `:digits`; let the caller try that
    if len(m["line"]) > 9:  # no note has a billion lines; int() of 5,000 digits would raise
        raise TargetError(f"no log entry starts at {rel}:{m['line'][:12]}…: no note has that many lines")
    entry = index.entry_at(rel, int(m["line"]))
    if entry is None:
        raise TargetError(f"no log entry starts at {rel}:{m['line']}")
    return entry.id
