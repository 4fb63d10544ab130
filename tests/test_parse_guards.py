"""One odd note never stops labnotes: bad front-matter values, a note past its time budget, even a
bug of labnotes' own become warnings with a line, and the rest of the note (and vault) is read."""

from __future__ import annotations

import json

import pytest

from labnotes.parse import budget as budget_module
from labnotes.parse import note as note_module
from labnotes.parse import walk as walk_module
from labnotes.parse import parse_note
from labnotes.parse.model import WARNING_CODES
from labnotes.vault import build_index

BODY = "# 今日计划\n\n1. [ ] still read\n\t- 2024-12-03-22:05 周二：an entry\n"


@pytest.mark.parametrize(
    "value, kept",
    [
        ("2024-02-30", "2024-02-30"),  # no such day
        ("2024-13-01", "2024-13-01"),  # no such month
        ("!!timestamp next week", "next week"),
        ("2024-12-03 25:00:00", "2024-12-03 25:00:00"),  # no such hour
        ("1" * 5000, "1" * 5000),  # past Python's 4,300-digit limit for printing an int
        ("0x" + "f" * 5000, "0x" + "f" * 5000),
        ("!!int twelve", "twelve"),
        ("!!float many", "many"),
        ("!!bool perhaps", "perhaps"),
    ],
    ids=lambda v: v[:24],
)
def test_a_front_matter_value_yaml_cannot_hold_is_a_warning_on_its_line(value, kept):
    text = f"---\ntitle: ok\ndate: {value}\ntags: [a]\n---\n{BODY}"
    note = parse_note(text, "2024-12-03.md")
    assert note.frontmatter == {"title": "ok", "date": kept, "tags": ["a"]}
    assert [(w.line, w.code) for w in note.warnings] == [(3, "frontmatter")]
    assert note.date == "2024-12-03"  # from the file name, as for any note without a good date
    assert [t.text for t in note.tasks] == ["still read"]
    assert [e.id for e in note.entries] == ["2024-12-03@2024-12-03T22:05"]
    json.dumps(note.to_json())


def test_every_vault_command_reads_a_vault_with_a_front_matter_typo(tmp_path):
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "2024-12-03.md").write_text(f"---\ndate: 2024-02-30\n---\n{BODY}", encoding="utf-8")
    (tmp_path / "2024-12-04.md").write_text("- [ ] another note's task\n", encoding="utf-8")
    idx = build_index(tmp_path, use_cache=False)
    assert sorted(t.text for note in idx.notes.values() for t in note.tasks) == ["another note's task", "still read"]
    assert [(p.rel, p.line) for p in idx.problems] == [("2024-12-03.md", 2)]


def test_a_note_past_its_budget_keeps_what_was_read_and_says_where_it_stopped(monkeypatch):
    text = "---\ntitle: kept\n---\n" + "".join(f"- [ ] task {k}\n\n" for k in range(400))
    clock = iter(range(10**6))
    # A clock that moves one second each time the parser looks: it runs out after a few looks.
    monkeypatch.setattr(budget_module, "_clock", lambda: float(next(clock)))
    monkeypatch.setattr(budget_module, "_wall", lambda: float(next(clock)))
    note = parse_note(text, "slow.md", budget=3.5)
    budget = [w for w in note.warnings if w.code == "budget"]
    assert len(budget) == 1
    stopped = budget[0].line
    assert budget[0].message == f"parsing took longer than this note's 4 s budget: lines {stopped}-803 were not read"
    assert note.frontmatter == {"title": "kept"}
    assert 0 < len(note.tasks) < 400
    assert all(t.line < stopped for t in note.tasks)
    assert note.tasks[-1].line >= stopped - 2 * walk_module.CHECK_EVERY


def test_a_busy_machine_does_not_eat_a_notes_budget(monkeypatch):
    # The clock on the wall races (other processes hold the CPU), this thread's CPU time does not:
    # the note is read whole.
    text = "".join(f"- [ ] task {k}\n\n" for k in range(400))
    wall, cpu = iter(range(0, 10**8, 100)), iter(range(10**6))
    monkeypatch.setattr(budget_module, "_wall", lambda: float(next(wall)))
    monkeypatch.setattr(budget_module, "_clock", lambda: next(cpu) / 1000)
    note = parse_note(text, "busy.md", budget=3.5)
    assert [w for w in note.warnings if w.code == "budget"] == []
    assert len(note.tasks) == 400


def test_a_budget_of_nothing_still_gives_the_notes_name_day_and_front_matter():
    note = parse_note(f"---\ntitle: kept\n---\n{BODY}", "2024-12-03.md", budget=0)
    assert (note.date, note.frontmatter, note.tasks) == ("2024-12-03", {"title": "kept"}, [])
    assert [(w.line, w.code) for w in note.warnings] == [(4, "budget")]


def test_a_bug_on_one_block_costs_that_block_only(monkeypatch):
    real_scan = walk_module.scan

    def scan(text):
        if "boom" in text:
            raise ValueError("a bug")
        return real_scan(text)

    monkeypatch.setattr(walk_module, "scan", scan)
    note = parse_note("- [ ] before [[a]]\n- [ ] boom [[b]]\n- [ ] after [[c]]\n", "x.md")
    assert [w.line for w in note.warnings if w.code == "internal"] == [2]
    assert "ValueError: a bug" in note.warnings[0].message
    assert [link.target for link in note.links] == ["a", "c"]
    assert [t.text for t in note.tasks] == ["before [[a]]", "after [[c]]"]


def test_a_bug_anywhere_else_is_a_warning_for_the_note_not_an_exception(monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(note_module, "normalise", broken)
    note = parse_note(BODY, "2024-12-03.md")
    assert note.path == "2024-12-03.md"
    assert [(w.line, w.code, w.message) for w in note.warnings] == [
        (1, "internal", "labnotes could not read this note (MemoryError)")
    ]
    monkeypatch.undo()
    monkeypatch.setattr(note_module, "block_parser", broken)
    note = parse_note(f"---\ntitle: kept\n---\n{BODY}", "2024-12-03.md")
    assert note.frontmatter == {"title": "kept"} and [w.code for w in note.warnings] == ["internal"]


def test_every_warning_the_parser_gives_has_a_known_code():
    text = (
        "---\ndate: 2024-02-30\n---\n- 2024-02-30-10:00 a stamp with no such day\n"
        "- 2024-12-03-22:05 周五：the wrong weekday\n" + ">" * 130 + " deep\n"
    )
    codes = {w.code for w in parse_note(text, "2024-12-03.md").warnings}
    assert codes == {"frontmatter", "stamp", "weekday", "nesting"}
    assert codes <= set(WARNING_CODES)
