"""A note's Obsidian Markdown rewritten into the CommonMark that Textual's Markdown widget draws.

Every rewrite stays on its own line, so line N of the result is line N of the note: a block's
source range still names the note's lines, and "open the note at line 67" can scroll there.
- `[[target#heading|alias]]` becomes `[alias](wiki:K)`, K the link's index in `note.links`: a
  click hands back the parsed link itself, so no target text needs quoting into a URL.
- `![[embed]]` becomes a link line `↪ [embed](wiki:K)`; an image `🖼 [name](wiki:K)`.
- `<mark …>x</mark>` and `==x==` become bold (the widget has no highlight), front matter is blanked.
"""

from __future__ import annotations

import re

from labnotes.parse.model import Note
from labnotes.tui.text import wiki_label

WIKI_SCHEME = "wiki:"
_MARK = re.compile(r"<mark\b[^>]*>(.*?)</mark>|==([^=\n]+?)==", re.IGNORECASE)
_IMAGE = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|pdf)$", re.IGNORECASE)


def _escape(label: str) -> str:
    return re.sub(r"([\[\]\\`*_<>])", r"\\\1", label)


def render(source: str, note: Note) -> str:
    lines = source.split("\n")
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    # Right to left within a line, so earlier columns stay valid while we replace.
    for k, link in sorted(enumerate(note.links), key=lambda kl: (kl[1].line, -kl[1].col)):
        if link.kind != "wiki" or not 1 <= link.line <= len(lines):
            continue
        text = lines[link.line - 1]
        end = link.col + len(link.original)
        if text[link.col : end] != link.original:
            continue  # the parser and this split disagree about the line: leave it as written
        inner = link.original.lstrip("!")[2:-2]
        label = _escape(wiki_label(inner))
        if link.embed:
            icon = "🖼 " if _IMAGE.search(link.target or "") else "↪ "
            new = f"{icon}[{label}]({WIKI_SCHEME}{k})"
        else:
            new = f"[{label}]({WIKI_SCHEME}{k})"
        lines[link.line - 1] = text[: link.col] + new + text[end:]
    lines = [_MARK.sub(lambda m: f"**{m.group(1) or m.group(2)}**", line) for line in lines]
    _blank_front_matter(lines)
    return "\n".join(lines)


def _blank_front_matter(lines: list[str]) -> None:
    if not lines or lines[0].rstrip() != "---":
        return
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            for j in range(i + 1):
                lines[j] = ""
            return


def link_index(href: str) -> int | None:
    """The link index a rewritten link carries, None for an ordinary URL."""
    if not href.startswith(WIKI_SCHEME):
        return None
    try:
        return int(href[len(WIKI_SCHEME):])
    except ValueError:
        return None
