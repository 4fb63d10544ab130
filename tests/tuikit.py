"""What the TUI tests share: a copy of the sample vault, a repository with fake experiments, and
Pilot helpers. Not a test module; the `test_tui_*` files import it."""

from __future__ import annotations

import asyncio
import functools
import shutil
import textwrap
from pathlib import Path

from labnotes.tui.app import make_app

REPO = Path(__file__).resolve().parent.parent
SEED_REL = "Diary/2024/2024-12-01.md"
ENTRY = "2024-12-01@2024-12-05T17:36"  # 发现问题所在. 代码中的 …
SIZE = (140, 45)
SMALL = (80, 24)

FAKE_EXPERIMENT = """\
import argparse, json, sys, time
p = argparse.ArgumentParser()
p.add_argument("--device", default="auto")
p.add_argument("--quick", action="store_true")
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
print("measuring max|x| per layer on", a.device, "quick" if a.quick else "full", flush=True)
if {slow}:
    print("waiting to be stopped", flush=True)
    time.sleep(60)
print(json.dumps({{"id": "fake_kernel", "reproduced": True, "device": a.device, "torch": "fake", "seed": a.seed,
                  "max_abs": {{"buggy": {{"enc1": 1.5, "enc2": 3.4e38, "dec1": 3.4e38}},
                              "fixed": {{"enc1": 1.5, "enc2": 2.0, "dec1": 1.8}}}}}}))
"""


def copy_vault(tmp_path: Path) -> Path:
    copy = tmp_path / "vault"
    shutil.copytree(REPO / "vault", copy)
    return copy


def fake_repo(tmp_path: Path, *, slow: bool = False) -> Path:
    """A repository root whose experiments/ holds one fake experiment for ENTRY (`slow`: it
    waits a minute before its result, long enough to be stopped)."""
    root = tmp_path / "repo"
    (root / "experiments").mkdir(parents=True)
    (root / "experiments" / "__init__.py").write_text("")
    (root / "experiments" / "fake_kernel.py").write_text(FAKE_EXPERIMENT.format(slow=slow))
    (root / "experiments" / "manifest.yaml").write_text(textwrap.dedent(f"""\
        experiments:
          - id: fake_kernel
            title: Fake aliased kernel
            question: Does conv_1 = conv blow the style encoder up?
            reproduces: ["{ENTRY}"]
        """))
    return root


def scenario(test):
    """An async test run in its own event loop (Textual's Pilot is async; pytest here is not)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


def app_for(vault: Path, repo: Path | None = None, **kw):
    experiments = (repo / "experiments") if repo else (REPO / "experiments")
    kw.setdefault("watch_every", None)
    return make_app(vault, experiments_dir=experiments, run_log=vault.parent / "runs.jsonl", **kw)


async def loaded(pilot) -> None:
    """Wait until the vault is read and every view has drawn it."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def nodes(tree):
    stack = list(reversed(tree.root.children))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def put_cursor(tree, node) -> None:
    _ = tree.last_line
    tree.move_cursor(node)


def notifications(app) -> list[str]:
    return [f"{n.title} {n.message}" for n in app._notifications]


async def shown_for(pilot, query: str, limit: float = 20.0) -> None:
    """Wait until the find screen's list shows the answer to `query` (it searches after a pause
    in the typing, in a worker)."""
    import time

    t = time.perf_counter()
    while time.perf_counter() - t < limit:
        shown = getattr(pilot.app.screen, "shown_for", None)
        if shown is not None and shown[0] == query and not [w for w in pilot.app.workers if w.group == "find" and w.is_running]:
            break
        await pilot.pause(0.02)
    await pilot.pause()
