"""Run one registered experiment as a child process, stream its output, and write down what ran.

The child is `<this interpreter> -m experiments.<id> ...`, an argument list with no shell, in
the repository root. Nothing from a note reaches the command line: only an id the manifest
registers (and the registry checked) does.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from labnotes.lab.registry import Experiment
from labnotes.settings.locations import REPO_ROOT
from labnotes.lab.runs import iso, new_run_id, utc_now

Sink = Callable[[str], None]
# After the first Ctrl-C the experiment gets this long to stop cleanly before it is killed.
GRACE_S = 10.0
# Keep the end of the output for the record and the result line; experiments print little.
_TAIL_CHARS = 64_000


@dataclass(frozen=True, slots=True)
class RunOptions:
    device: str = "auto"  # auto | cpu | cuda
    quick: bool = False
    seed: int | None = None


@dataclass(slots=True)
class Outcome:
    argv: list[str]
    cwd: str
    started: datetime
    ended: datetime
    returncode: int | None
    interrupted: bool
    result: dict[str, Any] | None
    stderr_tail: str

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        if self.returncode != 0:
            return "failed"
        return "ok" if self.result is not None else "no-result"


def experiment_argv(exp: Experiment, options: RunOptions, python: str = sys.executable) -> list[str]:
    argv = [python, "-m", exp.module, "--device", options.device]
    if options.quick:
        argv.append("--quick")
    if options.seed is not None:
        argv += ["--seed", str(int(options.seed))]
    return argv


def run_experiment(
    exp: Experiment,
    options: RunOptions,
    *,
    repo_root: Path = REPO_ROOT,
    python: str = sys.executable,
    on_stdout: Sink | None = None,
    on_stderr: Sink | None = None,
    on_start: Callable[[subprocess.Popen], None] | None = None,
    tick: Callable[[float], None] | None = None,
    grace: float = GRACE_S,
) -> Outcome:
    """Run the experiment to its end, or until Ctrl-C (which it reports as interrupted).

    The child gets a process group of its own, so the terminal's Ctrl-C reaches only us and we
    pass it on once: the experiment may stop cleanly, and is killed if it does not in time.
    """
    argv = experiment_argv(exp, options, python)
    env = dict(os.environ, PYTHONUNBUFFERED="1")  # so its output streams as it is printed
    env.pop("PYTHONSAFEPATH", None)  # `-m experiments.x` needs the cwd on sys.path
    started = utc_now()
    proc = subprocess.Popen(
        argv,
        cwd=repo_root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **({"process_group": 0} if os.name == "posix" else {}),
    )
    out_tail: deque[str] = deque()
    err_tail: deque[str] = deque()
    readers = [
        _pump(proc.stdout, on_stdout, out_tail),
        _pump(proc.stderr, on_stderr, err_tail),
    ]
    interrupted = False
    try:
        if on_start:
            on_start(proc)
        while True:
            try:
                proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if tick:
                    tick((utc_now() - started).total_seconds())
    except KeyboardInterrupt:
        interrupted = True
        _stop(proc, grace)
    for reader in readers:
        reader.join(timeout=5)  # a grandchild may hold the pipe open; don't wait on it forever
    returncode = proc.returncode
    # Killed by SIGINT, or Python's exit after an uncaught KeyboardInterrupt in a shell wrapper.
    interrupted = interrupted or returncode in (-signal.SIGINT, 130)
    return Outcome(
        argv=argv,
        cwd=str(repo_root),
        started=started,
        ended=utc_now(),
        returncode=returncode,
        interrupted=interrupted,
        result=parse_result("".join(out_tail)),
        stderr_tail="".join(err_tail)[-4000:],
    )


def _pump(stream: Any, sink: Sink | None, tail: deque[str]) -> threading.Thread:
    def copy() -> None:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        size = 0
        # read1: pass on what is there now, so progress without a newline shows at once.
        while chunk := stream.read1(65536):
            text = decoder.decode(chunk)
            if not text:
                continue
            if sink:
                sink(text)
            tail.append(text)
            size += len(text)
            while size > _TAIL_CHARS and len(tail) > 1:
                size -= len(tail.popleft())
        stream.close()

    thread = threading.Thread(target=copy, daemon=True)
    thread.start()
    return thread


def _stop(proc: subprocess.Popen, grace: float) -> None:
    """Pass Ctrl-C on to the experiment's group; kill the group if it outstays `grace`."""
    _signal_group(proc, signal.SIGINT)
    try:
        proc.wait(timeout=grace)
        return
    except subprocess.TimeoutExpired:
        pass
    except KeyboardInterrupt:  # a second Ctrl-C: the user means now
        pass
    _signal_group(proc, signal.SIGKILL)
    proc.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
    except (ProcessLookupError, PermissionError):
        pass


