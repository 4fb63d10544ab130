"""Run records: the run log (one JSON object a line) and how two runs' figures compare.

The log lives in the state folder (`labnotes.settings.locations.state_dir()`, `$LABNOTES_STATE_DIR`).
Several runs may finish at once, so each record is appended with O_APPEND in one write;
a line cut short by a crash is skipped on reading, never fatal.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from labnotes.settings.locations import state_dir

LOG_NAME = "runs.jsonl"
# Same device and seed should give the same figures up to float noise across library builds.
REL_TOL = 1e-5
ABS_TOL = 1e-8


def log_path(folder: Path | None = None) -> Path:
    return (folder or state_dir()) / LOG_NAME


def new_run_id(now: datetime | None = None) -> str:
    """Sortable by time, unique across concurrent runs: `20241205T173600Z-3f9a1c`."""
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def append_record(record: dict[str, Any], path: Path | None = None) -> Path:
    """Append one record as one line; returns the log's path."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, default=str, allow_nan=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        # A crash mid-write leaves a line with no newline: start on a fresh line, or this
        # record would be glued to the broken one and lost with it. (Racing another writer, this
        # can add a blank line; readers skip those.)
        if os.fstat(fd).st_size and not _ends_with_newline(path):
            line = "\n" + line
        data = line.encode("utf-8")
        # One write with O_APPEND: the kernel places it at the end as a whole.
        written = os.write(fd, data)
        while written < len(data):  # only on a full disk or a signal; finish rather than tear
            written += os.write(fd, data[written:])
    finally:
        os.close(fd)
    return path


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def read_records(path: Path | None = None) -> list[dict[str, Any]]:
    """Every readable record in log order; broken lines (a truncated last one) are skipped."""
    return list(_iter_records(path or log_path()))


def _iter_records(path: Path) -> Iterator[dict[str, Any]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return
    for line in raw.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(record, dict) and "run_id" in record:
            yield record


def runs_for(records: list[dict[str, Any]], experiments: set[str] | None = None,
             entry_id: str | None = None) -> list[dict[str, Any]]:
    """The records of these experiments or that ran for this entry; both None: all of them."""
    if experiments is None and entry_id is None:
        return list(records)
    return [
        r for r in records
        if (experiments and r.get("experiment") in experiments)
        or (entry_id and entry_id in (r.get("entry_ids") or []))
    ]


def comparable(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Runs whose figures should agree: same experiment, device, seed and --quick."""
    return all(a.get(k) == b.get(k) for k in ("experiment", "device", "seed", "quick"))


def previous_run(records: list[dict[str, Any]], run: dict[str, Any]) -> dict[str, Any] | None:
    """The last comparable run with a result before `run` in the log."""
    before = []
    for r in records:
        if r.get("run_id") == run.get("run_id"):
            break
        before.append(r)
    for r in reversed(before):
        if comparable(r, run) and isinstance(r.get("result"), dict):
            return r
    return None


@dataclass(slots=True)
class Drift:
    key: str
    old: Any
    new: Any
    rel_change: float | None  # None for a change that is not numeric, or from zero


@dataclass(slots=True)
class Comparison:
    run: str
    previous: str
    drifted: list[Drift] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.drifted or self.added or self.removed)

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "previous": self.previous,
            "same": self.same,
            "drifted": [
                {"key": d.key, "old": d.old, "new": d.new, "rel_change": d.rel_change} for d in self.drifted
            ],
            "added": self.added,
            "removed": self.removed,
        }


# What says where, with what and how fast a result was made rather than what it found: a
# leaf whose last key is one of these is not a figure (wall time differs on every run).
_NOT_FIGURES = {"id", "device", "torch", "cuda", "cudnn", "seed", "quick",
                "seconds", "elapsed", "duration", "duration_s", "wall_s", "time_s"}


def _is_figure(path: str) -> bool:
    return re.split(r"[.\[]", path)[-1] not in _NOT_FIGURES


def compare_runs(old: dict[str, Any], new: dict[str, Any], rel_tol: float = REL_TOL,
                 abs_tol: float = ABS_TOL) -> Comparison:
    """Which figures of `new`'s result moved since `old`'s, leaf by leaf."""
    a = {k: v for k, v in flatten(old.get("result") or {}).items() if _is_figure(k)}
    b = {k: v for k, v in flatten(new.get("result") or {}).items() if _is_figure(k)}
    cmp = Comparison(run=new.get("run_id", "?"), previous=old.get("run_id", "?"))
    cmp.added = sorted(b.keys() - a.keys())
    cmp.removed = sorted(a.keys() - b.keys())
    for key in sorted(a.keys() & b.keys()):
        drift = _drift(key, a[key], b[key], rel_tol, abs_tol)
        if drift:
            cmp.drifted.append(drift)
    return cmp


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of a JSON value keyed by path: `{"a": {"b": [1, 2]}}` -> `{"a.b[0]": 1, "a.b[1]": 2}`."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _drift(key: str, old: Any, new: Any, rel_tol: float, abs_tol: float) -> Drift | None:
    if _is_number(old) and _is_number(new):
        old_f, new_f = float(old), float(new)
        # The bugs these experiments show are NaNs and infinities: the same NaN is no drift.
        if math.isnan(old_f) and math.isnan(new_f):
            return None
        if math.isclose(old_f, new_f, rel_tol=rel_tol, abs_tol=abs_tol):
            return None
        rel = None
        if old_f != 0 and math.isfinite(old_f) and math.isfinite(new_f):
            rel = (new_f - old_f) / abs(old_f)
        return Drift(key, old, new, rel)
    return None if old == new else Drift(key, old, new, None)
