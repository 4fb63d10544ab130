"""`labnotes check`: what in the vault is broken or contradicts itself, each finding with a kind
and a severity.

| kind | severity | what |
| --- | --- | --- |
| `unresolved-anchor` | error | a link to a heading or block that is not in the note it reaches |
| `weekday` | error | an entry's weekday that does not fall on its date |
| `front-matter` | error | front matter that is not valid YAML |
| `stamp` | error | a stamp that is no real date or time (`2024-02-30-10:00`) |
| `task-date` | error | a date in a task's fields that does not exist (`📅 2024-02-30`) |
| `out-of-order` | warning | an entry older than the one above it in the same thread |
| `duplicate-id` | warning | two entries with one id (two notes of one name, one minute) |
| `missing-attachment` | warning | a link or embed of a file (`pic.png`) that is not in the vault |
| `file` | warning | a file labnotes cannot read (not UTF-8, too large, not a regular file) |
| `parse` | warning | anything else the parser could not read (lists nested too deep …) |
| `unresolved-link` | info | a link to a note not written yet, which many vaults use on purpose |

Templates are not checked (their `{{date}}` front matter and placeholders are filled in later),
and neither is a link to a later day's daily note (the template's "tomorrow"). A vault moves a
kind to another severity, or drops it, in `.labnotes.yaml`'s `check:` section; `--ignore KIND`
drops it for one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from labnotes.vault import VaultIndex
from labnotes.vault.resolve import NOTE_SUFFIX

SEVERITIES = ("error", "warning", "info")
KINDS: dict[str, str] = {
    "unresolved-anchor": "error",
    "weekday": "error",
    "front-matter": "error",
    "stamp": "error",
    "task-date": "error",
    "out-of-order": "warning",
    "duplicate-id": "warning",
    "missing-attachment": "warning",
    "file": "warning",
    "parse": "warning",
    "unresolved-link": "info",
}
# The parser's warning codes -> check kinds (a code not listed is a `parse` finding).
_BY_CODE = {"frontmatter": "front-matter", "stamp": "stamp", "date": "task-date", "weekday": "weekday"}


class CheckError(Exception):
    """A kind named in --ignore or the `check:` settings that check does not know."""


@dataclass(slots=True)
class Finding:
    kind: str
    note: str
    line: int
    message: str
    severity: str = "error"


@dataclass(frozen=True, slots=True)
class Rules:
    """Which kinds are reported, at which severity."""

    severity: dict[str, str]
    ignored: frozenset[str]

    @classmethod
    def for_vault(cls, idx: VaultIndex, ignore: Iterable[str] = ()) -> "Rules":
        settings = idx.config.check
        unknown = [k for k in (*ignore, *settings.ignore, *(k for k, _ in settings.severity)) if k not in KINDS]
        if unknown:
            raise CheckError(f"unknown check kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
        return cls({**KINDS, **dict(settings.severity)}, frozenset((*ignore, *settings.ignore)))

    def keep(self, finding: Finding) -> bool:
        if finding.kind in self.ignored:
            return False
        finding.severity = self.severity[finding.kind]
        return True


def check(idx: VaultIndex, ignore: Iterable[str] = ()) -> list[Finding]:
    """Every finding of the vault, sorted by note and line; kinds ignored are left out."""
    rules = Rules.for_vault(idx, ignore)
    found = [f for f in (*_links(idx), *_notes(idx), *_files(idx)) if rules.keep(f)]
    found.sort(key=lambda f: (f.note, f.line, f.kind))
    return found


def counts(found: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity, every severity present."""
    out = dict.fromkeys(SEVERITIES, 0)
    for f in found:
        out[f.severity] += 1
    return out


def _links_ahead(idx: VaultIndex, rel: str, target: str) -> bool:
    """A link to the daily note of a later day than its own (the template's 明天 link): a note
    not written yet, not a broken link."""
    target_day, day = idx.config.day_in(target), idx.note_day(rel)
    return target_day is not None and day is not None and target_day > day


