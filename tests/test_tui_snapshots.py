"""What a person sees, pinned as SVG screenshots at a fixed size (pytest-textual-snapshot).

The vault is a fresh copy of the sample vault, the experiments a fixed fake manifest and the run
log empty, so nothing on screen depends on the clock or on the real experiments/ folder.
Regenerate after a deliberate change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("textual")
pytest.importorskip("pytest_textual_snapshot")

from textual.widgets import Tree  # noqa: E402

from labnotes.tasks import Task  # noqa: E402
from labnotes.tui.messages import OpenNote  # noqa: E402
from labnotes.queries.timeline import TimelineEntry  # noqa: E402
from labnotes.tui.app import make_app  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEED_REL = "Diary/2024/2024-12-01.md"
ENTRY = "2024-12-01@2024-12-05T17:36"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Tasks show their age in days: counted to a fixed day, the screenshots do not age.
    import datetime as dt

    from labnotes.tui import tasks

    monkeypatch.setattr(tasks, "today", lambda: dt.date(2024, 12, 6))
    vault = tmp_path / "vault"
    shutil.copytree(REPO / "vault", vault)
    experiments = tmp_path / "repo" / "experiments"
    experiments.mkdir(parents=True)
    (experiments / "__init__.py").write_text("")
    (experiments / "aliased_kernel.py").write_text("print('{}')\n")
    (experiments / "manifest.yaml").write_text(textwrap.dedent(f"""\
        experiments:
          - id: aliased_kernel
            title: Aliased mask kernel
            question: Why does the style encoder blow up?
            reproduces: ["{ENTRY}", "2024-12-01@2024-12-05T21:35"]
        """))
    return make_app(vault, experiments_dir=experiments, run_log=tmp_path / "runs.jsonl", watch_every=None)


async def loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def cursor_to(tree: Tree, wanted) -> None:
    stack = list(tree.root.children)
    while stack:
        node = stack.pop()
        if wanted(node.data):
            _ = tree.last_line
            tree.move_cursor(node)
            return
        stack.extend(node.children)
    raise AssertionError("no such row")


def test_tasks_of_the_seed_note_narrowed_to_partialoct(app, snap_compare):
    async def narrow(pilot) -> None:
        await loaded(pilot)
        pilot.app.query_one("#task-status").value = "any"
        await pilot.press("slash", *"PartialOct", "enter")
        cursor_to(pilot.app.query_one("#task-tree", Tree),
                  lambda d: isinstance(d, Task) and (d.latest.note, d.latest.line) == (SEED_REL, 29))
        await loaded(pilot)  # the detail pane's worker

    assert snap_compare(app, terminal_size=(140, 45), run_before=narrow)


async def _tasks(pilot) -> None:
    # Each task once; the cursor on the one in progress, its life in the detail pane.
    await loaded(pilot)
    cursor_to(pilot.app.query_one("#task-tree", Tree), lambda d: isinstance(d, Task) and d.text == "准备修改综述论文")
    await loaded(pilot)


async def _timeline(pilot) -> None:
    await loaded(pilot)
    await pilot.press("2")
    cursor_to(pilot.app.query_one("#timeline-tree", Tree), lambda d: isinstance(d, TimelineEntry) and d.id == ENTRY)
    await pilot.pause()


async def _notes(pilot) -> None:
    # The seed note opened from its PartialOct task: the cursor on that line.
    await loaded(pilot)
    pilot.app.post_message(OpenNote(SEED_REL, 29))
    await pilot.pause()
    await pilot.pause()


async def _experiments(pilot) -> None:
    await loaded(pilot)
    await pilot.press("4")
    await pilot.pause()


async def _metrics(pilot) -> None:
    await loaded(pilot)
    await pilot.press("5")
    # The charts mount, get their size, then draw at it: on a busy machine that takes a few frames,
    # so wait until the screen stays the same over three looks (or 10 s).
    shots = [""]
    for _ in range(100):
        await pilot.pause(0.1)
        shots.append(pilot.app.export_screenshot())
        if len(shots) > 3 and shots[-1] == shots[-2] == shots[-3]:
            break


async def _switcher(pilot) -> None:
    await loaded(pilot)
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"partialoct")
    await pilot.pause()


# Metrics waits for its charts to settle: pinned before they had, its screenshot differed from run
# to run on a busy machine (charts drawn at a size they were about to leave).
VIEWS = {"tasks": _tasks, "timeline": _timeline, "notes": _notes, "experiments": _experiments,
         "metrics": _metrics, "switcher": _switcher}  # fmt: skip


@pytest.mark.parametrize("size", [(140, 45), (80, 24)], ids=["140x45", "80x24"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_view(app, snap_compare, view, size):
    assert snap_compare(app, terminal_size=size, run_before=VIEWS[view])
