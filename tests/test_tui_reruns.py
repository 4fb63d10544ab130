"""The TUI reruns as `labnotes rerun` does (one rerun service): a sweep over seeds, and runs on
the cluster whose states follow by themselves (submitit's local executor stands in for Slurm)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

pytest.importorskip("textual")

from labnotes.lab import provenance  # noqa: E402
from tests.tuikit import SIZE, app_for, copy_vault, fake_repo, loaded, scenario  # noqa: E402


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return copy_vault(tmp_path)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The version probe imports torch in a child process: slow, and beside the point here.
    monkeypatch.setattr(provenance, "software", lambda *a, **k: {"python": "3", "torch": None})
    return fake_repo(tmp_path)


def records(vault: Path) -> list[dict]:
    log = vault.parent / "runs.jsonl"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


async def rerun_with(pilot, key: str, says: str) -> None:
    """In the Experiments view, set how reruns go with `key` (the sub-title `says` so), then rerun."""
    await loaded(pilot)
    await pilot.press("4", key)
    assert says in pilot.app.sub_title
    await pilot.press("r")
    await loaded(pilot)


@scenario
async def test_s_makes_a_rerun_a_sweep_over_seeds(vault, repo):
    async with app_for(vault, repo).run_test(size=SIZE) as pilot:
        await rerun_with(pilot, "S", "seeds 0-4")
        assert "reproduced" in pilot.app.query_one("#run-status").render().plain
    runs = records(vault)
    assert sorted(r["seed"] for r in runs) == [0, 1, 2, 3, 4]
    assert all(r["experiment"] == "fake_kernel" and r["reproduced"] for r in runs)


@scenario
async def test_o_sends_reruns_to_the_cluster_and_their_states_follow(vault, repo, monkeypatch):
    pytest.importorskip("submitit")
    monkeypatch.setenv("LABNOTES_SUBMITIT", "local")
    async with app_for(vault, repo).run_test(size=SIZE) as pilot:
        await rerun_with(pilot, "O", "on the cluster")
        assert [r["status"] for r in records(vault)] == ["queued"]
        assert "queued" in pilot.app.query_one("#run-status").render().plain
        deadline = time.monotonic() + 120
        while records(vault)[-1]["status"] in ("queued", "running") and time.monotonic() < deadline:
            pilot.app.follow_jobs()  # what the app's timer does every JOBS_EVERY_S
            await loaded(pilot)
            await asyncio.sleep(0.2)
        done = records(vault)[-1]
        assert done["status"] == "ok" and done["reproduced"] is True and done["job"]["state"] == "FINISHED"
        assert pilot.app.data.last_run("fake_kernel").status == "ok"  # the views show the result
