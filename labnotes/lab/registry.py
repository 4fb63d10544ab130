"""The experiment registry: what `experiments/manifest.yaml` declares, checked, and which
log entries each experiment reproduces (turning a CLI TARGET into experiments is `targets.py`).

An entry links to an experiment in two ways: the manifest lists the entry id under
`reproduces`, or the note holds an inline field `[exp:: <id>]` on the entry's line or in its
body. Only ids the manifest registers can ever run; a note's field is looked up here, never
turned into a command itself.
"""

from __future__ import annotations

import importlib.machinery
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping

from labnotes.settings import locations
from labnotes.parse.model import Entry, Note

MANIFEST_NAME = "manifest.yaml"
FIELD_KEY = "exp"
# The id becomes the module name in `python -m experiments.<id>`: a plain identifier, nothing else.
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class ManifestError(Exception):
    """The manifest is missing, malformed, or names a script outside experiments/."""


@dataclass(frozen=True, slots=True)
class Experiment:
    id: str
    script: Path  # resolved, inside the experiments folder
    title: str
    question: str
    reproduces: tuple[str, ...]
    folder: Path | None = None  # the experiments folder, as given (the script may be a symlink in it)

    @property
    def module(self) -> str:
        return f"experiments.{self.id}"

    @property
    def root(self) -> Path:
        """The folder that holds `experiments/`: where `python -m experiments.<id>` runs."""
        return (self.folder or self.script.parent).parent

    def shadowed_by(self) -> Path | None:
        """A file that `import experiments.<id>` would load instead of the checked `<id>.py`.

        Python's import looks for a package folder `<id>/` first, then extension modules, then
        the source: any of the first two beside the script would run instead of it.
        """
        folder = self.folder or self.script.parent
        package = folder / self.id
        if package.is_dir() and any((package / f"__init__{s}").exists() for s in importlib.machinery.all_suffixes()):
            return package
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            if (folder / f"{self.id}{suffix}").exists():
                return folder / f"{self.id}{suffix}"
        return None


@dataclass(frozen=True, slots=True)
class FieldLink:
    """An `[exp:: id]` field in a note, tied to the entry whose item or body holds it."""

    rel: str
    line: int
    entry_id: str | None  # None when the field sits outside every entry
    experiment_id: str
    known: bool  # the manifest registers experiment_id


@dataclass(slots=True)
class Registry:
    experiments: dict[str, Experiment]
    folder: Path
    field_links: list[FieldLink] = field(default_factory=list)

    def get(self, experiment_id: str) -> Experiment | None:
        return self.experiments.get(experiment_id)

    def for_entry(self, entry_id: str) -> list[Experiment]:
        """Every registered experiment linked to the entry, manifest order first, then fields."""
        found = [e for e in self.experiments.values() if entry_id in e.reproduces]
        for link in self.field_links:
            exp = self.experiments.get(link.experiment_id)
            if link.entry_id == entry_id and exp is not None and exp not in found:
                found.append(exp)
        return found

    def entries_of(self, experiment_id: str) -> list[tuple[str, str]]:
        """(entry id, how it is linked: "manifest" | "field") for one experiment, without repeats."""
        exp = self.experiments[experiment_id]
        out = [(eid, "manifest") for eid in exp.reproduces]
        seen = set(exp.reproduces)
        for link in self.field_links:
            if link.experiment_id == experiment_id and link.entry_id and link.entry_id not in seen:
                out.append((link.entry_id, "field"))
                seen.add(link.entry_id)
        return out

    def with_fields(self, notes: Mapping[str, Note]) -> "Registry":
        """This registry plus the `[exp:: id]` links found in the notes."""
        return Registry(self.experiments, self.folder, field_links(notes, self.experiments))


