"""The sample vault: the seed note untouched, everything it links to present, a believable week."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from labnotes.settings.config import load_config
from labnotes.vault import build_index
from labnotes.settings.locations import SAMPLE_VAULT
from labnotes.notes.newnote import daily_note_path
from labnotes.parse import read_note
from labnotes.notes.template import format_moment

SEED = SAMPLE_VAULT / "Diary" / "2024" / "2024-12-01.md"
SEED_SHA256 = "69c5d1c77c5f46efe4321eac92406b1b02a6d1d4009120bb886165ae31b93a0b"
CHECK_NOTE = SAMPLE_VAULT / "科研" / "2024年12月1日_G_contrast函数检查.md"
WEEKDAYS = "一二三四五六日"


@pytest.fixture(scope="module")
def index():
    return build_index(SAMPLE_VAULT, use_cache=False)


def test_the_seed_is_byte_for_byte_the_real_note() -> None:
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_the_vault_stays_small(index) -> None:
    assert 10 <= len(index.notes) <= 15


def test_every_wiki_link_resolves(index) -> None:
    broken = []
    for rel, note in index.notes.items():
        if rel.startswith("Template/"):
            continue  # [[{{yesterday}}]] is filled in when a note is made
        for link in note.links:
            if link.kind == "wiki" and not index.resolve(link, rel).ok:
                broken.append(f"{rel}:{link.line} {link.original}")
    assert broken == []


def test_the_seeds_links_land_on_the_notes_and_headings_it_names(index) -> None:
    seed = index.notes["Diary/2024/2024-12-01.md"]
    targets = {(index.resolve(x, "Diary/2024/2024-12-01.md").rel, x.heading) for x in seed.links if x.kind == "wiki"}
    assert targets == {
        ("Diary/2024/2024-01-01.md", "新的一年"),
        ("科研/神经网络组件目录文件_README.md", None),
        ("科研/2024年12月1日_G_contrast函数检查.md", None),
        ("科研/2024年12月1日_G_contrast函数检查.md", "基于检查结果的推理"),
        ("科研/2024年12月1日_G_contrast函数检查.md", "根据以上推理, 可以得出结论"),
        ("科研/2024年12月1日_G_contrast函数检查.md", "解决方案"),
    }


def test_the_g_contrast_check_has_its_results_before_the_three_linked_headings() -> None:
    headings = [h.text for h in read_note(CHECK_NOTE).headings if h.level == 2]
    assert headings[:4] == ["检查结果", "基于检查结果的推理", "根据以上推理, 可以得出结论", "解决方案"]
    text = CHECK_NOTE.read_text(encoding="utf-8")
    assert "inf / inf" in text and "StyleEncoder" in text


def test_the_component_catalogue_names_the_components() -> None:
    text = (SAMPLE_VAULT / "科研" / "神经网络组件目录文件_README.md").read_text(encoding="utf-8")
    for name in ("部分卷积", "八度卷积", "AdaConv", "小波卷积"):
        assert name in text


def test_daily_notes_around_the_seed(index) -> None:
    days = [d for d, _ in index.daily_notes()]
    assert dt.date(2024, 1, 1) in days
    assert [d for d in days if d >= dt.date(2024, 11, 28)] == [
        dt.date(2024, 11, 28) + dt.timedelta(days=k) for k in range(9)
    ]


def test_every_log_stamp_names_the_right_weekday(index) -> None:
    wrong = [
        (rel, e.line, e.timestamp, e.weekday)
        for rel, note in index.notes.items()
        for e in note.entries
        if e.weekday and not e.weekday_ok
    ]
    assert wrong == []
    stamped = [e for rel, n in index.notes.items() if rel != "Diary/2024/2024-12-01.md" for e in n.entries]
    assert len(stamped) >= 10


def test_life_tables_are_filled_in_outside_the_seed(index) -> None:
    for day, rel in index.daily_notes():
        if day < dt.date(2024, 11, 28) or rel.endswith("2024-12-01.md"):
            continue
        metrics = index.notes[rel].metrics
        assert isinstance(metrics["今日体重"], float), rel
        assert isinstance(metrics["剩余资金 (支)"], float), rel
        assert ":" in metrics["昨天睡觉时间"], rel


def test_the_template_has_the_seeds_shape_and_recurring_tasks() -> None:
    template = (SAMPLE_VAULT / "Template" / "Daily.md").read_text(encoding="utf-8")
    seed = SEED.read_text(encoding="utf-8")
    assert [x for x in template.splitlines() if x.startswith("#")] == [x for x in seed.splitlines() if x.startswith("#")]
    assert template.startswith("---\n\n---\n")
    seed_lines = seed.splitlines()
    for line in (seed_lines[21], seed_lines[25], seed_lines[7], "![[2024-01-01#新的一年]]"):
        assert line in template.splitlines()
    assert "{{date:YYYY-MM-DD}}" in template and "{{weekday}}" in template


def test_obsidian_opens_the_vault_with_daily_notes_from_the_template() -> None:
    config = SAMPLE_VAULT / ".obsidian"
    settings = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in config.glob("*.json")}
    assert "app.json" in settings
    daily = settings["daily-notes.json"]
    assert (SAMPLE_VAULT / f"{daily['template']}.md").is_file()
    # Obsidian's daily notes land where labnotes writes them: Diary/YYYY/YYYY-MM-DD.md
    for day in (dt.date(2024, 12, 1), dt.date(2025, 1, 1)):
        where = f"{daily['folder']}/{format_moment(day, daily['format'])}.md"
        assert where == daily_note_path(load_config(SAMPLE_VAULT), day).as_posix()
    assert (SAMPLE_VAULT / settings["templates.json"]["folder"]).is_dir()
