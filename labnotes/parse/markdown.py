"""The markdown-it instance: block structure only, with the plugins Obsidian notes need.

The front matter is cut by `labnotes.parse.source.front_matter_span` (the one rule every reader
shares) and blanked before markdown-it sees the text.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Deeper nesting than this is reported, not parsed: markdown-it recurses once per level.
MAX_NESTING = 120


@lru_cache(maxsize=1)
def block_parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
        .enable(["table", "strikethrough"])
        .use(dollarmath_plugin)
    )
    # Inline constructs are read by labnotes.parse.inline on the raw text of each block.
    md.core.ruler.disable(["inline", "text_join"])
    return md