def interrupt(proc: subprocess.Popen) -> None:
    """Ctrl-C to the experiment's process group (it runs in its own), as the terminal would."""
    _signal_group(proc, signal.SIGINT)


class Environment:
    """What every run of one session shares, found once: the software and the host."""

    def __init__(self, repo_root: Path = REPO_ROOT, python: str = sys.executable) -> None:
        self.repo_root = repo_root
        self.python = python
        self._software: dict[str, Any] | None = None
        self._host: dict[str, Any] | None = None

    def software(self) -> dict[str, Any]:
        from labnotes.lab import provenance

        if self._software is None:
            self._software = provenance.software(self.python, cwd=self.repo_root)
        return self._software

    def host(self) -> dict[str, Any]:
        from labnotes.lab import provenance

        if self._host is None:
            self._host = provenance.host()
        return self._host


def run_and_record(
    exp: Experiment,
    options: RunOptions,
    *,
    target: str,
    entry_ids: list[str],
    env: Environment | None = None,
    on_stdout: Sink | None = None,
    on_stderr: Sink | None = None,
    on_start: Callable[[subprocess.Popen], None] | None = None,
    tick: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Run the experiment and return its run record (the CLI and the TUI both come here)."""
    from labnotes.lab import provenance

    env = env or Environment()
    # Read the code's state before the run: what the experiment ran is what the tree held then.
    git = provenance.git_state(env.repo_root)
    outcome = run_experiment(
        exp, options, repo_root=env.repo_root, python=env.python,
        on_stdout=on_stdout, on_stderr=on_stderr, on_start=on_start, tick=tick,
    )  # fmt: skip
    software = env.software()
    device = (outcome.result or {}).get("device")
    return make_record(
        outcome, exp, options,
        target=target, entry_ids=entry_ids, git=git, software=software,
        host=env.host(), device_name=provenance.device_name(device, software),
    )  # fmt: skip


def verdict(record: dict[str, Any] | None) -> str:
    """`reproduced`, `NOT reproduced`, `interrupted`, `failed (exit 1)`, … for one run."""
    if record is None:
        return "never run"
    status = record.get("status")
    if status != "ok":
        return {"interrupted": "interrupted", "no-result": "no result"}.get(
            status, f"failed (exit {record.get('exit_status')})"
        )
    return "reproduced" if record.get("reproduced") else "NOT reproduced"


def parse_result(stdout: str) -> dict[str, Any] | None:
    """The experiment's result: the JSON object on the last non-empty line of its stdout."""
    for line in reversed(stdout.splitlines()):
        if line.strip():
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                return None
            return value if isinstance(value, dict) else None
    return None


def make_record(
    outcome: Outcome,
    exp: Experiment,
    options: RunOptions,
    *,
    target: str,
    entry_ids: list[str],
    git: dict[str, Any],
    software: dict[str, Any],
    host: dict[str, Any],
    device_name: str | None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """The run record: one JSON object that says exactly what ran, where, and what it found."""
    result = outcome.result
    reproduced = result.get("reproduced") if result else None
    return {
        "run_id": run_id or new_run_id(outcome.started),
        "target": target,
        "entry_ids": list(entry_ids),
        "experiment": exp.id,
        "title": exp.title,
        "argv": outcome.argv,
        "cwd": outcome.cwd,
        "seed": options.seed if options.seed is not None else (result or {}).get("seed"),
        "quick": options.quick,
        "device_requested": options.device,
        "device": (result or {}).get("device"),
        "device_name": device_name,
        "started": iso(outcome.started),
        "ended": iso(outcome.ended),
        "duration_s": round((outcome.ended - outcome.started).total_seconds(), 3),
        "exit_status": outcome.returncode,
        "status": outcome.status,
        "interrupted": outcome.interrupted,
        "reproduced": reproduced if isinstance(reproduced, bool) else None,
        "result": result,
        "stderr_tail": outcome.stderr_tail if outcome.status != "ok" else None,
        "git": git,
        "versions": {
            "python": software.get("python"),
            "torch": software.get("torch") or (result or {}).get("torch"),
            "cuda": software.get("cuda"),
            "cudnn": software.get("cudnn"),
            **({"error": software["error"]} if software.get("error") else {}),
        },
        "host": host,
    }


# --- the line a rerun leaves in the note (`--annotate`) -------------------------------------

_ITEM = re.compile(r"([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)")


def annotation_text(record: dict[str, Any], now: datetime | None = None) -> str:
    """`` `2025-01-07-10:42` rerun aliased_kernel: reproduced on cpu (run 2025…-3f9a1c) ``.

    The stamp has the note's own `YYYY-MM-DD-HH:MM` shape, in local time like the rest of it,
    inside a code span: the line records a run, it is not a new log entry of the researcher's
    (as an entry it would break the thread's time order and take over the entry's fields).
    """
    now = now or datetime.now()
    verdict = "reproduced" if record.get("reproduced") else "not reproduced"
    device = record.get("device") or record.get("device_requested") or "?"
    return f"`{now:%Y-%m-%d-%H:%M}` rerun {record['experiment']}: {verdict} on {device} (run {record['run_id']})"


def child_line(lines: list[str], line: int, end_line: int, text: str) -> str:
    """`text` as a list item one level under the item on `line` (1-based), in the file's style.

    The indentation is copied from the item's first child when it has one; otherwise it is the
    item's own plus one tab in a tab-indented file, or the item's content column with spaces.
    """
    head = lines[line - 1]
    match = _ITEM.match(head)
    if not match:  # an entry in a paragraph: a list item at the paragraph's own indentation
        return f"{_leading(head)}- {text}"
    indent = match.group(1)
    for below in lines[line:end_line]:
        child = _ITEM.match(below)
        if child and len(child.group(1).expandtabs(4)) > len(indent.expandtabs(4)):
            return f"{child.group(1)}- {text}"
    if "\t" in indent or _uses_tabs(lines):
        return f"{indent}\t- {text}"
    return f"{' ' * len(match.group(0).expandtabs(4))}- {text}"


def _leading(s: str) -> str:
    return s[: len(s) - len(s.lstrip(" \t"))]


def _uses_tabs(lines: list[str]) -> bool:
    tabs = sum(1 for s in lines if s.startswith("\t") and _ITEM.match(s))
    spaces = sum(1 for s in lines if s.startswith(" ") and _ITEM.match(s))
    return tabs > spaces


class AnnotateError(Exception):
    pass


def annotate_entry(snap: Any, entry_id: str, text: str, *, config: Any = None) -> bytes:
    """Insert `text` under the entry as a child item and write the note, if it is unchanged.

    `snap` is the note as read before the run; the entry is found again in those very bytes,
    so the line is right even if the index was built from an older copy. Raises
    `labnotes.notes.edit.NoteChanged` when the file changed since, and AnnotateError when the entry is
    gone. Returns the bytes written.
    """
    from labnotes.notes.edit import insert_line_after, write_if_unchanged
    from labnotes.parse import parse_note

    source = snap.data.decode("utf-8-sig")
    note = parse_note(source, str(snap.path), config=config)
    entry = next((e for e in note.entries if e.id == entry_id), None)
    if entry is None:
        raise AnnotateError(f"entry {entry_id} is not in {snap.path}")
    line = entry.item_line or entry.line
    # The same line breaks (\n, \r\n, \r) as the parser and labnotes.notes.edit count.
    lines = source.encode("utf-8").splitlines()
    lines = [raw.decode("utf-8") for raw in lines]
    # Right under the entry's own text, which may run over several lines: before its first child.
    children = [i.line for i in note.list_items if i.parent_line == line and i.line > line]
    own_end = (min(children) - 1) if children else entry.end_line
    while own_end > line and not lines[own_end - 1].strip():
        own_end -= 1
    data = insert_line_after(snap, own_end, child_line(lines, line, entry.end_line, text))
    write_if_unchanged(snap, data)
    return data
