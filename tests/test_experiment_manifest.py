"""The manifest: one script per experiment, and every entry of the seed note linked."""

from __future__ import annotations

from pathlib import Path

import ast

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
EXPERIMENTS = REPO / "experiments"
SEED = REPO / "vault" / "Diary" / "2024" / "2024-12-01.md"

# The seed note's 20 timestamped entries, in file order.
NOTE_ENTRIES = [
    "2024-12-01@2024-12-01T16:53",
    "2024-12-01@2024-12-01T21:57",
    "2024-12-01@2024-12-03T22:05",
    "2024-12-01@2024-12-03T22:10",
    "2024-12-01@2024-12-03T22:42",
    "2024-12-01@2024-12-03T23:09",
    "2024-12-01@2024-12-05T09:50",
    "2024-12-01@2024-12-05T16:56",
    "2024-12-01@2024-12-05T17:07",
    "2024-12-01@2024-12-05T17:36",
    "2024-12-01@2024-12-05T21:35",
    "2024-12-01@2024-12-05T21:35~2",
    "2024-12-01@2024-12-05T22:31",
    "2024-12-01@2024-12-05T22:46",
    "2024-12-01@2024-12-06T11:08",
    "2024-12-01@2024-12-06T11:45",
    "2024-12-01@2024-12-06T15:01",
    "2024-12-01@2024-12-05T23:04",
    "2024-12-01@2024-12-05T23:21",
    "2024-12-01@2024-12-05T23:57",
]


@pytest.fixture(scope="module")
def manifest() -> list[dict]:
    return yaml.safe_load((EXPERIMENTS / "manifest.yaml").read_text(encoding="utf-8"))["experiments"]


def test_each_experiment_has_its_script_a_title_and_a_question(manifest):
    ids = [e["id"] for e in manifest]
    assert len(ids) == len(set(ids)) >= 13
    for e in manifest:
        assert e["script"] == f"{e['id']}.py" and (EXPERIMENTS / e["script"]).is_file()
        assert e["title"] and e["question"] and isinstance(e["reproduces"], list)


def test_each_linked_entry_names_the_state_that_answers_it(manifest):
    from experiments.lib.variants import STATES

    for e in manifest:
        states = e.get("states") or {}
        assert set(states) == set(e["reproduces"]), e["id"]
        assert all(v in STATES for v in states.values()), e["id"]


def test_the_bugs_nobody_logged_have_experiments_of_their_own(manifest):
    unlogged = {e["id"] for e in manifest if not e["reproduces"]}
    assert unlogged == {"independent_crops", "efdm_size_mismatch", "softpartconv_clamp", "vgg_normalisation"}


def test_together_they_link_every_entry_of_the_seed_note_and_nothing_else(manifest):
    linked = {entry for e in manifest for entry in e["reproduces"]}
    assert linked == set(NOTE_ENTRIES)


def test_the_entry_list_matches_the_note_when_the_parser_is_there():
    parse = pytest.importorskip("labnotes.parse")
    note = parse.read_note(SEED)
    assert [entry.id for entry in note.entries] == NOTE_ENTRIES


def test_experiments_import_nothing_from_labnotes():
    for path in EXPERIMENTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "labnotes" for n in names), f"{path} imports labnotes"
