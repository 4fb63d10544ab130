from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "vault" / "Diary" / "2024" / "2024-12-01.md"

# Tests that take seconds of CPU each (real experiments in torch, real processes, big inputs):
# `pytest -m "not slow"` leaves them out while you work; the default command runs them all.
SLOW_MODULES = {
    "test_experiment_aliased_kernel.py", "test_experiment_encoder_depth.py", "test_experiment_mask_ratio.py",
    "test_experiment_nan_dynamics.py", "test_experiment_nan_locator.py", "test_experiment_normalised_mask.py",
    "test_experiment_summed_masks.py", "test_experiment_cli.py", "test_experiment_lib.py",
}
SLOW_TESTS = {
    "test_the_real_aliased_kernel_experiment_reproduces_on_the_cpu",
    "test_the_software_versions_come_from_the_interpreter_that_runs_experiments",
    "test_20_mb_note_parses",
    "test_writers_at_once_on_one_note_lose_no_change",
    "test_a_writer_killed_mid_write_leaves_no_temp_file_and_the_note_whole",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: seconds of CPU each; `-m 'not slow'` leaves them out")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if path.name in SLOW_MODULES or getattr(item, "originalname", item.name) in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
        # A module-scoped fixture (an experiment run, a parsed vault) is made once per worker that
        # runs the module's tests: keep such a module on one worker (`--dist loadgroup`), or it is
        # made twice.
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else []
        if any(d and d[-1].scope == "module" for d in defs):
            item.add_marker(pytest.mark.xdist_group(path.name))


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Keep every test's cache and run log out of the user's real folders."""
    base = tmp_path_factory.mktemp("labnotes-dirs")
    monkeypatch.setenv("LABNOTES_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("LABNOTES_STATE_DIR", str(base / "state"))
    monkeypatch.delenv("LABNOTES_VAULT", raising=False)
    monkeypatch.delenv("LABNOTES_EXPERIMENTS", raising=False)


@pytest.fixture
def seed_path() -> Path:
    return SEED
