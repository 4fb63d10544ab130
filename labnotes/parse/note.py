"""One note's text → `Note`: front matter, markdown-it's blocks (read by `walk.Walk`), entry ids,
metrics and task fields.

`parse_note` never raises and never stalls: odd input becomes a warning with its line, a note
that takes longer than its budget keeps what was read so far and says where it stopped, and even
a bug of labnotes' own on one block is a warning for that block while the rest is read.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from pathlib import PurePath
from typing import Any

from labnotes.parse import frontmatter
from labnotes.parse.budget import Budget, for_text
from labnotes.parse.comments import blank_blocks, block_parts, comment_blocks
from labnotes.parse.entries import assign_ids
from labnotes.parse.inline import Inline, split_wiki
from labnotes.parse.inline.tags import find_tags
from labnotes.parse.markdown import MAX_NESTING, block_parser
from labnotes.parse.model import Link, Note, ParseWarning, Tag
from labnotes.parse.source import front_matter_span, normalise
from labnotes.parse.taskfields import add_task_fields
from labnotes.parse.timestamps import formats_for
from labnotes.parse.walk import Walk, describe
from labnotes.settings.config import VaultConfig

_ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}(?!\d)")
_DEFAULT_CONFIG = VaultConfig()
# Blocks whose text is literal: a `%%` in them opens no comment.
_LITERAL_BLOCKS = frozenset({"fence", "code_block", "math_block", "math_block_label", "html_block"})
# Containers whose content markdown-it tokenizes one level deeper (and drops past MAX_NESTING).
_CONTAINERS = frozenset({"blockquote_open", "list_item_open", "bullet_list_open", "ordered_list_open"})


def parse_note(
    text: str,
    path: str = "<text>",
    *,
    day: str | dt.date | None = None,
    config: VaultConfig | None = None,
    budget: float | None = None,
) -> Note:
    """Parse one note. Pure: no file access. Never raises: problems come back as warnings.

    `budget` is the CPU seconds labnotes' reading of the blocks may take (default: 10 s plus 5 s
    per MB of text); past it the note keeps what was read and a `budget` warning names the line where
    reading stopped.
    """
    # A parse allocates many small objects that all live until it ends; the cyclic collector
    # would rescan them again and again (a third of the time on a large note) for nothing.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _parse(text, path, day, config or _DEFAULT_CONFIG, for_text(text) if budget is None else budget)
    except Exception as exc:  # one note must never stop a vault: say so, keep the note's name
        note = Note(path=path, date=None, frontmatter=None)
        note.warnings.append(ParseWarning(1, f"labnotes could not read this note ({describe(exc)})", "internal"))
        return note
    finally:
        if paused:
            gc.enable()


def _parse(text: str, path: str, day: str | dt.date | None, config: VaultConfig, budget: float) -> Note:
    text = normalise(text)
    src = text.split("\n")
    note = Note(path=path, date=None, frontmatter=None, line_count=len(src) - (1 if text.endswith("\n") else 0))
    body = _read_front_matter(note, text, src)
    note_day = _day(day) or _note_day(path, note.frontmatter, config)
    note.date = note_day.isoformat() if note_day else None
    tokens = _blocks(note, body)
    if "%%" in body:
        body, tokens, src = _without_comment_blocks(note, body, tokens, src)
    # The budget guards labnotes' own reading; markdown-it's block pass is linear in the text.
    walk = Walk(note, src, formats_for(config.timestamp_formats), note_day, Budget(budget))
    walk.run(tokens)
    _warn_dropped(note, tokens)
    assign_ids(note, walk.entries)
    note.metrics = _metrics(note, config)
    add_task_fields(note, src, config.tasks)
    note.tags.sort(key=lambda t: (t.line, t.col))  # a comment block's tags were read first
    note.warnings.sort(key=lambda w: w.line)
    return note


def _blocks(note: Note, body: str) -> list[Any]:
    try:
        return block_parser().parse(body)
    except RecursionError:
        note.warnings.append(ParseWarning(1, "structure nested too deeply to parse; only the text is kept", "nesting"))
    except Exception as exc:  # markdown-it's own failure: keep the front matter and the day
        note.warnings.append(ParseWarning(1, f"labnotes could not read this note's blocks ({describe(exc)})", "internal"))
    return []


def _without_comment_blocks(note: Note, body: str, tokens: list[Any], src: list[str]) -> tuple[str, list[Any], list[str]]:
    """Blank out `%% … %%` blocks (found outside code) and read the blocks again, if there are any."""
    code: set[int] = set()
    for tok in tokens:
        if tok.type in _LITERAL_BLOCKS and tok.map:
            code.update(range(tok.map[0], tok.map[1]))
    lines = body.split("\n")
    blocks = comment_blocks(lines, code)
    if not blocks:
        return body, tokens, src
    for k, col, part in block_parts(lines, blocks):
        found = Inline()
        find_tags(part, [], found)
        note.tags.extend(Tag(k + 1, col + start, tag) for start, tag in found.tags)
    lines = blank_blocks(lines, blocks)
    body = "\n".join(lines)
    # The front matter is blank in `lines` too; the walk needs only the rest.
    return body, _blocks(note, body), lines


def _read_front_matter(note: Note, text: str, src: list[str]) -> str:
    """Read the YAML block into `note`; the text markdown-it gets, with the block blanked out."""
    span = front_matter_span(src)
    if span is None:
        return text
    last = span[1]
    note.frontmatter, warnings, links = frontmatter.load_with_links("\n".join(src[1 : last - 1]), 2)
    note.warnings.extend(warnings)
    for prop in links:
        target, heading, block, alias, size = split_wiki(prop.value[2:-2], False)
        note.links.append(Link(prop.line, prop.col, prop.text, target, heading, block, alias, False, "wiki", size, prop.key))
    # Blank lines keep every later line number; markdown-it reads nothing into them.
    return "\n".join([""] * last + src[last:])


def _day(day: str | dt.date | None) -> dt.date | None:
    if isinstance(day, str):
        try:
            return dt.date.fromisoformat(day)
        except ValueError:
            return None
    return day


def _note_day(path: str, fm: dict[str, Any] | None, config: VaultConfig) -> dt.date | None:
    if fm and "date" in fm:
        value = fm["date"]
        m = _ISO_DAY.match(value) if isinstance(value, str) else None
        if m:
            try:
                return dt.date.fromisoformat(m.group(0).strip())
            except ValueError:
                pass
    return config.day_in(PurePath(path).stem)


def _warn_dropped(note: Note, tokens: list[Any]) -> None:
    """markdown-it reads no deeper than MAX_NESTING levels and drops what lies below: say where."""
    for tok in tokens:
        if tok.nesting == 1 and tok.level >= MAX_NESTING - 1 and tok.type in _CONTAINERS and tok.map:
            first, last = tok.map[0] + 1, max(tok.map[1], tok.map[0] + 1)
            message = f"block quotes or lists nested too deeply to read: lines {first}-{last} were not read"
            note.warnings.append(ParseWarning(first, message, "nesting"))
            return


def _metrics(note: Note, config: VaultConfig) -> dict[str, Any]:
    for table in note.tables:
        if table.section and table.section[0] == config.life_section and table.rows:
            values: dict[str, Any] = {}
            for row in table.rows:
                for header, cell in zip(table.header, row):
                    if cell.type != "empty" and header not in values:
                        values[header] = cell.value
            return values
    return {}
