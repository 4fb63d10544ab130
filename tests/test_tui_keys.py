"""No dead keys: every view is one key away from every other, whatever had focus; the run panel
goes away; a stopped run says so; the keys in use are in the footer."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")

from textual.widgets import Log, Tree  # noqa: E402

from labnotes.lab import provenance  # noqa: E402
from labnotes.queries.timeline import TimelineEntry  # noqa: E402
from labnotes.tui import runpanel  # noqa: E402
from labnotes.tui.messages import OpenNote  # noqa: E402
from tuikit import ENTRY, SEED_REL, SIZE, SMALL, app_for, copy_vault, fake_repo, loaded, nodes, put_cursor, scenario  # noqa: E402

VIEW_KEYS = {"1": "tasks", "2": "timeline", "3": "notes", "4": "experiments", "5": "metrics"}
# Inside some views focus can sit in a second list whose sibling is focusable too: the case that
# sent the tabs back to Notes.
INNER = {"notes": ["#note-list", "#note-links", "#note-text"], "experiments": ["#exp-list", "#exp-entries", "#exp-runs"]}


@pytest.fixture(autouse=True)
def _no_version_probe(monkeypatch):
    # The version probe imports torch in a child process: slow, and beside the point here.
    monkeypatch.setattr(provenance, "software", lambda *a, **k: {"python": "3", "torch": None})


def footer_keys(app) -> set[str]:
    return {b.key for (_, b, enabled, _) in app.screen.active_bindings.values() if b.show and enabled}


@scenario
async def test_every_view_is_one_key_from_every_other_whatever_has_focus(tmp_path):
    vault = copy_vault(tmp_path)
    async with app_for(vault).run_test(size=SIZE) as pilot:  # wide: the notes' side lists are shown
        await loaded(pilot)
        pilot.app.post_message(OpenNote(SEED_REL, 29))  # a note open: its text can take focus
        await pilot.pause()
        tabs = pilot.app.query_one("#views")
        keys = list(VIEW_KEYS)
        # First visits from inside Notes (a view drawn on its first visit is where focus got lost),
        # then every view to every other, then from each inner list to the next view.
        trips = [("3", "#note-list", "2"), ("3", "#note-links", "4"), ("3", "#note-text", "5")]
        trips += [(a, None, b) for a in keys for b in keys if a != b]
        trips += [(a, inner, keys[(keys.index(a) + 1) % 5]) for a in keys for inner in INNER.get(VIEW_KEYS[a], [])]
        for start_key, inner, key in trips:
            await pilot.press(start_key)
            await pilot.pause()
            if inner:
                pilot.app.query_one(inner).focus()
                await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
            where = f"{VIEW_KEYS[start_key]} ({inner}) → {key}"
            assert tabs.active == VIEW_KEYS[key], where
            focused = pilot.app.focused
            assert focused is not None and pilot.app.query_one(f"#{VIEW_KEYS[key]}-view") in focused.ancestors_with_self, where


@scenario
async def test_the_run_panel_closes_with_c_and_by_itself_after_a_good_run(tmp_path, monkeypatch):
    vault, repo = copy_vault(tmp_path), fake_repo(tmp_path)
    async with app_for(vault, repo).run_test(size=SMALL) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        tree_rows = pilot.app.query_one("#views").region.height
        await pilot.press("r")
        await loaded(pilot)
        panel = pilot.app.query_one("#run-panel")
        assert panel.display and "reproduced" in pilot.app.query_one("#run-status").render().plain
        assert "c" in footer_keys(pilot.app) and "x" not in footer_keys(pilot.app)
        await pilot.press("c")
        await pilot.pause()
        assert not panel.display and pilot.app.query_one("#views").region.height == tree_rows
        assert "c" not in footer_keys(pilot.app)

        monkeypatch.setattr(runpanel, "CLOSE_AFTER_S", 0.2)
        await pilot.press("r")
        await loaded(pilot)
        await pilot.pause(0.5)
        # It ran (its output is in the log) and the panel went away without a key.
        assert "measuring max|x|" in "\n".join(pilot.app.query_one(Log).lines)
        assert not panel.display


@scenario
async def test_a_stopped_run_reads_stopped_not_a_traceback(tmp_path):
    vault, repo = copy_vault(tmp_path), fake_repo(tmp_path, slow=True)
    async with app_for(vault, repo).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        tree = pilot.app.query_one("#timeline-tree", Tree)
        put_cursor(tree, next(n for n in nodes(tree) if isinstance(n.data, TimelineEntry) and n.data.id == ENTRY))
        await pilot.press("r")
        log = pilot.app.query_one(Log)
        for _ in range(400):  # the child is up once it prints
            await pilot.pause(0.05)
            if "waiting to be stopped" in "\n".join(log.lines):
                break
        assert "x" in footer_keys(pilot.app)
        await pilot.press("x")
        await loaded(pilot)
        status = pilot.app.query_one("#run-status").render().plain
        shown = "\n".join(log.lines)
        assert "fake_kernel: stopped" in status
        assert "Traceback" not in shown and "KeyboardInterrupt" not in shown
        assert pilot.app.query_one("#run-panel").display  # a stopped run stays to be read
        assert "■" in tree.cursor_node.label.plain  # the row's verdict mark: stopped


@scenario
async def test_the_footer_shows_the_keys_of_the_focused_view(tmp_path):
    from textual.widgets._footer import FooterKey

    from labnotes.tui.messages import OpenNote

    def shown(app) -> list[str]:
        return [k.description for k in app.query(FooterKey)]

    async with app_for(copy_vault(tmp_path)).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "Sort" in shown(pilot.app) and "Follow link / open task" not in shown(pilot.app)
        pilot.app.post_message(OpenNote(SEED_REL, 29))
        await pilot.pause()
        await pilot.pause()
        assert "Follow link / open task" in shown(pilot.app) and "Sort" not in shown(pilot.app)
        await pilot.press("1")
        await pilot.pause()
        await pilot.pause()
        assert "Sort" in shown(pilot.app) and "Follow link / open task" not in shown(pilot.app)
