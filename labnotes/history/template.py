"""The daily template's older versions: their tasks are routines too.

A vault's template changes (a reminder reworded, one dropped); the notes written from an older
version still hold its tasks, day after day. Read from the template's committed versions, those
lines are routines, not one open task per day.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from labnotes.history.repo import HistoryUnavailable, open_history
from labnotes.settings.config import VaultConfig

if TYPE_CHECKING:
    from labnotes.queries.taskbook import StoredBook
    from labnotes.tasks import TaskBook
    from labnotes.vault import VaultIndex


def past_template_keys(vault: Path, config: VaultConfig, template: str | None, *, cache_dir: Path | None = None) -> list[str]:
    """The task words (`labnotes.tasks.text.task_key`) of every committed version of the daily
    template `template` (vault-relative), oldest first, each once. Empty outside git, without
    GitPython or git, or when git fails: the current template alone decides then."""
    if not template:
        return []
    try:
        hist = open_history(vault, config, cache_dir=cache_dir)
    except HistoryUnavailable:  # NoRepository included
        return []
    try:
        versions = hist.note(template).versions
    except HistoryUnavailable:
        return []
    finally:
        hist.close()
    return list(dict.fromkeys(t.key for v in versions for t in v.tasks if t.key))


def task_store(idx: "VaultIndex") -> "StoredBook":
    """The vault's tasks as the task commands read them: `queries.tasks.task_store` (the book the
    index store keeps, each question only its rows) with the tasks of the daily template's older
    versions (from git) as routines too."""
    from labnotes.queries import tasks as q
    from labnotes.settings.locations import cache_dir

    past = past_template_keys(idx.vault, idx.config, idx.template, cache_dir=cache_dir())
    return q.task_store(idx, past_routines=past)


def task_book(idx: "VaultIndex") -> "TaskBook":
    """The vault's tasks as the task commands and the TUI read them: `queries.tasks.task_book` with
    the tasks of the daily template's older versions (from git) as routines too. The first call on
    a repository reads the template's log; later ones its cache (keyed by HEAD)."""
    from labnotes.queries import tasks as q
    from labnotes.settings.locations import cache_dir

    past = past_template_keys(idx.vault, idx.config, idx.template, cache_dir=cache_dir())
    return q.task_book(idx, past_routines=past)


__all__ = ["past_template_keys", "task_book", "task_store"]
