"""Inline constructs inside one block's text: links, tags, highlights, strikes, fields, block ids.

markdown-it gives us the blocks; inside a block we scan the raw inline text with regexes over a
masked copy in which code spans, math and backslash escapes are blanked out (same length, so
offsets still point into the source). That is what "nothing inside code or math yields a link,
tag, task or entry" means, and it costs far less than markdown-it's own inline pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from labnotes.parse.urls import SCHEME

MASK = "\x00"  # markdown-it turns NUL into U+FFFD, so it never occurs in real text

_BACKTICKS = re.compile(r"`+")
_MATH = re.compile(r"\$\$.+?\$\$|\$(?=[^\s$])[^$\n]*?(?<=[^\s\\])\$(?!\d)", re.S)
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
_COMMENT = re.compile(r"%%.*?%%|<!--.*?-->", re.S)

WIKI = re.compile(r"(!?)\[\[([^\[\]\n\x00]+?)\]\]")
MDLINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^<>\n]*>|[^\s()\x00]*(?:\([^\s()]*\)[^\s()\x00]*)*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
AUTOLINK = re.compile(r"<((?:https?|ftp|mailto|obsidian|file):[^<>\s\x00]+)>", re.I)
URL = re.compile(r"(?<![\w/@.])(?:https?://|www\.)[^\s<>\x00`\"'，。；、）（【】「」]+", re.I)
_URL_TRAIL = ".,;:!?*_~)]}'\""
HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
MARK = re.compile(
    r"<mark\b([^>]*)>(.*?)</mark>", re.S | re.I
)
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*([^;\"']+)", re.I)
EQ_HIGHLIGHT = re.compile(r"==(?=[^\s=])(.+?)(?<=[^\s=])==")
STRIKE = re.compile(r"~~(?=[^\s~])(.+?)(?<=[^\s~])~~", re.S)
# Obsidian tags: after a space or the start, letters / digits / _ - / and at least one non-digit.
TAG = re.compile(r"(?:(?<=^)|(?<=[\s(（,，]))#([^\s#\x00!\"$%&'()*+,.:;<=>?@\[\\\]^`{|}~，。；：！？、（）【】「」《》]+)")
FIELD_INLINE = re.compile(r"[\[(]([^\[\]()\n:\x00]+?)::\s*([^\[\]()\n\x00]*?)\s*[\])]")
FIELD_LINE = re.compile(r"^([^\s:\[\]()#`\x00][^:\[\]()\n\x00]*?)::\s*(.*?)\s*$", re.M)
BLOCK_ID = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)\s*$", re.M)
_IMAGE_SIZE = re.compile(r"^\d+(?:x\d+)?$")


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if start < pos:
            start = pos
        if end <= start:
            continue
        out.append(text[pos:start])
        out.append(MASK * (end - start))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def code_spans(text: str) -> list[tuple[int, int]]:
    """CommonMark code spans: a run of N backticks closed by the next run of exactly N."""
    spans: list[tuple[int, int]] = []
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    i = 0
    while i < len(runs):
        start, end = runs[i]
        width = end - start
        for j in range(i + 1, len(runs)):
            if runs[j][1] - runs[j][0] == width:
                spans.append((start, runs[j][1]))
                i = j + 1
                break
        else:
            i += 1
    return spans


def mask_literal(text: str) -> str:
    """Blank out code spans, math, comments and escapes: text where no construct may start."""
    if "`" in text:
        text = _blank(text, code_spans(text))
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: MASK * len(m.group(0)), text)
    if "$" in text:
        text = _MATH.sub(lambda m: MASK * len(m.group(0)), text)
    if "%%" in text or "<!--" in text:
        text = _COMMENT.sub(lambda m: MASK * len(m.group(0)), text)
    return text


@dataclass(slots=True)
class RawLink:
    start: int
    end: int
    target: str
    heading: str | None
    block: str | None
    alias: str | None
    embed: bool
    kind: str
    size: str | None = None


@dataclass(slots=True)
class RawSpan:
    start: int
    end: int
    text: str
    color: str | None = None


@dataclass(slots=True)
class Inline:
    """Everything found in one block's text; offsets are into that text."""

    links: list[RawLink] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    highlights: list[RawSpan] = field(default_factory=list)
    strikes: list[RawSpan] = field(default_factory=list)
    fields: list[tuple[int, str, str]] = field(default_factory=list)
    block_ids: list[tuple[int, str]] = field(default_factory=list)


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


