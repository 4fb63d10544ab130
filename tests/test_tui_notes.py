"""The Notes view on a long note: it opens at the asked line with only the screen drawn, the
cursor line is always on screen (wrapped lines too), and the note list opens what it shows."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")

from labnotes.tui.messages import OpenNote  # noqa: E402
from tuikit import SEED_REL, SIZE, SMALL, app_for, copy_vault, loaded, scenario  # noqa: E402

LONG = "科研/长笔记.md"
WIDE = 340  # this line wraps over several rows at 80 columns


def long_note(vault, lines: int = 1400) -> None:
    body = [f"- [ ] 任务 {n}" if n % 100 == 0 else f"行 {n} 见 [[2024-12-01]]" if n % 7 == 0 else f"行 {n}" for n in range(1, lines + 1)]
    body[WIDE - 1] = f"行 {WIDE} " + "很长的一行 " * 60
    (vault / LONG).write_text("\n".join(body) + "\n", encoding="utf-8")


def screen_rows(text) -> list[str]:
    """What the note pane shows now, row by row."""
    return [text.render_line(y).text.rstrip() for y in range(text.scrollable_content_region.height)]


@scenario
async def test_a_1400_line_note_opens_at_its_line_and_draws_only_the_screen(tmp_path):
    vault = copy_vault(tmp_path)
    long_note(vault)
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        pilot.app.post_message(OpenNote(LONG, 700))
        await pilot.pause()
        text = pilot.app.query_one("#note-text")
        rows = screen_rows(text)
        assert rows[:2] == ["行 699", "- [ ] 任务 700"]  # one line of context above
        assert text.line == 700 and len(text.lines) == 1401  # the file's trailing newline is a last, empty line
        # Only what is on screen (and the note's end, which sets the scroll range) was drawn.
        assert len(text.lines._drawn) <= 2 * len(rows) + 2

        await pilot.press("end")
        await pilot.pause()
        assert text.line == 1401 and screen_rows(text)[-2:] == ["- [ ] 任务 1400", ""]  # the note ends at the bottom
        await pilot.press("pageup")
        await pilot.pause()
        assert 1401 - len(rows) <= text.line < 1401 - len(rows) // 2 and f"行 {text.line}" in screen_rows(text)
        await pilot.press("home")
        await pilot.pause()
        assert text.line == 1 and screen_rows(text)[0] == "行 1"


@scenario
async def test_at_80_columns_a_wrapped_line_under_the_cursor_shows_whole(tmp_path):
    vault = copy_vault(tmp_path)
    long_note(vault)
    async with app_for(vault).run_test(size=SMALL) as pilot:
        await loaded(pilot)
        pilot.app.post_message(OpenNote(LONG, WIDE - 12))
        await pilot.pause()
        text = pilot.app.query_one("#note-text")
        for _ in range(12):
            await pilot.press("down")
        await pilot.pause()
        rows = screen_rows(text)
        wrapped = [r for r in rows if "很长的一行" in r]
        assert text.line == WIDE and len(wrapped) > 3 and rows[-1].rstrip().endswith("很长的一行")  # its last row, at the bottom
        await pilot.press("down")
        await pilot.pause()
        assert text.line == WIDE + 1 and screen_rows(text)[-1] == f"行 {WIDE + 1}"


@scenario
async def test_enter_on_a_task_line_right_after_opening_opens_the_task(tmp_path):
    vault = copy_vault(tmp_path)
    long_note(vault)
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        pilot.app.post_message(OpenNote(LONG, 900))
        await pilot.pause()
        await pilot.press("enter")  # the note may not be parsed yet: enter parses it then
        await pilot.pause()
        assert pilot.app.query_one("#views").active == "tasks"
        assert "任务 900" in str(pilot.app.query_one("#task-tree").cursor_node.label)


@scenario
async def test_the_note_list_shows_the_newest_note_first_and_enter_opens_the_one_under_the_cursor(tmp_path):
    async with app_for(copy_vault(tmp_path)).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("3")
        await pilot.pause()
        names = pilot.app.query_one("#note-list")
        assert names.has_focus and names.render_line(0).text.strip() == "2024-12-06"
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        notes = pilot.app.query_one("#notes-view")
        assert notes.current.rel == names.highlighted_id and names.render_line(2).text.strip() in notes.current.rel
        assert pilot.app.query_one("#note-text").has_focus

        pilot.app.post_message(OpenNote(SEED_REL, 1))  # opened elsewhere: the list's cursor follows
        await pilot.pause()
        assert names.highlighted_id == SEED_REL
