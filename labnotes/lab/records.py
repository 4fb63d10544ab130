"""Run records and the run log (`runs.jsonl`, one JSON object a line, in the state folder).

A record is what one run of an experiment left: the exact command, seed, device, times, exit
status, the experiment's result and verdict, the code's git state, versions and host. The log is
written by labnotes, but it is a file on the user's disk: it is read defensively, and a line that
is not a record labnotes can show (cut short by a crash, nested too deep, a field of the wrong
type) is skipped with a warning naming its line, never fatal.

Several runs may finish at once, so each record is appended with O_APPEND in one write.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from labnotes.settings.locations import state_dir

LOG_NAME = "runs.jsonl"
# A record is a few KB; a line far longer than any record is not one (and is not parsed).
MAX_LINE_BYTES = 64 * 1024 * 1024


class RunLogError(Exception):
    """The run log cannot be written where it should be; the message is one line."""


# --- one record ----------------------------------------------------------------------------------

# Field -> the JSON types it may have. A field that is absent is None (old records lack some).
_TYPES: dict[str, tuple[type, ...]] = {
    "run_id": (str,),
    "experiment": (str,),
    "title": (str,),
    "target": (str,),
    "entry_ids": (list,),
    "status": (str,),
    "reproduced": (bool,),
    "device": (str,),
    "device_requested": (str,),
    "device_name": (str,),
    "seed": (int,),
    "quick": (bool,),
    "started": (str,),
    "ended": (str,),
    "duration_s": (int, float),
    "exit_status": (int,),
    "interrupted": (bool,),
    "result": (dict,),
    "git": (dict,),
    "versions": (dict,),
    "host": (dict,),
}
_VERDICTS = {"interrupted": "interrupted", "no-result": "no result", "queued": "queued", "running": "running",
             "cancelled": "cancelled"}


class BadRecord(ValueError):
    """A JSON object that is not a run record labnotes can show; the message says why."""


class RunRecord(Mapping[str, Any]):
    """One run, as the log holds it: read like the JSON object (`record["seed"]`), with the
    rules every front end shares as properties (`verdict`, `device_shown`, `tone`).

    The JSON object itself (`raw`) is kept as it was, so `--json` prints it exactly.
    """

    __slots__ = ("raw",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        problem = why_not_a_record(raw)
        if problem:
            raise BadRecord(problem)
        self.raw: dict[str, Any] = dict(raw)

    @classmethod
    def of(cls, value: "RunRecord | Mapping[str, Any]") -> "RunRecord":
        return value if isinstance(value, RunRecord) else cls(value)

    # Mapping: the record reads as the JSON object it is.
    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def __repr__(self) -> str:
        return f"RunRecord({self.raw.get('run_id')!r}, {self.raw.get('experiment')!r})"

    # The typed fields.
    @property
    def run_id(self) -> str:
        return self.raw["run_id"]

    @property
    def experiment(self) -> str | None:
        return self.raw.get("experiment")

    @property
    def entry_ids(self) -> list[str]:
        return list(self.raw.get("entry_ids") or [])

    @property
    def status(self) -> str | None:
        return self.raw.get("status")

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def reproduced(self) -> bool | None:
        return self.raw.get("reproduced")

    @property
    def interrupted(self) -> bool:
        return bool(self.raw.get("interrupted"))

    @property
    def seed(self) -> int | None:
        return self.raw.get("seed")

    @property
    def quick(self) -> bool:
        return bool(self.raw.get("quick"))

    @property
    def duration_s(self) -> float:
        return float(self.raw.get("duration_s") or 0)

    @property
    def result(self) -> dict[str, Any] | None:
        return self.raw.get("result")

    @property
    def git(self) -> dict[str, Any]:
        return self.raw.get("git") or {}

    @property
    def versions(self) -> dict[str, Any]:
        return self.raw.get("versions") or {}

    # The shared rules.
    @property
    def device_shown(self) -> str:
        """Where it ran: the device the experiment reported, else the one asked for, else `?`."""
        return self.raw.get("device") or self.raw.get("device_requested") or "?"

    @property
    def verdict(self) -> str:
        """`reproduced`, `NOT reproduced`, `interrupted`, `no result`, `failed (exit 1)`."""
        if self.status != "ok":
            return _VERDICTS.get(self.status or "", f"failed (exit {self.raw.get('exit_status')})")
        return "reproduced" if self.reproduced else "NOT reproduced"

    @property
    def tone(self) -> str:
        """How the verdict reads: `good` (reproduced), `surprise` (ran, not reproduced), `bad`."""
        said = self.verdict
        return {"reproduced": "good", "NOT reproduced": "surprise"}.get(said, "bad")

    def when(self, key: str = "ended", width: int = 16) -> str:
        """`2024-12-05 17:36` from the record's UTC `started` / `ended`."""
        return (self.raw.get(key) or "?")[:width].replace("T", " ")


def verdict(record: "RunRecord | Mapping[str, Any] | None") -> str:
    """The verdict of one run, `never run` for none."""
    return "never run" if record is None else RunRecord.of(record).verdict