def _is_attachment_name(target: str) -> bool:
    name = target.rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    return bool(dot and stem and ext and ext.casefold() != NOTE_SUFFIX[1:] and " " not in ext and len(ext) <= 5)


def _links(idx: VaultIndex) -> Iterable[Finding]:
    # Plain rows (Reader.link_rows), not a Link per link: a large vault has 10,000s unresolved.
    for rel, line, _col, original, target, _h, _b, _e, _k, checked, ok, resolved, _hl, _bl, reason in idx.link_rows(unresolved=True):
        if ok or not checked or idx.is_template(rel):
            continue
        where = f"{original}: {reason}"
        if resolved is not None:
            yield Finding("unresolved-anchor", rel, line, where)
        elif _links_ahead(idx, rel, target):
            continue
        elif _is_attachment_name(target):
            yield Finding("missing-attachment", rel, line, where)
        else:
            yield Finding("unresolved-link", rel, line, where)


def _warning_kind(code: str | None) -> str:
    return _BY_CODE.get(code or "", "parse")


def _notes(idx: VaultIndex) -> Iterable[Finding]:
    seen: dict[str, tuple[str, int]] = {}
    templates = idx.templates
    # Plain rows of the whole vault (templates dropped here: a list of every other note would
    # cost SQLite a sort), grouped by note in path and file order.
    by_note: dict[str, list[_Stamp]] = {}
    for row in idx.entry_stamps():
        if row[0] not in templates:
            by_note.setdefault(row[0], []).append(_Stamp(*row[1:]))
    for rel, w in idx.warnings(idx.content_notes() if templates else None):
        line, message, code = _warning_parts(w)
        kind = _warning_kind(code)
        # Weekday contradictions are reported below with their entry, not again as the parser's
        # warning (known by its code; a warning without one, by the entry on its line).
        if kind == "weekday" or (code is None and any(e.line == line and not e.weekday_ok for e in by_note.get(rel, ()))):
            continue
        yield Finding(kind, rel, line, message)
    for rel, entries in by_note.items():
        for e in entries:
            if not e.weekday_ok:
                yield Finding("weekday", rel, e.line, f"{e.weekday} does not fall on {e.timestamp[:10]}")
            if e.id in seen:
                first = seen[e.id]
                yield Finding("duplicate-id", rel, e.line, f"entry id {e.id} also at {first[0]}:{first[1]}")
            else:
                seen[e.id] = (rel, e.line)
        yield from _out_of_order(rel, entries)


@dataclass(slots=True)
class _Stamp:
    """What check reads of an entry (Reader.entry_stamps)."""

    id: str
    line: int
    timestamp: str
    weekday: str | None
    weekday_ok: bool
    thread_line: int | None


def _warning_parts(warning: Any) -> tuple[int, str, str | None]:
    """(line, message, code) of a note's warning as the facts keep it: a (line, message[, code])
    tuple, or a ParseWarning."""
    if isinstance(warning, tuple):
        code = warning[2] if len(warning) > 2 else None
        return int(warning[0]), str(warning[1]), code
    return int(warning.line), str(warning.message), getattr(warning, "code", None)


def _files(idx: VaultIndex) -> Iterable[Finding]:
    for p in idx.problems:
        if p.rel and p.rel not in idx.facts and not idx.config.is_template(p.rel):
            yield Finding("file", p.rel, p.line, p.message)


def _out_of_order(rel: str, entries: Iterable[_Stamp]) -> list[Finding]:
    last: dict[int | None, _Stamp] = {}
    out = []
    for e in sorted(entries, key=lambda e: e.line):
        prev = last.get(e.thread_line)
        if prev is not None and e.timestamp < prev.timestamp:
            out.append(
                Finding("out-of-order", rel, e.line, f"{e.timestamp} comes after {prev.timestamp} (line {prev.line}) in the same thread")
            )
        if prev is None or e.timestamp >= prev.timestamp:
            last[e.thread_line] = e
    return out
