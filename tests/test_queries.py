"""Queries over the index: tasks, timeline, links, metrics, check — on the sample vault and small ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from labnotes.queries.filters import QueryError
from labnotes.queries.links import backlinks, links
from labnotes.queries.metrics import metrics
from labnotes.queries.tasks import tasks
from labnotes.queries.timeline import timeline
from labnotes.vault import build_index
from labnotes.settings.locations import SAMPLE_VAULT

SEED_REL = "Diary/2024/2024-12-01.md"


@pytest.fixture(scope="module")
def sample():
    # Built once for the module, without the cache (the per-test cache folder does not exist yet).
    return build_index(SAMPLE_VAULT, use_cache=False)


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- the sample vault ---------------------------------------------------------------------------


def test_the_seed_timeline_has_its_20_entries_in_time_order(sample):
    threads = timeline(sample, note=SEED_REL)
    entries = [e for t in threads for e in t.entries]
    assert len(entries) == 20
    for t in threads:
        stamps = [e.timestamp for e in t.entries]
        assert stamps == sorted(stamps)
    first = threads[0]
    assert (first.title, first.depth) == ("修改 PartialOct", 0)
    assert first.entries[0].rejected  # the struck learning-rate hypothesis
    assert first.entries[0].timestamp == "2024-12-01T16:53"


def test_threads_of_sub_tasks_nest_under_修改_PartialOct(sample):
    threads = timeline(sample, thread="修改 PartialOct", note=SEED_REL)
    assert threads[0].title == "修改 PartialOct"
    assert all(t.depth >= 1 and "修改 PartialOct" in t.path for t in threads[1:])
    decoder = next(t for t in threads if t.title.startswith("方案 2"))
    assert [e.minutes_since_previous for e in decoder.entries][:3] == [None, 32, 27]


def test_every_seed_link_resolves(sample):
    broken = links(sample, unresolved=True, note=SEED_REL)
    assert broken == []
    resolved = [r for r in links(sample, note=SEED_REL) if not r.external]
    assert resolved and all(r.ok for r in resolved)


def test_backlinks_of_the_seed(sample):
    rows = backlinks(sample, "2024-12-01")
    assert rows and all(r.resolved == SEED_REL for r in rows)
    assert SEED_REL not in {r.note for r in rows}


def test_open_tasks_under_科研(sample):
    rows = tasks(sample, status="open", section="科研", note=SEED_REL)
    assert rows and all(r.status == " " and "科研" in r.section for r in rows)
    assert "思考在代码层面如何将小波卷积与部分卷积结合" in [r.text for r in rows]


def test_done_tasks_form_a_tree(sample):
    rows = tasks(sample, status="done", note=SEED_REL)
    top = next(r for r in rows if r.text == "修改 PartialOct")
    children = [r for r in rows if r.parent_line == top.line]
    assert top.depth == 0 and children and all(c.depth == 1 for c in children)


def test_the_template_is_left_out_of_tasks(sample):
    assert all(r.note != "Template/Daily.md" for r in tasks(sample))


# -- filters ----------------------------------------------------------------------------------


@pytest.fixture
def days(tmp_path):
    write(tmp_path, "2024-12-01.md", "# 今日计划\n\n1. [ ] alpha\n2. [x] beta\n3. [-] gamma\n4. [/] delta\n")
    write(tmp_path, "2024-12-02.md", "# 工作\n\n1. [ ] Alpha report\n")
    write(tmp_path, "notes/undated.md", "1. [ ] no day\n")
    return build_index(tmp_path)


@pytest.mark.parametrize(
    "status, texts",
    [
        ("open", ["alpha", "Alpha report", "no day"]),
        ("done", ["beta"]),
        ("cancelled", ["gamma"]),
        ("/", ["delta"]),
        (None, ["alpha", "beta", "gamma", "delta", "Alpha report", "no day"]),
    ],
)
def test_tasks_by_status(days, status, texts):
    assert [r.text for r in tasks(days, status=status)] == texts


def test_tasks_by_day_grep_and_section(days):
    assert [r.text for r in tasks(days, since="2024-12-02")] == ["Alpha report"]
    assert [r.text for r in tasks(days, until="2024-12-01", status="open")] == ["alpha"]
    assert [r.text for r in tasks(days, grep="^alpha")] == ["alpha", "Alpha report"]
    assert [r.text for r in tasks(days, section="工作")] == ["Alpha report"]


def test_bad_filters_are_query_errors(days):
    with pytest.raises(QueryError, match="--since"):
        tasks(days, since="last week")
    with pytest.raises(QueryError, match="--status"):
        tasks(days, status="finished")
    with pytest.raises(QueryError, match="no note"):
        tasks(days, note="nope")


# -- check: tests/test_check.py -----------------------------------------------------------


# -- metrics ----------------------------------------------------------------------------------


def test_metrics_are_a_time_series_of_life_tables(tmp_path):
    table = "# 今日生活\n\n| 今日体重 | 剩余资金 (支) |\n| --- | --- |\n| {w} | ¥{m} |\n"
    write(tmp_path, "2024-12-02.md", table.format(w="66.1 kg", m="100"))
    write(tmp_path, "2024-12-01.md", table.format(w="66.5 kg", m="120.5"))
    write(tmp_path, "2024-12-03.md", "# 今日生活\n\nno table\n")
    columns, rows = metrics(build_index(tmp_path))
    assert columns == ["day", "note", "今日体重", "剩余资金 (支)"]
    assert [(r["day"], r["今日体重"], r["剩余资金 (支)"]) for r in rows] == [
        ("2024-12-01", 66.5, 120.5),
        ("2024-12-02", 66.1, 100),
    ]


def test_open_tasks_leave_out_empty_template_placeholders_unless_asked(sample):
    open_tasks = tasks(sample, status="open", note=SEED_REL)
    assert len(open_tasks) == 8  # 15 open in the seed, 7 of them empty 学业 / 兴趣 placeholders
    assert all(r.text for r in open_tasks)
    with_placeholders = tasks(sample, status="open", note=SEED_REL, placeholders=True)
    assert len(with_placeholders) == 15


def test_index_counts_agree_with_the_tasks_and_timeline_listings(sample):
    from labnotes.queries.summary import summary

    counts = summary(sample)
    listed = tasks(sample)
    assert counts["tasks"] == len(listed)
    assert counts["open_tasks"] == sum(1 for r in listed if r.status == " ")
    assert counts["entries"] == sum(len(t.entries) for t in timeline(sample))
