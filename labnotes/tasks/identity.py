"""Task identity: which task lines across the notes are one task.

Notes are read in time order (day, then path; notes without a day last), each note's lines top to
bottom, and each occurrence joins a task by the first rule that finds one:

1. an explicit id it shares with an earlier occurrence: Obsidian Tasks `🆔 abc123`, a block id `^abc`;
2. its carry-over link (`([[2024-12-01]])`, as `labnotes new` writes it): the task with the same
   words in that note;
3. the same words (see `text.task_key`) in the same section of the latest earlier daily note that
   holds them, however many days lie between (sections compare by `text.section_key`: a heading
   that names the day, `# 2026-01-01 - Thursday`, is the same heading every day); a sub-task looks first under its own parent task, then
   anywhere in the section (its parent may have been reworded).
   A task that was closed there (done or cancelled) takes only closed copies: an open line with
   the same words after it is new work (`复习昨日所学` again), not the old task reopened.

Otherwise it starts a new task; a task renamed by hand therefore starts anew. One note gives a task
at most one of its lines. Placeholders (`1. [ ] `, `1. [ ] 1`) are one task per line, linked to
nothing; lines whose words are a template task's are routines, gathered by their words (also the
words of the template's older versions, when the vault's git history has them).

One pass over the occurrences with dictionary look-ups: linear in the number of task lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import groupby

from labnotes.tasks.model import Occurrence, Routine, Task, TaskBook
from labnotes.tasks.text import carry_target, is_placeholder, section_key, task_key, without_carry_link

PLACEHOLDER, TASK = "placeholder", "task"
_NONE: list[str] = []  # never appended to


def _order(o: Occurrence) -> tuple[int, dt.date | str, str, int]:
    # Dated notes first, by day (dates compare only with dates: the first item keeps them apart).
    return (0, o.day, o.note, o.line) if o.day is not None else (1, "", o.note, o.line)


@lru_cache(maxsize=1 << 14)
def _stem(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


class _Linker:
    def __init__(self, routines: Mapping[str, str | None]) -> None:
        self.routine_texts = routines  # key -> the template's words (None: an older template's, as the notes have them)
        self.tasks: list[_Draft] = []
        self.routines: dict[str, Routine] = {}
        self.by_explicit: dict[str, _Draft] = {}
        # (section, parent draft id or -1, key) -> the drafts holding it in the latest dated note that
        # had it; and the same by (section, key) alone, for a sub-task whose parent changed its words.
        self.last: dict[tuple[tuple[str, ...], int, str], list[_Draft]] = {}
        self.last_any: dict[tuple[tuple[str, ...], str], list[_Draft]] = {}
        # note stem (casefolded) -> key -> drafts in that note, for carry-over links
        self.in_note: dict[str, dict[str, list[_Draft]]] = {}

    def run(self, occurrences: Iterable[Occurrence]) -> None:
        for _, group in groupby(sorted(occurrences, key=_order), key=lambda o: (o.day, o.note)):
            self.note(list(group))

    def note(self, occs: list[Occurrence]) -> None:
        claimed: set[int] = set()
        at_line: dict[int, _Draft] = {}
        seen_here: dict[tuple[tuple[str, ...], int, str], list[_Draft]] = defaultdict(list)
        seen_any: dict[tuple[tuple[str, ...], str], list[_Draft]] = defaultdict(list)
        keys_here: dict[str, list[_Draft]] = defaultdict(list)
        dated = occs[0].day is not None
        for o in occs:
            if is_placeholder(o.text):
                self.tasks.append(_Draft(len(self.tasks), PLACEHOLDER, "", [o]))
                continue
            key = task_key(o.text)
            if key in self.routine_texts:
                routine = self.routines.get(key)
                if routine is None:
                    routine = self.routines[key] = Routine(self.routine_texts[key] or without_carry_link(o.text), key)
                routine.occurrences.append(o)
                continue
            parent = at_line.get(o.parent_line) if o.parent_line is not None else None
            section = section_key(o.section)
            slot = (section, parent.n if parent is not None else -1, key)
            # Each rule only where it can apply: most lines have no id and no carry-over link.
            has_id = o.task_id or o.block_id
            draft = (
                (self._by_explicit(o, claimed) if has_id else None)
                or (self._by_carry_link(o, key, section, claimed) if "([[" in o.text else None)
                or (self._by_words(o, slot, claimed) if dated else None)
            )
            if draft is None:
                draft = _Draft(len(self.tasks), TASK, key, [])
                self.tasks.append(draft)
            draft.occurrences.append(o)
            draft.parent = parent
            claimed.add(draft.n)
            at_line[o.line] = draft
            if has_id:
                for explicit in _explicit_ids(o):
                    self.by_explicit.setdefault(explicit, draft)
            seen_here[slot].append(draft)
            seen_any[(section, key)].append(draft)
            keys_here[key].append(draft)
        if dated:
            self.last.update(seen_here)
            self.last_any.update(seen_any)
        self.in_note.setdefault(_stem(occs[0].note).casefold(), {}).update(keys_here)

    def _by_explicit(self, o: Occurrence, claimed: set[int]) -> _Draft | None:
        for explicit in _explicit_ids(o):
            d = self.by_explicit.get(explicit)
            if d is not None and d.n not in claimed:
                return d
        return None

    def _by_carry_link(self, o: Occurrence, key: str, section: tuple[str, ...], claimed: set[int]) -> _Draft | None:
        target = carry_target(o.text)
        if target is None:
            return None
        drafts = self.in_note.get(target.casefold(), {}).get(key, [])
        # Same section first: a note may hold the same words twice, under different headings.
        ranked = sorted(drafts, key=lambda d: section_key(d.occurrences[-1].section) != section)
        return next((d for d in ranked if d.n not in claimed), None)

    def _by_words(self, o: Occurrence, slot: tuple[tuple[str, ...], int, str], claimed: set[int]) -> _Draft | None:
        section, _, key = slot
        for d in (*self.last.get(slot, ()), *self.last_any.get((section, key), ())):
            if d.n in claimed:
                continue
            if d.occurrences[-1].closed and not o.closed:
                continue
            return d
        return None


class _Draft:
    __slots__ = ("n", "kind", "key", "occurrences", "parent")

    def __init__(self, n: int, kind: str, key: str, occurrences: list[Occurrence]) -> None:
        self.n = n
        self.kind = kind
        self.key = key
        self.occurrences = occurrences
        self.parent: _Draft | None = None


def _explicit_ids(o: Occurrence) -> list[str]:
    if not o.task_id and not o.block_id:
        return _NONE  # most lines: no list built
    ids = []
    if o.task_id:
        ids.append(f"🆔{o.task_id}")
    if o.block_id:
        ids.append(f"^{o.block_id}")
    return ids


def _digest(text: str) -> str:
    return hashlib.blake2s(text.encode("utf-8"), digest_size=3).hexdigest()


def _ids(drafts: list[_Draft]) -> list[str]:
    """`<first note's stem>#<6 hex of its words>` (of its explicit id, when it has one), with `~2`,
    `~3`, … for later tasks of the same words first seen in the same note."""
    out: list[str] = []
    used: dict[str, int] = {}
    for d in drafts:
        first = d.occurrences[0]
        explicit = next((x for o in d.occurrences if o.task_id or o.block_id for x in _explicit_ids(o)), None)
        basis = explicit or (d.key if d.kind == TASK else f"placeholder {first.text.strip()}")
        base = f"{_stem(first.note)}#{_digest(basis)}"
        n = used.get(base, 0) + 1
        used[base] = n
        out.append(base if n == 1 else f"{base}~{n}")
    return out


def link_tasks(occurrences: Iterable[Occurrence], *, routines: Mapping[str, str | None] | None = None) -> TaskBook:
    """The tasks and routines that `occurrences` (every task line of a vault) add up to.

    `routines` maps a template task's key (`text.task_key`) to its words (None: the words of its
    first line in the notes): lines with those words are routines. See the module docstring.
    """
    linker = _Linker(routines or {})
    linker.run(occurrences)
    drafts = linker.tasks
    # Ids come from each task's first occurrence in file order within its first note, so that
    # `~2` counts as entry ids do and does not move when later notes change.
    ordered = sorted(drafts, key=lambda d: (d.occurrences[0].note, d.occurrences[0].line))
    ids = dict(zip((d.n for d in ordered), _ids(ordered)))
    tasks = [Task(ids[d.n], d.kind, d.occurrences) for d in drafts]
    for d, t in zip(drafts, tasks):
        if d.parent is not None:
            t.parent = ids[d.parent.n]
            tasks[d.parent.n].subtasks.append(t.id)
    order = {key: n for n, key in enumerate(linker.routine_texts)}
    return TaskBook(tasks, sorted(linker.routines.values(), key=lambda r: order[r.key]))


def routine_keys(template_texts: Iterable[str], past_keys: Iterable[str] = ()) -> dict[str, str | None]:
    """`link_tasks(routines=…)` from the task texts of the daily template (placeholders left out),
    and the task keys of its older versions (`past_keys`, e.g. from its git history)."""
    out: dict[str, str | None] = {}
    for text in template_texts:
        if not is_placeholder(text):
            out.setdefault(task_key(text), text)
    for key in past_keys:
        if key and not is_placeholder(key):
            out.setdefault(key, None)
    return out


__all__ = ["link_tasks", "routine_keys"]