def why_not_a_record(raw: Any) -> str | None:
    """Why `raw` is not a run record labnotes can show, or None when it is one."""
    if not isinstance(raw, Mapping):
        return f"not a JSON object but {type(raw).__name__}"
    if not isinstance(raw.get("run_id"), str):
        return "no run_id"
    for key, types in _TYPES.items():
        value = raw.get(key)
        # bool is an int to Python; a seed of `true` is not a seed.
        wrong = value is not None and (not isinstance(value, types) or (isinstance(value, bool) and bool not in types))
        if wrong:
            return f"field {key!r} is {type(value).__name__}, not {' or '.join(t.__name__ for t in types)}"
    if not all(isinstance(e, str) for e in raw.get("entry_ids") or []):
        return "field 'entry_ids' holds something other than entry ids"
    return None


# --- ids and times -------------------------------------------------------------------------------


def new_run_id(now: datetime | None = None) -> str:
    """Sortable by time, unique across concurrent runs: `20241205T173600Z-3f9a1c`."""
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- the log -------------------------------------------------------------------------------------


def log_path(folder: Path | None = None) -> Path:
    return (folder or state_dir()) / LOG_NAME


def check_writable(path: Path | None = None) -> Path:
    """Make sure a record can be appended to the log, before an experiment runs for minutes:
    a state folder that is a file (or unwritable) would lose the record after the run."""
    path = path or log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.parent.is_dir():
            raise NotADirectoryError(str(path.parent))
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.close(fd)
    except OSError as exc:
        raise RunLogError(f"cannot write the run log {path}: {exc.strerror or exc} "
                          "(set LABNOTES_STATE_DIR to a folder labnotes may write)") from None
    return path


def append_record(record: "RunRecord | Mapping[str, Any]", path: Path | None = None) -> Path:
    """Append one record as one line; returns the log's path."""
    path = path or log_path()
    raw = record.raw if isinstance(record, RunRecord) else record
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Read too: the last byte says whether a crash left the previous line unfinished.
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RunLogError(f"cannot write the run log {path}: {exc.strerror or exc}") from None
    line = json.dumps(raw, ensure_ascii=False, default=str, allow_nan=True) + "\n"
    try:
        # A crash mid-write leaves a line with no newline: start on a fresh line, or this
        # record would be glued to the broken one and lost with it. (Racing another writer, this
        # can add a blank line; readers skip those.)
        if os.fstat(fd).st_size and not _ends_with_newline(fd):
            line = "\n" + line
        data = line.encode("utf-8", "surrogateescape")
        # One write with O_APPEND: the kernel places it at the end as a whole.
        written = os.write(fd, data)
        while written < len(data):  # only on a full disk or a signal; finish rather than tear
            written += os.write(fd, data[written:])
    finally:
        os.close(fd)
    return path


def _ends_with_newline(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return os.pread(fd, 1, size - 1) == b"\n"


@dataclass(slots=True)
class RunLog:
    """The records of a run log that labnotes can show, and a warning for each line it could not.

    A run on a cluster is written again as it moves (queued, running, its result): `records`
    holds each run once, as its last line says, in the order the runs were first written.
    """

    path: Path
    records: list[RunRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_log(path: Path | None = None) -> RunLog:
    """Every record in log order; a line that is no record is skipped with a warning."""
    log = RunLog(path or log_path())
    try:
        raw = log.path.read_bytes()
    except FileNotFoundError:
        return log
    except OSError as exc:
        log.skipped.append(f"{log.path}: cannot read the run log: {exc.strerror or exc}")
        return log
    lines = raw.split(b"\n")
    latest: dict[str, RunRecord] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        problem, record = _record_of(line)
        if record is not None:
            latest[record.run_id] = record  # a later line of the same run replaces, in its place
        elif n < len(lines):  # the last line has no newline yet: a write under way, or cut short
            log.skipped.append(f"{log.path}:{n}: skipped, {problem}")
    log.records = list(latest.values())
    return log


def _record_of(line: bytes) -> tuple[str, RunRecord | None]:
    if len(line) > MAX_LINE_BYTES:
        return f"a line of {len(line):,} bytes", None
    try:
        value = json.loads(line)
    except RecursionError:
        return "nested too deeply", None
    except ValueError as exc:  # JSONDecodeError, bad UTF-8, an int over Python's digit limit
        return f"not a JSON record ({_first_line(exc)})", None
    try:
        return "", RunRecord(value)
    except BadRecord as exc:
        return str(exc), None


def read_records(path: Path | None = None) -> list[RunRecord]:
    """Every readable record in log order (see `read_log` for the lines it skipped)."""
    return read_log(path).records


def runs_for(records: "list[RunRecord] | list[dict[str, Any]]", experiments: set[str] | None = None,
             entry_id: str | None = None) -> list[Any]:
    """The records of these experiments or that ran for this entry; both None: all of them."""
    if experiments is None and entry_id is None:
        return list(records)
    return [
        r for r in records
        if (experiments and r.get("experiment") in experiments)
        or (entry_id and entry_id in (r.get("entry_ids") or []))
    ]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    # Python's own messages run on ("…; use sys.set_int_max_str_digits() to increase the limit").
    return text.splitlines()[0].split(";")[0][:160] if text else type(exc).__name__
