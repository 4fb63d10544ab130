"""The markdown-it instance: block structure only, with the plugins Obsidian notes need.

The front matter is cut by `labnotes.parse.source.front_matter_span` (the one rule every reader
shares) and blanked before markdown-it sees the text.

Where Obsidian departs from CommonMark, labnotes follows Obsidian: a numbered item nested under a
list item's text may start with any number (`\\t6. 风格迁移评价指标` then `\\t\\t5. [x] …` is a task
under item 6; CommonMark lets only `1.` interrupt a paragraph and reads `5. [x] …` as more words).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block.list import list_block
from markdown_it.rules_block.list import skipOrderedListMarker
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Deeper nesting than this is reported, not parsed: markdown-it recurses once per level.
MAX_NESTING = 120


def _numbered_item_under_item_text(state: Any, line: int) -> bool:
    """A non-empty `N.` / `N)` item, N ≠ 1, nested deeper than the item whose paragraph it ends."""
    if state.listIndent < 0 or state.sCount[line] < state.blkIndent:
        return False
    after = skipOrderedListMarker(state, line)
    if after < 0:
        return False
    start = state.bMarks[line] + state.tShift[line]
    if int(state.src[start : after - 1]) == 1:
        return False  # CommonMark already lets `1.` interrupt
    return state.skipSpaces(after) < state.eMarks[line]


def obsidian_list(state: Any, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's list rule, except that Obsidian's nested numbered items may end a paragraph."""
    if silent and state.parentType == "paragraph" and _numbered_item_under_item_text(state, start_line):
        state.parentType = "list"  # the rule's start-at-1 check applies only after a paragraph
        try:
            return bool(list_block(state, start_line, end_line, silent))
        finally:
            state.parentType = "paragraph"
    return bool(list_block(state, start_line, end_line, silent))


@lru_cache(maxsize=1)
def block_parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
        .enable(["table", "strikethrough"])
        .use(dollarmath_plugin)
    )
    rule = next(r for r in md.block.ruler.__rules__ if r.name == "list")
    md.block.ruler.at("list", obsidian_list, {"alt": list(rule.alt)})  # keep what it may interrupt
    # Inline constructs are read by labnotes.parse.inline on the raw text of each block.
    md.core.ruler.disable(["inline", "text_join"])
    return md