def load_registry(experiments_dir: Path | None = None) -> Registry:
    """Read and check the manifest. Raises ManifestError with a one-line reason."""
    import yaml

    folder = (experiments_dir if experiments_dir is not None else locations.EXPERIMENTS_DIR).resolve()
    manifest = folder / MANIFEST_NAME
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"no experiments manifest at {manifest}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ManifestError(f"cannot read {manifest}: {_first_line(exc)}") from None
    except (ValueError, OverflowError, RecursionError) as exc:
        # A value YAML reads into Python and fails: `date: 2024-02-30`, an int of 5,000 digits.
        raise ManifestError(f"{manifest}: a value cannot be read ({_first_line(exc)})") from None
    # Without __init__.py, experiments/ is a namespace package and loses to any regular
    # `experiments` package on PYTHONPATH or in site-packages: `-m experiments.<id>` could run
    # code from outside this folder.
    if not (folder / "__init__.py").is_file():
        raise ManifestError(f"{folder} has no __init__.py: `python -m experiments.<id>` might run another package")
    items = data.get("experiments") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ManifestError(f"{manifest}: expected a top-level 'experiments:' list")
    experiments: dict[str, Experiment] = {}
    for n, item in enumerate(items, 1):
        exp = _experiment(item, n, folder)
        if exp.id in experiments:
            raise ManifestError(f"{manifest}: experiment {exp.id!r} is declared twice")
        experiments[exp.id] = exp
    return Registry(experiments, folder)


def _experiment(item: Any, n: int, folder: Path) -> Experiment:
    where = f"manifest entry {n}"
    if not isinstance(item, dict):
        raise ManifestError(f"{where}: expected a mapping")
    exp_id = item.get("id")
    if not isinstance(exp_id, str) or not _ID.match(exp_id):
        raise ManifestError(f"{where}: id {exp_id!r} is not a plain identifier")
    script = _script_path(item.get("script", f"{exp_id}.py"), exp_id, folder)
    shadow = Experiment(exp_id, script, "", "", (), folder).shadowed_by()
    if shadow is not None:
        raise ManifestError(f"experiment {exp_id}: {shadow.name} beside {exp_id}.py would run instead of it; remove or rename it")
    reproduces = item.get("reproduces") or []
    if not isinstance(reproduces, list) or not all(isinstance(r, str) for r in reproduces):
        raise ManifestError(f"experiment {exp_id}: 'reproduces' must be a list of entry ids")
    return Experiment(
        id=exp_id,
        script=script,
        title=str(item.get("title") or exp_id),
        question=str(item.get("question") or ""),
        reproduces=tuple(reproduces),
        folder=folder,
    )


def _script_path(given: Any, exp_id: str, folder: Path) -> Path:
    if not isinstance(given, str) or not given:
        raise ManifestError(f"experiment {exp_id}: 'script' must be a file name")
    rel = PurePosixPath(given.replace("\\", "/"))
    if rel.is_absolute() or Path(given).is_absolute() or ".." in rel.parts:
        raise ManifestError(f"experiment {exp_id}: script {given!r} is outside experiments/")
    # A symlink inside experiments/ can still point elsewhere: judge the resolved target.
    path = (folder / rel).resolve()
    if not path.is_relative_to(folder):
        raise ManifestError(f"experiment {exp_id}: script {given!r} resolves outside experiments/")
    # The runner starts `-m experiments.<id>`, so any other file name would run something else.
    if rel != PurePosixPath(f"{exp_id}.py"):
        raise ManifestError(f"experiment {exp_id}: script must be {exp_id}.py, not {given!r}")
    if not path.is_file():
        raise ManifestError(f"experiment {exp_id}: script {given!r} not found")
    return path


def field_links(notes: Mapping[str, Note], known: Iterable[str]) -> list[FieldLink]:
    """Every `[exp:: id]` field in the notes, tied to the innermost entry that holds it.

    Innermost, because a log nests entries: a field under a later sub-entry speaks of that
    sub-entry, not of every entry above it.
    """
    known = set(known)
    links: list[FieldLink] = []
    for rel, note in notes.items():
        for f in note.fields:
            if f.key.strip().lower() != FIELD_KEY:
                continue
            exp_id = f.value.strip()
            entry = entry_holding(note.entries, f.line)
            links.append(FieldLink(rel, f.line, entry.id if entry else None, exp_id, exp_id in known))
    return links


def entry_holding(entries: Iterable[Entry], line: int) -> Entry | None:
    best: Entry | None = None
    for entry in entries:
        start = entry.item_line or entry.line
        if start <= line <= max(entry.end_line, entry.line):
            if best is None or start >= (best.item_line or best.line):
                best = entry
    return best


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
