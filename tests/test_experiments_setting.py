"""The experiments folder belongs to the researcher's code: a setting of the vault, never
labnotes' own. A vault that names none shows none; each folder keeps its own runs."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from labnotes.cli.app import app
from labnotes.vault import build_index

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()

NOTE = "## 科研\n1. [ ] 修 PartialOct\n\t1. 2024-12-07-10:00 周六：再看一遍 [exp:: aliased_kernel]\n"


def a_vault(tmp_path, settings: str | None = None):
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "2024-12-01.md").write_text(NOTE, encoding="utf-8")
    if settings is not None:
        (vault / ".labnotes.yaml").write_text(settings, encoding="utf-8")
    return vault


def test_a_vault_without_experiments_shows_none(tmp_path, monkeypatch):
    monkeypatch.delenv("LABNOTES_EXPERIMENTS", raising=False)
    vault = a_vault(tmp_path)
    listed = runner.invoke(app, ["experiments", "--vault", str(vault), "--json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []
    assert "names no experiments folder" in listed.stderr
    rerun = runner.invoke(app, ["rerun", "aliased_kernel", "--vault", str(vault)])
    assert rerun.exit_code == 2 and "names no experiments folder" in rerun.stderr
    runs = runner.invoke(app, ["runs", "--vault", str(vault), "--json"])
    assert runs.exit_code == 0 and json.loads(runs.stdout)["runs"] == []
    # The graph has no experiment of the bundled sample vault in it.
    g = build_index(vault, use_cache=False).graph
    assert not [n for n, d in g.nodes(data=True) if d.get("kind") == "experiment"]


def test_the_sample_vaults_experiments_come_from_its_settings(tmp_path, monkeypatch):
    from labnotes.lab.registry import load_registry
    from labnotes.settings.locations import EXPERIMENTS_DIR, SAMPLE_VAULT

    monkeypatch.delenv("LABNOTES_EXPERIMENTS", raising=False)
    listed = runner.invoke(app, ["experiments", "--vault", str(SAMPLE_VAULT), "--json"])
    assert listed.exit_code == 0, listed.stderr
    ids = {e["id"] for e in json.loads(listed.stdout)}
    assert "aliased_kernel" in ids and ids == set(load_registry(EXPERIMENTS_DIR).experiments)


def test_labnotes_experiments_env_names_the_folder(tmp_path, monkeypatch):
    from labnotes.settings.locations import EXPERIMENTS_DIR

    vault = a_vault(tmp_path)
    monkeypatch.setenv("LABNOTES_EXPERIMENTS", str(EXPERIMENTS_DIR))
    listed = runner.invoke(app, ["experiments", "--vault", str(vault), "--json"])
    assert listed.exit_code == 0, listed.stderr
    kernel = next(e for e in json.loads(listed.stdout) if e["id"] == "aliased_kernel")
    # The note's own [exp:: aliased_kernel] field ties its entry to the experiment.
    assert {"id": "2024-12-01@2024-12-07T10:00", "note": "2024-12-01.md", "line": 3, "via": "field"} in kernel["entries"]


def test_a_missing_folder_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.delenv("LABNOTES_EXPERIMENTS", raising=False)
    vault = a_vault(tmp_path, "experiments: ../nowhere\n")
    rerun = runner.invoke(app, ["rerun", "aliased_kernel", "--vault", str(vault)])
    assert rerun.exit_code == 2 and "no experiments manifest at" in rerun.stderr
    assert str(tmp_path / "nowhere") in rerun.stderr
