"""Full-text search: Chinese and English, short queries, edits between runs, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labnotes.cli.app import app
from labnotes.vault import build_index
from labnotes.vault.search import SearchError, search

NOTES = {
    "Diary/2024-12-01.md": "# 今日计划\n\n1. [ ] 修改 PartialOct\n\t- 2024-12-01-10:00 周日：梯度爆炸，loss 变成 NaN\n\t- 检查 mask 的归一化\n",
    "Diary/2024-12-02.md": "# 今日计划\n\n- 2024-12-02-09:00 周一：梯度正常了\n- the NaN came from the aliased kernel\n- nan again? no: Nan is fixed\n",
    "Research/PartialOct.md": "# PartialOct\n\nStyle transfer with partial convolutions.\n梯度\n",
}


def make_vault(root: Path) -> Path:
    for rel, text in NOTES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def where(hits) -> list[tuple[str, int]]:
    return [(h.note, h.line) for h in hits]


def test_a_chinese_word_is_found_in_every_note_that_holds_it(tmp_path):
    idx = build_index(make_vault(tmp_path))
    assert where(search(idx, "梯度爆炸")) == [("Diary/2024-12-01.md", 4)]
    hits = search(idx, "梯度正常")
    assert where(hits) == [("Diary/2024-12-02.md", 3)]
    assert hits[0].snippet == "- 2024-12-02-09:00 周一：梯度正常了" and hits[0].day == "2024-12-02"


def test_english_is_found_case_insensitively_and_ranked_by_matching_lines(tmp_path):
    idx = build_index(make_vault(tmp_path))
    hits = search(idx, "nan")
    # 2024-12-02 has two matching lines, 2024-12-01 one.
    assert where(hits) == [("Diary/2024-12-02.md", 4), ("Diary/2024-12-02.md", 5), ("Diary/2024-12-01.md", 4)]
    assert [h.matches for h in hits] == [1, 2, 1]
    assert where(search(idx, "PARTIAL convolutions")) == [("Research/PartialOct.md", 3)]


def test_the_index_narrows_and_the_text_decides(tmp_path):
    # Every trigram of the phrase "loss NaN" is in the line "… loss 变成 NaN" but the phrase is not.
    idx = build_index(make_vault(tmp_path))
    assert search(idx, '"loss NaN"') == []
    assert where(search(idx, '"loss 变成 NaN"')) == [("Diary/2024-12-01.md", 4)]


def test_words_are_found_in_one_line_in_any_order_as_in_obsidian(tmp_path):
    idx = build_index(make_vault(tmp_path))
    assert where(search(idx, "NaN loss")) == [("Diary/2024-12-01.md", 4)]
    # Both words must be on the line: "mask" and "NaN" are in one note but on different lines.
    assert search(idx, "mask NaN") == []
    hits = search(idx, "kernel aliased")
    assert where(hits) == [("Diary/2024-12-02.md", 4)] and hits[0].matches == 2


def every_line_holding(query: str) -> list[tuple[str, int]]:
    return sorted(
        (rel, n) for rel, text in NOTES.items() for n, line in enumerate(text.splitlines(), 1) if query.casefold() in line.casefold()
    )


@pytest.mark.parametrize("query", ["梯度", "周一", "artial", "TIAL CONV", "ased ker", "2024-12-01-10", "梯度爆炸，loss"])
def test_any_part_of_a_word_and_two_chinese_characters_are_found_through_the_index(tmp_path, query, monkeypatch):
    from labnotes.vault import search as searchmod

    idx = build_index(make_vault(tmp_path))
    # Through the index: the notes are not all read.
    read: list[str] = []
    real_verify = searchmod._verify
    monkeypatch.setattr(searchmod, "_verify", lambda idx, rel, wanted: (read.append(rel), real_verify(idx, rel, wanted))[1])
    hits = search(idx, query, limit=None)
    assert sorted(where(hits)) == every_line_holding(query) and hits
    assert len(read) < len(NOTES) or query in ("梯度",)


@pytest.mark.parametrize("query", ["梯", "Na", "变"])
def test_a_query_with_nothing_to_look_up_is_searched_by_reading_the_notes(tmp_path, query):
    idx = build_index(make_vault(tmp_path))
    hits = search(idx, query, limit=None)
    assert sorted(where(hits)) == every_line_holding(query) and hits


def test_an_edited_note_is_searched_as_it_is_now(tmp_path):
    vault = make_vault(tmp_path)
    build_index(vault).close()
    (vault / "Diary/2024-12-01.md").write_text("# 今日计划\n\n新的一天，没有梯度爆炸了\n", encoding="utf-8")
    (vault / "Research/PartialOct.md").unlink()
    idx = build_index(vault)
    assert where(search(idx, "梯度爆炸")) == [("Diary/2024-12-01.md", 3)]
    assert search(idx, "partial convolutions") == []
    assert search(idx, "检查 mask") == []


def test_an_empty_query_is_refused(tmp_path):
    idx = build_index(make_vault(tmp_path))
    with pytest.raises(SearchError):
        search(idx, "   ")


def test_search_from_the_command_line(tmp_path):
    vault = make_vault(tmp_path)
    result = CliRunner().invoke(app, ["search", "梯度", "--vault", str(vault), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {(r["note"], r["line"]) for r in rows} == {
        ("Diary/2024-12-01.md", 4), ("Diary/2024-12-02.md", 3), ("Research/PartialOct.md", 4)
    }  # fmt: skip
    assert set(rows[0]) == {"note", "line", "snippet", "matches", "day"}
    plain = CliRunner().invoke(app, ["search", "aliased kernel", "--vault", str(vault)])
    assert plain.exit_code == 0
    assert plain.stdout == "Diary/2024-12-02.md:4  - the NaN came from the aliased kernel\n"
    assert "1 line in 1 note" in plain.stderr
    assert CliRunner().invoke(app, ["search", " ", "--vault", str(vault)]).exit_code == 2


def test_search_in_the_sample_vault_finds_the_seed_notes_log(seed_path):
    idx = build_index(seed_path.parent.parent.parent)
    hits = search(idx, "partial", limit=None)
    assert any(h.note == "Diary/2024/2024-12-01.md" for h in hits)
    for h in hits:
        line = (idx.vault / h.note).read_text(encoding="utf-8").splitlines()[h.line - 1]
        assert "partial" in line.casefold()


def test_once_old_versions_outnumber_the_live_lines_the_text_index_is_rebuilt(tmp_path, monkeypatch):
    from labnotes.vault import build

    monkeypatch.setattr(build, "STALE_REBUILD_MIN", 1)
    vault = make_vault(tmp_path)
    build_index(vault).close()
    for n in range(3):
        (vault / "Diary/2024-12-01.md").write_text(f"# 今日计划\n\n版本 {n} 的梯度爆炸\n" * 3, encoding="utf-8")
        idx = build_index(vault)
        assert idx.store.stale_text_rows() <= idx.store.live_text_rows()
        assert where(search(idx, "梯度爆炸")) == [("Diary/2024-12-01.md", 3), ("Diary/2024-12-01.md", 6), ("Diary/2024-12-01.md", 9)]
        assert where(search(idx, "aliased kernel")) == [("Diary/2024-12-02.md", 4)]
        idx.close()
