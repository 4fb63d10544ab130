"""Everything the views show, read in one go off the UI thread: index, experiments, run log.

A view never reads files itself; it gets a `VaultData` and asks it. The vault is opened as a
`Workspace`, as the CLI opens it; a refresh is just another `load()` that replaces the old value.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from labnotes.lab.records import RunRecord
from labnotes.lab.registry import Experiment, ManifestError, Registry
from labnotes.queries.timeline import Thread, timeline
from labnotes.vault import VaultIndex
from labnotes.vault.scan import scan_vault
from labnotes.history.template import task_book
from labnotes.workspace import Workspace

# rel path -> (size, mtime_ns), as the scanner reports them.
Stamp = dict[str, tuple[int, int]]


def vault_stamp(vault: Path) -> Stamp:
    """What the vault's notes look like on disk now: cheap (stat only), for change detection."""
    return {rel: (s.size, s.mtime_ns) for rel, s in scan_vault(vault).notes.items()}


@dataclass
class VaultData:
    vault: Path
    index: VaultIndex | None
    # What the notes were on disk just before the index read them: an edit is refused when the
    # note's stat moved since, because the line the user saw may no longer be that line.
    stamp: Stamp = field(default_factory=dict)
    error: str | None = None  # the vault could not be read at all (a bad .labnotes.yaml …)
    registry: Registry | None = None
    registry_error: str | None = None
    # The vault as the CLI opens it: reruns go through it (`Workspace.rerun`).
    workspace: Workspace | None = None
    records: list[RunRecord] = field(default_factory=list)
    records_skipped: list[str] = field(default_factory=list)  # run-log lines that were no record
    # False while only the index is read: the Tasks view can be drawn (first the newest notes'
    # task lines, `first_notes`, then each task once when `tasks_linked`); the other views wait
    # for the experiments, the run log and the timeline (`complete`).
    complete: bool = True
    tasks_linked: bool = True
    first_notes: list[str] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)

    @property
    def is_sample(self) -> bool:
        """The bundled sample vault: every write into it warns (it is labnotes' own copy)."""
        from labnotes.settings.locations import SAMPLE_VAULT

        return self.vault == SAMPLE_VAULT.resolve()

    def experiments_for(self, entry_id: str) -> list[Experiment]:
        return self.registry.for_entry(entry_id) if self.registry else []

    def runs_of(self, experiment_id: str) -> list[RunRecord]:
        return [r for r in self.records if r.experiment == experiment_id]

    def last_run(self, experiment_id: str) -> RunRecord | None:
        mine = self.runs_of(experiment_id)
        return mine[-1] if mine else None

    def restamp(self, rel: str) -> None:
        """After our own write: the note on disk is the one the views now show."""
        st = os.stat(self.vault / rel)
        self.stamp[rel] = (st.st_size, st.st_mtime_ns)


# The newest notes with tasks: their lines are the first screen, before tasks are linked.
FIRST_NOTES = 3


def note_order(index: VaultIndex, rels: "set[str] | list[str]") -> list[str]:
    """Newest daily note first (today's plan is what one opens the app for), then the others."""
    days = {rel: index.note_day(rel) for rel in rels}
    dated = sorted((r for r in days if days[r]), key=lambda r: (days[r], r), reverse=True)
    return dated + sorted(r for r in days if not days[r])


def load(
    vault: Path,
    experiments_dir: Path | None,
    run_log: Path | None = None,
    *,
    early: Callable[[VaultData], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VaultData:
    """Read the vault (the index store makes a second read cheap), the manifest and the run log.

    `early`, when given, gets an incomplete VaultData as soon as the index is read (the Tasks view
    shows the newest notes' task lines), then again once each task is linked across the notes
    (labnotes.tasks: seconds on 10,000 notes), so the first screen need not wait for the rest. No note is read into memory: every view
    asks the store for the rows it shows (one SELECT each), and a note is parsed from its file
    only when the Notes view opens it. The store's connection may be read from any thread.
    """
    vault = Path(vault).resolve()
    stamp = vault_stamp(vault)
    # `progress(done, total)` as changed notes are parsed: a first start (or one after an
    # update of labnotes' parser) indexes every note, minutes on 10,000.
    ws = Workspace(vault, experiments_dir=experiments_dir, run_log=run_log, progress=progress)
    try:
        index = ws.index
    except Exception as exc:  # a bad config must show as a message, not end the UI
        return VaultData(vault, None, stamp, error=f"cannot read the vault {vault}: {exc}")
    data = VaultData(vault, index, stamp, complete=False, tasks_linked=False, workspace=ws)
    if early is not None:
        with_tasks = [rel for rel in index.content_notes() if index.facts[rel].tasks]
        early(dataclasses.replace(data, first_notes=note_order(index, with_tasks)[:FIRST_NOTES]))
    # Each task once across the notes (labnotes.tasks): linked here, off the UI thread, as the
    # task commands link them (the daily template's older versions in git are routines too);
    # the Tasks view and the switcher then read it from the index's cache.
    task_book(index)
    data = dataclasses.replace(data, tasks_linked=True)
    if early is not None:
        early(data)
    data = dataclasses.replace(data, complete=True)
    try:
        data.registry = ws.registry
    except ManifestError as exc:
        data.registry_error = str(exc)
    data.records, data.records_skipped = ws.runs.records, ws.runs.skipped
    data.threads = timeline(index)
    # Built here, off the UI thread: the first note opened resolves its links through it
    # (0.6 s on 2,000 notes), and the Notes view must not wait for it.
    _ = index.resolver
    return data
