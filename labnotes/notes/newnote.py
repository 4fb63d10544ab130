"""The next daily note: the vault's template filled in, with the unfinished tasks of the most
recent earlier daily note carried over (`labnotes.notes.carry` has the rules, `placing` where
they go). Nothing is written here: `make_note` returns the note as it would be written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from labnotes.notes.carry import CLOSED, Carried, carry_over
from labnotes.notes.template import daily_name
from labnotes.parse.dates import parse_date
from labnotes.settings.config import VaultConfig


# --- dates and places ---------------------------------------------------------------------------


def parse_when(text: str | None, today: dt.date) -> dt.date:
    """The day of `labnotes new DATE` (default today); see `labnotes.parse.dates`.
    DateError (a ValueError) with a one-line message otherwise."""
    return parse_date(text or "today", today=today)


def daily_note_path(config: VaultConfig, day: dt.date) -> Path:
    """Vault-relative path of `day`'s daily note (`daily_folder` / the daily format, `.md`)."""
    return Path(config.daily_path(day))


@dataclass(frozen=True)
class Previous:
    day: dt.date
    rel: str  # vault-relative path
    # Daily notes between it and the new day that could not be read (so were passed over).
    unreadable: tuple[str, ...] = ()


def previous_daily_note(vault: Path, day: dt.date, config: VaultConfig, *, use_cache: bool = True) -> Previous | None:
    """The most recent daily note before `day`, or None.

    A daily note is one at the configured place for its day (`daily_folder` / `daily_name`);
    in a vault laid out otherwise, one whose file name is the configured name for its day. Other
    notes that merely carry a date (`date:` in front matter, `2024-12-06 组会.md`) are not.
    """
    from labnotes.vault import build_index

    idx = build_index(vault, use_cache=use_cache)
    dated = [(d, rel) for d, rel in idx.daily_notes() if d < day]
    placed = [(d, rel) for d, rel in dated if rel == daily_note_path(config, d).as_posix()]
    named = placed or [(d, rel) for d, rel in dated if PurePosixPath(rel).stem == daily_name(config, d)]
    if not named:
        return None
    found_day, rel = named[-1]
    unreadable = []
    for problem in idx.problems:
        other = config.day_in(PurePosixPath(problem.rel).stem) if problem.rel else None
        if other is not None and found_day < other < day and problem.rel not in unreadable:
            unreadable.append(problem.rel)
    return Previous(found_day, rel, tuple(sorted(unreadable)))


# --- the whole job ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewNote:
    path: Path  # vault-relative
    text: str
    source: str | None  # vault-relative path of the note the tasks came from
    carried: list[Carried]
    # Later daily notes that could not be read, so their tasks were not carried.
    passed_over: tuple[str, ...] = ()


class TemplateMissing(Exception):
    pass


def make_note(
    vault: Path,
    day: dt.date,
    config: VaultConfig,
    *,
    now: dt.datetime | None = None,
    use_cache: bool = True,
    routines: Iterable[str] = (),
) -> NewNote:
    """The daily note for `day` as it would be written (nothing is written here). `routines`: task
    words not to carry besides the template's own (its older versions', from git)."""
    from labnotes.parse import parse_note, read_text
    from labnotes.notes.template import render

    rel = daily_note_path(config, day)
    template_text = _template_text(vault, config)
    from labnotes.settings.moment import guess_locale

    locale = config.locale or guess_locale(template_text)
    text = render(template_text, day=day, now=now, title=rel.stem, config=config, locale=locale)
    if not config.carry_over:
        return NewNote(rel, text, None, [])
    found = previous_daily_note(vault, day, config, use_cache=use_cache)
    if found is None:
        return NewNote(rel, text, None, [])
    prev_text = read_text(vault / found.rel)
    previous = parse_note(prev_text, found.rel, config=config)
    text, carried = carry_over(previous, prev_text, text, config, routines=routines)
    return NewNote(rel, text, found.rel, carried, found.unreadable)


def _template_text(vault: Path, config: VaultConfig) -> str:
    """The daily template's text; "" when the vault names none (Obsidian then starts an empty note).

    Read through the guarded open, inside the vault: a template that is a symlink out of it (or a
    FIFO) is refused, so a vault's settings cannot copy an outside file into a note.
    """
    import os

    from labnotes.parse import NoteError, read_text

    if config.template is None:
        return ""
    template_path = vault / config.template
    if not template_path.exists() and not template_path.is_symlink():
        raise TemplateMissing(
            f"template not found: {config.template} (the vault's daily notes settings name it; "
            "set `template:` in .labnotes.yaml)"
        )
    try:
        # read_text keeps the template's own line endings (CRLF stays CRLF).
        return read_text(template_path, inside=os.path.realpath(vault))
    except NoteError as exc:
        raise TemplateMissing(f"the template {exc}") from None


__all__ = [
    "CLOSED",
    "Carried",
    "NewNote",
    "TemplateMissing",
    "carry_over",
    "daily_note_path",
    "make_note",
    "parse_when",
    "previous_daily_note",
]
