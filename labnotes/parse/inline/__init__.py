"""Inline constructs inside one block's text, one module per construct (as markdown-it's rules).

markdown-it gives us the blocks; inside a block we scan the raw inline text over a masked copy in
which code spans, math, comments and backslash escapes are blanked out (same length, so offsets
still point into the source). That is what "nothing inside code or math yields a link, tag, task
or entry" means, and it costs far less than markdown-it's own inline pass. Every scan is linear
in the text: delimiters are paired in one pass and no lookahead runs past a line or a bracket
without consuming what it read.
"""

from __future__ import annotations

from labnotes.parse.inline.blockids import find_block_ids
from labnotes.parse.inline.fields import find_fields
from labnotes.parse.inline.found import Inline, RawLink, RawSpan
from labnotes.parse.inline.highlights import find_highlights
from labnotes.parse.inline.links import find_links, split_href, split_wiki
from labnotes.parse.inline.literal import MASK, mask_literal
from labnotes.parse.inline.strikes import find_strikes
from labnotes.parse.inline.tags import find_tags

__all__ = ["MASK", "Inline", "RawLink", "RawSpan", "mask_literal", "scan", "split_href", "split_wiki"]


def scan(text: str) -> Inline:
    """Find every inline construct in one block's raw text."""
    found = Inline()
    masked = mask_literal(text)
    links = find_links(text, masked, found)
    find_highlights(text, masked, found)
    find_strikes(text, masked, found)
    find_tags(masked, links, found)
    find_fields(masked, found)
    find_block_ids(masked, found)
    return found
