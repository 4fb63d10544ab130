"""A workspace: one vault opened with everything the front ends ask of it — its index, its
experiment registry (with the notes' `[exp:: id]` links), its run log, its graph and the rerun
service.

The CLI, the TUI and the runner open a vault through here, so they agree on where the
experiments are, which entries they answer and which runs belong to them. Each part is read the
first time it is asked for and kept; a part that cannot be read raises its own one-line error
(`ConfigError`, `ManifestError`), and the front end decides whether that ends the command or is
shown beside the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from labnotes.lab.registry import ManifestError
from labnotes.settings import locations

if TYPE_CHECKING:
    import networkx

    from labnotes.lab.records import RunLog
    from labnotes.lab.registry import Experiment, FieldLink, Registry
    from labnotes.lab.rerun import RerunEvents, RerunPlan, RerunResult, Stopper
    from labnotes.vault import VaultIndex

Progress = Callable[[int, int], None]

NO_EXPERIMENTS = ("this vault names no experiments folder: set `experiments: PATH` in its .labnotes.yaml "
                  "(relative to the vault, or absolute) or $LABNOTES_EXPERIMENTS")


class NoExperiments(ManifestError):
    """The vault names no experiments folder."""


@dataclass(frozen=True, slots=True)
class EntryPlace:
    """Where an entry an experiment answers lives in this vault (None: not in it)."""

    id: str
    via: str  # "manifest" | "field"
    note: str | None
    line: int | None


class Workspace:
    """One vault and the experiments and runs that go with it."""

    def __init__(
        self,
        vault: Path,
        *,
        experiments_dir: Path | None = None,
        run_log: Path | None = None,
        index: "VaultIndex | None" = None,
        progress: Progress | None = None,
    ) -> None:
        """`index`: one the caller has opened already (the CLI opens it with its progress bar)."""
        self.vault = Path(vault).resolve()
        self._experiments_dir = experiments_dir
        self._run_log = run_log
        self._progress = progress
        if index is not None:
            self.__dict__["index"] = index

    # -- where things are -----------------------------------------------------------------------

    @cached_property
    def experiments_dir(self) -> Path | None:
        """The experiments folder: as given, else the one the vault's settings name
        (`experiments:` in .labnotes.yaml, or $LABNOTES_EXPERIMENTS), else None: none.
        Raises ConfigError when the settings cannot be read."""
        if self._experiments_dir is not None:
            return Path(self._experiments_dir)
        return locations.experiments_dir(self.vault, self.config.experiments)

    @property
    def config(self) -> Any:
        """The vault's settings (VaultConfig). Raises ConfigError."""
        if "index" in self.__dict__:
            return self.index.config
        from labnotes.settings.config import load_config

        return load_config(self.vault)

    @property
    def repo_root(self) -> Path:
        """The folder experiments run from (`python -m experiments.<id>` needs their parent)."""
        return self._folder().resolve().parent

    @property
    def run_log(self) -> Path | None:
        """Where the runs of this vault's experiments are kept: each experiments folder has its own
        log in the state folder; None when the vault names no experiments."""
        if self._run_log is not None:
            return Path(self._run_log)
        from labnotes.lab.records import log_path

        folder = self.experiments_dir
        return log_path(locations.runs_dir(folder)) if folder is not None else None

    def _folder(self) -> Path:
        folder = self.experiments_dir
        if folder is None:
            raise NoExperiments(NO_EXPERIMENTS)
        return folder

    # -- the parts ------------------------------------------------------------------------------

    @cached_property
    def index(self) -> "VaultIndex":
        """The vault index (built or refreshed from the cache). Raises ConfigError."""
        from labnotes.vault import build_index

        return build_index(self.vault, progress=self._progress)

    def has_index(self) -> bool:
        return "index" in self.__dict__

    @cached_property
    def manifest(self) -> "Registry":
        """The experiments as the manifest declares them, without the notes' fields. Raises ManifestError."""
        from labnotes.lab.registry import load_registry

        return load_registry(self._folder())

    @cached_property
    def registry(self) -> "Registry":
        """The manifest plus the `[exp:: id]` fields of the notes (opens the index)."""
        # Only the notes that hold an [exp:: …] field are read (the store knows which).
        return self.manifest.with_fields(self.index.notes_with_field("exp"))

    def unknown_fields(self) -> list["FieldLink"]:
        """`[exp:: id]` fields that name no registered experiment: the front ends warn of them."""
        return [link for link in self.registry.field_links if not link.known]

    @cached_property
    def runs(self) -> "RunLog":
        """The run log, read defensively: `.records`, and `.skipped` lines with why."""
        from labnotes.lab.records import RunLog, read_log

        log = self.run_log
        return read_log(log) if log is not None else RunLog(Path())

    def reread_runs(self) -> "RunLog":
        self.__dict__.pop("runs", None)
        return self.runs

    # -- questions across the parts ---------------------------------------------------------------

    def where(self, entry_id: str) -> tuple[str | None, int | None]:
        """The note and line of an entry in this vault, (None, None) when it has none."""
        found = self.index.entry(entry_id) if self.has_index() else None
        if not found:
            return None, None
        rel, entry = found
        return rel, entry.line

    def entries_of(self, exp: "Experiment") -> list[EntryPlace]:
        """The entries an experiment answers, manifest first, each with its place in the vault."""
        registry = self.registry if self.has_index() else self.manifest
        return [EntryPlace(eid, via, *self.where(eid)) for eid, via in registry.entries_of(exp.id)]

    def graph(self) -> "networkx.MultiDiGraph":
        """The vault's graph with the experiments and the entries they reproduce."""
        from labnotes.lab.registry import ManifestError
        from labnotes.vault.graph import GraphExperiment, build_graph

        experiments: list[GraphExperiment] = []
        problems: list[str] = []
        folder = self.experiments_dir
        if folder is not None and (folder / "manifest.yaml").is_file():
            try:
                registry = self.registry
            except ManifestError as exc:
                problems.append(str(exc))
            else:
                experiments = [GraphExperiment(e.id, e.title, e.question, tuple(registry.entries_of(e.id)))
                               for e in registry.experiments.values()]
        return build_graph(self.index, experiments, problems=problems)

    # -- reruns ---------------------------------------------------------------------------------

    def rerun(self, plan: "RerunPlan", *, events: "RerunEvents | None" = None,
              stopper: "Stopper | None" = None) -> "RerunResult":
        """Run the plan through the one rerun service, recording into this workspace's run log."""
        from labnotes.lab.rerun import Annotator, Environment, rerun

        annotator = None
        if plan.annotate:
            annotator = Annotator(self.vault, lambda eid: self.where(eid)[0], config=self.index.config)
        result = rerun(plan, log=self.run_log, env=Environment(self.repo_root), events=events,
                       stopper=stopper, annotator=annotator)
        self.__dict__.pop("runs", None)  # the log has new records
        return result

    def close(self) -> None:
        if self.has_index():
            self.index.close()
