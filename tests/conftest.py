from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "vault" / "Diary" / "2024" / "2024-12-01.md"


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