def _split_href(href: str) -> tuple[str, str | None, str | None]:
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


def scan(text: str) -> Inline:
    """Find every inline construct in one block's raw text."""
    found = Inline()
    masked = mask_literal(text)
    taken: list[tuple[int, int]] = []  # link spans: no URL or tag starts inside them

    if "[[" in masked:
        for m in WIKI.finditer(masked):
            embed = m.group(1) == "!"
            target, heading, block, alias, size = split_wiki(text[m.start(2):m.end(2)], embed)
            found.links.append(RawLink(m.start(), m.end(), target, heading, block, alias, embed, "wiki", size))
            taken.append((m.start(), m.end()))
    if "](" in masked:
        for m in MDLINK.finditer(masked):
            if any(s <= m.start() < e for s, e in taken):
                continue
            href = m.group(3).strip("<>")
            embed = m.group(1) == "!"
            target, heading, block = _split_href(href)
            kind = "markdown"
            found.links.append(RawLink(m.start(), m.end(), target, heading, block, None, embed, kind))
            taken.append((m.start(), m.end()))
    if "<" in masked and ":" in masked:
        for m in AUTOLINK.finditer(masked):
            found.links.append(RawLink(m.start(), m.end(), m.group(1), None, None, None, False, "url"))
            taken.append((m.start(), m.end()))
    if "http" in masked or "www." in masked:
        for m in URL.finditer(masked):
            if any(s <= m.start() < e for s, e in taken):
                continue
            url = m.group(0).rstrip(_URL_TRAIL)
            end = m.start() + len(url)
            found.links.append(RawLink(m.start(), end, url, None, None, None, False, "url"))
            taken.append((m.start(), end))
    if len(found.links) > 1:
        found.links.sort(key=lambda link: link.start)

    if "<" in masked:
        for m in MARK.finditer(masked):
            color_match = _BACKGROUND.search(text[m.start(1):m.end(1)])
            color = color_match.group(1).strip() if color_match else None
            found.highlights.append(RawSpan(m.start(), m.end(), text[m.start(2):m.end(2)], color))
    if "==" in masked:
        for m in EQ_HIGHLIGHT.finditer(masked):
            found.highlights.append(RawSpan(m.start(), m.end(), text[m.start(1):m.end(1)], None))
    if "~~" in masked:
        for m in STRIKE.finditer(masked):
            found.strikes.append(RawSpan(m.start(), m.end(), text[m.start(1):m.end(1)]))

    if "#" in masked:
        # HTML attributes (`background: #BBFABBA6`) and links hold '#' that are no tags.
        plain = masked
        if "<" in plain:
            plain = HTML_TAG.sub(lambda m: MASK * len(m.group(0)), plain)
        plain = _blank(plain, taken)
        for m in TAG.finditer(plain):
            name = m.group(1).rstrip("-/")
            if name and not name.replace("/", "").isdigit():
                found.tags.append((m.start(), "#" + name))

    if "::" in masked:
        for m in FIELD_INLINE.finditer(masked):
            found.fields.append((m.start(), m.group(1).strip(), m.group(2).strip()))
        for m in FIELD_LINE.finditer(masked):
            if not any(f[0] == m.start() for f in found.fields):
                found.fields.append((m.start(), m.group(1).strip(), m.group(2).strip()))
    if "^" in masked:
        for m in BLOCK_ID.finditer(masked):
            found.block_ids.append((m.start(1) - 1, m.group(1)))
    return found
