"""The fuzz target in the test suite: the corpus of notes that once failed, and a short seeded run.

By hand it runs for as long as you like: `python -m tests.fuzz --minutes 60` (see tests/fuzz.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labnotes.parse import parse_note
from tests import fuzz

CORPUS = sorted(fuzz.CORPUS.glob("*.md"))


def test_the_corpus_is_there():
    assert len(CORPUS) >= 10


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_a_note_that_once_failed_parses_in_time_and_keeps_every_invariant(path: Path):
    text = path.read_text(encoding="utf-8")
    with fuzz.time_limit(10):
        note = parse_note(text, "2024-12-03.md")
    assert fuzz.check_note(text, note) == []


def test_the_corpus_as_a_vault_goes_through_the_index_and_every_query():
    texts = [p.read_text(encoding="utf-8") for p in CORPUS]
    assert fuzz.check_vault(texts, budget=30) == []


def test_a_short_seeded_fuzz_run_finds_nothing():
    report = fuzz.run(cases=120, seed=0, budget=10, vault_every=40)
    assert report.cases == 120 and report.vaults == 3
    assert [f"{f.case}: {f.problem}" for f in report.findings] == []


def test_a_case_that_spins_is_stopped_and_reported_as_a_hang():
    with pytest.raises(fuzz.Hang, match="CPU time"):
        with fuzz.time_limit(0.2):
            while True:
                pass
