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

from labnotes.queries.tasks import TaskRow  # noqa: E402
from labnotes.queries.timeline import TimelineEntry  # noqa: E402
from labnotes.tui.app import make_app  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEED_REL = "Diary/2024/2024-12-01.md"
ENTRY = "2024-12-01@2024-12-05T17:36"


@pytest.fixture
def app(tmp_path: Path):
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


def test_tasks_at_start(app, snap_compare):
    assert snap_compare(app, terminal_size=(140, 45), run_before=loaded)


def test_tasks_of_the_seed_note_narrowed_to_partialoct(app, snap_compare):
    async def narrow(pilot) -> None:
        await loaded(pilot)
        await pilot.press("slash", *"PartialOct", "enter")
        cursor_to(pilot.app.query_one("#task-tree", Tree),
                  lambda d: isinstance(d, TaskRow) and (d.note, d.line) == (SEED_REL, 29))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(140, 45), run_before=narrow)


def test_timeline_on_a_partialoct_entry(app, snap_compare):
    async def select(pilot) -> None:
        await loaded(pilot)
        await pilot.press("2")
        cursor_to(pilot.app.query_one("#timeline-tree", Tree),
                  lambda d: isinstance(d, TimelineEntry) and d.id == ENTRY)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(140, 45), run_before=select)


def test_the_seed_note_opened_from_its_task(app, snap_compare):
    async def open_note(pilot) -> None:
        await loaded(pilot)
        cursor_to(pilot.app.query_one("#task-tree", Tree),
                  lambda d: isinstance(d, TaskRow) and (d.note, d.line) == (SEED_REL, 29))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(140, 45), run_before=open_note)


def test_timeline_on_a_small_terminal(app, snap_compare):
    async def timeline(pilot) -> None:
        await loaded(pilot)
        await pilot.press("2")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=timeline)
