"""What the store answers equals what the notes say: every VaultIndex method backed by SQL is
compared with the plain answer worked out from fresh parses of the files (the way the first
version answered, by reading every note), on the sample vault and on a generated vault."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from labnotes.parse import parse_note, read_text
from labnotes.parse.model import task_above
from labnotes.settings.config import load_config
from labnotes.tasks.model import Occurrence
from labnotes.vault import build_index
from labnotes.vault.facts import NoteFacts
from labnotes.vault.resolve import Resolver, is_checked
from labnotes.vault.scan import scan_vault

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))


@pytest.fixture(scope="module", params=["sample", "generated"])
def vault(request, tmp_path_factory) -> Path:
    if request.param == "sample":
        return REPO / "vault"
    from make_vault import make_vault

    out = tmp_path_factory.mktemp("generated")
    make_vault(out, 40, seed=3)
    (out / "Notes").mkdir()
    (out / "Notes" / "PartialOct.md").write_text("---\naliases: [POct]\n---\n# PartialOct\n## 掩码\n^mask-block\n", encoding="utf-8")
    (out / "Diary" / "links.md").write_text("[[POct]] [[PartialOct#掩码]] [[PartialOct#^mask-block]] [[nowhere]]\n", encoding="utf-8")
    # Tasks fields and block ids: what an Occurrence carries besides the line.
    (out / "Notes" / "plans.md").write_text(
        "# Plans\n- [ ] write the draft 🆔 draft1 📅 2024-03-01 ^draft\n"
        "    - plain\n        - [x] outline ✅ 2024-02-20\n- [-] dropped idea ❌ 2024-02-21\n- [ ] \n",
        encoding="utf-8",
    )
    return out


@pytest.fixture(scope="module")
def plain(vault):
    """The notes parsed afresh from their files, and a resolver over them."""
    config = load_config(vault)
    scan = scan_vault(vault)
    notes = {rel: parse_note(read_text(vault / rel), rel, config=config) for rel in sorted(scan.notes)}
    facts = {rel: NoteFacts.of(n) for rel, n in notes.items()}
    return notes, Resolver(facts, sorted(scan.attachments))


@pytest.fixture(scope="module")
def idx(vault, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABNOTES_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        build_index(vault).close()  # the second run reads the store written by the first
        index = build_index(vault)
        assert index.stats.parsed == 0
        yield index
        index.close()


def test_every_note_rebuilt_from_its_rows_is_the_parsed_note(idx, plain):
    notes, _ = plain
    assert list(idx.notes) == list(notes)
    for rel, note in notes.items():
        assert idx.notes[rel].to_json() == note.to_json(), rel


def test_entries_in_time_order_and_by_id(idx, plain):
    notes, _ = plain
    expected = sorted(((rel, e) for rel, n in notes.items() if not idx.is_template(rel) for e in n.entries), key=lambda p: (p[1].timestamp, p[0], p[1].line))
    assert [(r, e.id, e.line) for r, e in idx.entries()] == [(r, e.id, e.line) for r, e in expected]
    for rel, e in expected[:: max(1, len(expected) // 25)]:
        found = idx.entry(e.id)
        assert found is not None and found[1].id == e.id
        assert idx.entry_at(rel, e.line).id == e.id


def test_task_items_with_their_place_in_the_task_tree(idx, plain):
    notes, _ = plain
    expected = []
    for rel, n in notes.items():
        items = {i.line: i for i in n.list_items}
        for item in n.list_items:
            if item.task is None:
                continue
            parent = task_above(items, item.parent_line)
            depth, up = 0, parent
            while up is not None:
                depth += 1
                up = task_above(items, up.parent_line)
            expected.append((rel, item.line, item.task, item.text, item.section, parent.line if parent else None, depth))
    got = [(t.note, t.item.line, t.item.task, t.item.text, t.item.section, t.task_parent, t.task_depth) for t in idx.task_rows()]
    assert got == expected


def test_task_occurrences_and_task_items_are_the_plain_walk_over_the_notes(idx, plain):
    # What the tasks engineer's and the fields engineer's plain implementations gave.
    notes, _ = plain
    content = [rel for rel in notes if not idx.is_template(rel)]
    expected = []
    for rel in content:
        n = notes[rel]
        items = {i.line: i for i in n.list_items}
        blocks = {b.line: b.id for b in n.block_ids}
        for item in n.list_items:
            if item.task is None:
                continue
            above = task_above(items, item.parent_line)
            f = item.fields
            expected.append(
                Occurrence(rel, idx.note_day(rel), item.line, item.task, item.text, tuple(item.section),
                           above.line if above else None, blocks.get(item.line), f.id if f else None,
                           f.done if f else None, f.status_type if f else None, item.struck)
            )  # fmt: skip
    got = idx.task_occurrences()
    assert [tuple(o) for o in got] == [tuple(o) for o in expected]
    if "Notes/plans.md" in notes:
        assert any(o.block_id for o in got) and any(o.task_id for o in got) and any(o.done_date for o in got)
    items = [
        (rel, item) for rel in content if NoteFacts.of(notes[rel]).tasks
        for item in notes[rel].list_items if item.task is not None
    ]  # fmt: skip
    assert idx.task_items() == items
    if "Notes/plans.md" in notes:
        assert any(item.fields is not None and item.fields.due for _, item in items)


def test_links_with_their_stored_resolution(idx, plain):
    notes, resolver = plain
    expected = [(rel, link, resolver.resolve(link, rel)) for rel, n in notes.items() for link in n.links]
    assert idx.links() == expected
    for target in {res.rel for _, _, res in expected if res.rel}:
        assert idx.links(to=target) == [x for x in expected if x[2].rel == target]


def test_warnings_metrics_and_fields(idx, plain):
    notes, _ = plain
    assert [(r, w.line, w.message) for r, w in idx.warnings()] == [
        (rel, w.line, w.message) for rel, n in notes.items() for w in n.warnings
    ]
    daily = sorted((n.date, rel) for rel, n in notes.items() if n.date and n.metrics)
    assert [(d, r, m) for d, r, m in idx.metrics()] == [(d, r, notes[r].metrics) for d, r in daily]
    with_exp = {rel for rel, n in notes.items() if any(f.key.strip().lower() == "exp" for f in n.fields)}
    assert set(idx.notes_with_field("exp")) == with_exp
    # Tables are stored as cell texts; their typed cells come back as the parser made them.
    with_tables = [rel for rel, n in notes.items() if n.tables]
    assert with_tables
    for rel in with_tables:
        assert idx.reader.part_of("note_tables", idx.note_id(rel)) == notes[rel].tables, rel


def test_headings_and_aliases(idx, plain):
    notes, _ = plain
    assert idx.headings() == [(rel, h.line, h.level, h.text) for rel, n in notes.items() for h in n.headings]
    assert idx.aliases() == {rel: list(f.aliases) for rel, n in notes.items() if (f := NoteFacts.of(n)).aliases}


def test_days_and_names(idx, plain):
    notes, _ = plain
    assert idx.daily_notes() == sorted((idx.note_day(r), r) for r, n in notes.items() if n.date)
    for rel in list(notes)[:10]:
        stem = rel.rsplit("/", 1)[-1][:-3]
        assert idx.find_note(rel) == rel
        assert idx.find_note(rel.upper()) == rel
        assert idx.find_note(stem) is not None


def test_plain_rows_for_listings_are_the_parsed_entries_tasks_and_links(idx, plain):
    # The rows the timeline, check and link listings read instead of model objects.
    notes, resolver = plain
    entries = [(rel, e) for rel, n in notes.items() for e in n.entries]
    assert idx.timeline_entries() == [
        (rel, e.id, e.line, e.timestamp, e.weekday, e.weekday_ok, e.text, e.struck, e.highlights, e.thread_line)
        for rel, e in entries
    ]
    assert idx.entry_stamps() == [(rel, e.id, e.line, e.timestamp, e.weekday, e.weekday_ok, e.thread_line) for rel, e in entries]
    since = sorted(e.timestamp for _, e in entries)[len(entries) // 2][:10]
    assert [r[1] for r in idx.timeline_entries(since=since)] == [e.id for _, e in entries if e.timestamp[:10] >= since]
    one = next(rel for rel, n in notes.items() if n.entries)
    assert [r[1] for r in idx.timeline_entries([one])] == [e.id for e in notes[one].entries]
    items = {rel: {i.line: i for i in n.list_items} for rel, n in notes.items()}
    assert idx.task_lines() == [
        (rel, i.line, i.task, i.text, above.line if (above := task_above(items[rel], i.parent_line)) else None)
        for rel, n in notes.items() for i in n.list_items if i.task is not None
    ]  # fmt: skip
    expected = [(rel, link, resolver.resolve(link, rel)) for rel, n in notes.items() for link in n.links]
    rows = [
        (rel, x.line, x.col, x.original, x.target, x.heading, x.block, int(x.embed), x.kind, int(is_checked(x)),
         int(res.ok), res.rel, res.heading_line, res.block_line, res.reason)
        for rel, x, res in expected
    ]  # fmt: skip
    assert idx.link_rows() == rows
    assert idx.link_rows(unresolved=True) == [r for r in rows if r[9] and not r[10]]
    for target in {r[11] for r in rows if r[11]}:
        assert idx.link_rows(to=target) == [r for r in rows if r[11] == target]
