"""Links: wiki links and embeds, Markdown links and images, autolinks, bare URLs.

Each regex here can only run to the next bracket, parenthesis, space or line end, so a try costs
no more than the stretch it looks at; "is this inside a link already?" is a bisection.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from labnotes.parse.inline.found import Inline, RawLink, Spans
from labnotes.parse.urls import SCHEME

# The alias may hold code (`[[note|the \`nan\` bug]]`): masked characters are allowed after the `|`.
WIKI = re.compile(r"(!?)\[\[([^\[\]\n\x00|]*(?:\|[^\[\]\n]*)?)\]\]")
MDLINK = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"  # the text, one level of brackets inside
    r"\(\s*(<[^<>\n]*>|[^\s()\x00]*(?:\([^\s()]*\)[^\s()\x00]*)*)"  # the target, balanced parentheses
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"  # a title
)
AUTOLINK = re.compile(r"<((?:https?|ftp|mailto|obsidian|file):[^<>\s\x00]+)>", re.I)
URL = re.compile(r"(?<![\w/@.])(?:https?://|www\.)[^\s<>\x00`\"'，。；、）（【】「」]+", re.I)
_URL_TRAIL = ".,;:!?*_~)]}'\""
_IMAGE_SIZE = re.compile(r"^\d+(?:x\d+)?$")


def split_wiki(inner: str, embed: bool) -> tuple[str, str | None, str | None, str | None, str | None]:
    """`target#heading|alias` → (target, heading, block, alias, size)."""
    alias = size = None
    if "|" in inner:
        inner, alias = inner.split("|", 1)
        alias = alias.strip()
        if embed and _IMAGE_SIZE.match(alias):
            size, alias = alias, None
    heading = block = None
    if "#" in inner:
        inner, anchor = inner.split("#", 1)
        anchor = anchor.strip()
        if anchor.startswith("^"):
            block = anchor[1:]
        else:
            heading = anchor
    return inner.strip(), heading, block, alias, size


def split_href(href: str) -> tuple[str, str | None, str | None]:
    """A Markdown link's destination → (target, heading, block); URLs stay whole."""
    if SCHEME.match(href):
        return href, None, None
    target, heading, block = unquote(href), None, None
    if "#" in target:
        target, anchor = target.split("#", 1)
        if anchor.startswith("^"):
            block = anchor[1:]
        else:
            heading = anchor
    return target, heading, block


def find_links(text: str, masked: str, found: Inline) -> list[tuple[int, int]]:
    """Add every link to `found`; returns the spans they cover, in order of start."""
    wikis, marks, autos, urls = Spans(), Spans(), Spans(), Spans()
    if "[[" in masked:
        for m in WIKI.finditer(masked):
            embed = m.group(1) == "!"
            inner = text[m.start(2) : m.end(2)]
            target, heading, block, alias, size = split_wiki(inner, embed)
            wikis.add(m.start(), m.end())
            if not (target or heading is not None or block is not None):
                if "|" not in inner:
                    continue  # `[[]]` is no link
                # `[[|alias]]`, `[[|]]`: Obsidian takes the whole text as the name (`|alias`), a
                # link to a note that does not exist, never to this note.
                target, heading, block, alias, size = split_wiki(inner.replace("|", "\x00"), embed)
                target, heading = target.replace("\x00", "|"), heading.replace("\x00", "|") if heading else heading
                alias = None
            found.links.append(RawLink(m.start(), m.end(), target, heading, block, alias, embed, "wiki", size))
    if "](" in masked:
        for m in MDLINK.finditer(masked):
            if wikis.covers(m.start()):
                continue
            marks.add(m.start(), m.end())
            href = m.group(3).strip("<>")
            if not href:  # `[]()` and `[text]()` are no links
                continue
            target, heading, block = split_href(href)
            alias = text[m.start(2) : m.end(2)] or None  # the link's text, as Obsidian shows it
            found.links.append(RawLink(m.start(), m.end(), target, heading, block, alias, m.group(1) == "!", "markdown"))
    if "<" in masked and ":" in masked:
        for m in AUTOLINK.finditer(masked):
            found.links.append(RawLink(m.start(), m.end(), m.group(1), None, None, None, False, "url"))
            autos.add(m.start(), m.end())
    if "http" in masked or "www." in masked:
        for m in URL.finditer(masked):
            if wikis.covers(m.start()) or marks.covers(m.start()) or autos.covers(m.start()):
                continue
            url = m.group(0).rstrip(_URL_TRAIL)
            end = m.start() + len(url)
            found.links.append(RawLink(m.start(), end, url, None, None, None, False, "url"))
            urls.add(m.start(), end)
    if len(found.links) > 1:
        found.links.sort(key=lambda link: link.start)
    return sorted(wikis.pairs() + marks.pairs() + autos.pairs() + urls.pairs())
