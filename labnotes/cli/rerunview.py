"""What `labnotes rerun` shows while it runs and after: each run as it starts and ends (a spinner
with the elapsed time on a terminal), the record, a sweep's figures over its seeds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from labnotes.cli.app import say, warn

if TYPE_CHECKING:
    from labnotes.lab.records import RunRecord


def print_sweep(exp_id: str, records: "list[RunRecord]") -> None:
    from labnotes.lab.seeds import summarise

    summary = summarise(exp_id, records)
    seeds = ", ".join(str(s) for s in summary.seeds)
    device = records[0].device_shown if records else "?"
    lines = [f"\n{exp_id} over seeds {seeds}: reproduced in {summary.reproduced} of {len(records)} on {device}"]
    if summary.finished < len(records):
        lines.append(f"  {len(records) - summary.finished} run(s) gave no result")
    width = max((len(k) for k in summary.figures), default=0)
    for key, spread in summary.figures.items():
        lines.append(f"  {key:<{width}}  median {spread.median:.6g}  [{spread.min:.6g}, {spread.max:.6g}]")
    typer.echo("\n".join(lines))


class RerunView:
    """How `labnotes rerun` shows a run: its output streamed, a spinner on a terminal, the record."""

    def __init__(self, json_out: bool, *, sweep: bool = False) -> None:
        self.json_out = json_out
        self.sweep = sweep
        # With --json the experiment's own output goes to stderr: stdout holds the record alone.
        self.out_stream = "stderr" if json_out else "stdout"
        self.progress: _Progress | None = None

    def events(self) -> Any:
        from labnotes.lab.rerun import RerunEvents

        return RerunEvents(
            begin=self._begin,
            stdout=lambda text: _write(self.out_stream, text),
            stderr=lambda text: _write("stderr", text),
            tick=lambda s: self.progress.tick(s) if self.progress else None,
            recorded=self._recorded,
            annotated=lambda entry_id, path: say(f"labnotes: annotated {entry_id} in {path}"),
            warning=warn,
        )

    def _begin(self, exp: Any, argv: list[str]) -> None:
        say(f"labnotes: running {exp.id}: {' '.join(['python'] + argv[1:])}")
        if not self.sweep:  # a sweep's runs start together: no one spinner speaks for them
            self.progress = _Progress(exp.id).start()

    def _recorded(self, record: "RunRecord", log: Path) -> None:
        self.close()
        if record.status == "queued":
            say(f"labnotes: submitted {record.experiment}{f' seed {record.seed}' if record.seed is not None else ''}: "
                f"job {record['job']['id']} (run {record.run_id}); `labnotes runs` follows it")
        elif self.sweep:
            say(f"labnotes: seed {record.seed}: {record.verdict} on {record.device_shown} "
                f"in {record.duration_s:.1f} s (run {record.run_id})")
        elif not self.json_out:
            _print_record(record, log)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def _write(stream: str, text: str) -> None:
    # Looked up at each call: while the spinner runs, rich swaps sys.std* for proxies that print
    # above it.
    target = getattr(sys, stream)
    target.write(text)
    target.flush()


class _Progress:
    """A spinner with the elapsed time on stderr, only when stderr is a terminal."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.live: Any = None

    def start(self) -> "_Progress":
        from rich.console import Console

        console = Console(stderr=True)
        if console.is_terminal:
            from rich.live import Live
            from rich.spinner import Spinner

            self.spinner = Spinner("dots", text=self._text(0))
            # Redirect stdout into the live display only when it goes to the same terminal:
            # piped stdout must stay the experiment's output, untouched.
            self.live = Live(self.spinner, console=console, transient=True, refresh_per_second=8,
                             redirect_stdout=sys.stdout.isatty(), redirect_stderr=True)
            self.live.start()
        return self

    def _text(self, seconds: float) -> str:
        return f"running {self.name}  {int(seconds) // 60}:{int(seconds) % 60:02d}  (Ctrl-C stops it)"

    def tick(self, seconds: float) -> None:
        if self.live is not None:
            self.spinner.update(text=self._text(seconds))

    def stop(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None


def _print_record(record: "RunRecord", log: Path) -> None:
    git = record.git
    if git.get("available"):
        dirty = ""
        if git.get("dirty"):
            changed = len(str(git.get("diff") or "").splitlines())
            dirty = f", dirty: {changed} diff lines, {len(git.get('untracked') or [])} untracked files"
        code = f"{str(git.get('commit') or 'no commit')[:12]} on {git.get('branch') or 'detached HEAD'}{dirty}"
    else:
        code = git.get("error") or "unknown"
    v = record.versions
    device = record.get("device") or f"{record.get('device_requested')} (requested)"
    if record.get("device_name") and record["device_name"] != record.get("device"):
        device += f" ({record['device_name']})"
    lines = [
        f"run {record.run_id}  {record.experiment}: {record.verdict}",
        f"  entries   {', '.join(record.entry_ids) or '-'}",
        f"  device    {device}",
        f"  seed      {record.seed}{'  (quick)' if record.quick else ''}",
        f"  commit    {code}",
        f"  versions  python {v.get('python')}, torch {v.get('torch')}, cuda {v.get('cuda') or '-'}, cudnn {v.get('cudnn') or '-'}",
        f"  took      {record.duration_s:.1f} s, exit {record.get('exit_status')}",
        f"  log       {log}",
    ]
    typer.echo("\n".join(lines))
