"""Run one registered experiment as a child process: stream its output, pass Ctrl-C on, keep its result.

The child is `<this interpreter> -m experiments.<id> ...`, an argument list with no shell, in
the folder that holds `experiments/`. Nothing from a note reaches the command line: only an id the
manifest registers (and the registry checked) does, and only while `experiments/<id>.py` is the
module that name imports (`Experiment.shadowed_by`).
"""

from __future__ import annotations

import codecs
import json
import os
import signal
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from labnotes.lab.records import utc_now
from labnotes.lab.registry import Experiment

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


class ExperimentShadowed(Exception):
    """Another file would run under the experiment's module name; the message is one line."""


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
    repo_root: Path | None = None,
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
    shadow = exp.shadowed_by()
    if shadow is not None:
        raise ExperimentShadowed(f"not running {exp.id}: `-m {exp.module}` would run {shadow}, not {exp.script}")
    repo_root = repo_root if repo_root is not None else exp.root
    argv = experiment_argv(exp, options, python)
    started = utc_now()
    proc = _start(argv, repo_root)
    out_tail: deque[str] = deque()
    err_tail: deque[str] = deque()
    readers = [_pump(proc.stdout, on_stdout, out_tail), _pump(proc.stderr, on_stderr, err_tail)]
    interrupted = _wait(proc, started, on_start, tick, grace)
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


# A job a shell starts in the background (`labnotes rerun … &` in a script, cron) has SIGINT
# ignored, and a child inherits that: the SIGINT labnotes sends to stop the experiment (in its own
# process group, so only labnotes signals it) would then do nothing until the kill after the grace
# time. The experiment then starts through this, which gives SIGINT its default action back.
_WITH_SIGINT = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module(sys.argv.pop(1), run_name='__main__', alter_sys=True)"
)


def _spawned(argv: list[str]) -> list[str]:
    """`argv` as started: `python -m module …`, or the same through `_WITH_SIGINT` when this
    process has SIGINT ignored."""
    if os.name == "posix" and argv[1:2] == ["-m"] and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        return [argv[0], "-c", _WITH_SIGINT, *argv[2:]]
    return argv


def _start(argv: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")  # so its output streams as it is printed
    env.pop("PYTHONSAFEPATH", None)  # `-m experiments.x` needs the cwd on sys.path
    return subprocess.Popen(
        _spawned(argv),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        process_group=0 if os.name == "posix" else None,
    )


def _wait(proc: subprocess.Popen[bytes], started: datetime, on_start: Callable[[subprocess.Popen], None] | None,
          tick: Callable[[float], None] | None, grace: float) -> bool:
    """Wait for the experiment to end; True when Ctrl-C stopped it."""
    try:
        if on_start:
            on_start(proc)
        while True:
            try:
                proc.wait(timeout=0.2)
                return False
            except subprocess.TimeoutExpired:
                if tick:
                    tick((utc_now() - started).total_seconds())
    except KeyboardInterrupt:
        _stop(proc, grace)
        return True


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


def kill(proc: subprocess.Popen) -> None:
    """The experiment's whole process group, now (for one that does not stop on Ctrl-C)."""
    _signal_group(proc, signal.SIGKILL)


def parse_result(stdout: str) -> dict[str, Any] | None:
    """The experiment's result: the JSON object on the last non-empty line of its stdout."""
    for line in reversed(stdout.splitlines()):
        if line.strip():
            try:
                value = json.loads(line)
            except (ValueError, RecursionError):  # not JSON, an int past Python's digit limit, too deep
                return None
            return value if isinstance(value, dict) else None
    return None


