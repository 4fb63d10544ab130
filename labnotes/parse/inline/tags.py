"""Obsidian tags: `#tag`, `#nested/tag`, `#中文标签`, after a space or at the start; not `#123`."""

from __future__ import annotations

import re

from labnotes.parse.inline.found import Inline
from labnotes.parse.inline.literal import MASK, blank

TAG = re.compile(r"(?:(?<=^)|(?<=[\s(（,，]))#([^\s#\x00!\"$%&'()*+,.:;<=>?@\[\\\]^`{|}~，。；：！？、（）【】「」《》]+)")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")


def find_tags(masked: str, links: list[tuple[int, int]], found: Inline) -> None:
    """`links`: the spans links cover, in order of start (a `#` inside a link is no tag)."""
    if "#" not in masked:
        return
    # HTML attributes (`background: #BBFABBA6`) and links hold '#' that are no tags.
    plain = masked
    if "<" in plain:
        plain = HTML_TAG.sub(lambda m: MASK * len(m.group(0)), plain)
    plain = blank(plain, links)
    for m in TAG.finditer(plain):
        name = m.group(1).rstrip("-/")
        if name and not name.replace("/", "").isdigit():
            found.tags.append((m.start(), "#" + name))
