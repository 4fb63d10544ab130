"""A note's inline Markdown as one styled terminal line: what a tree row or a list shows.

Obsidian notes mix `<mark style=…>` highlights, `~~struck~~` hypotheses, `code`, wiki-links and
Markdown links into one line. A row shows their meaning (highlighted, struck, a link's name), not
their syntax. Imports no Textual: rich's Text is what Textual's trees and lists take.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from labnotes.lab.records import RunRecord

from labnotes.printable import printable
from labnotes.queries.text import HTML_TAG, duration  # duration: the views take it from here

__all__ = ["checkbox", "duration", "inline", "name", "pad", "stamp", "verdict", "verdict_text", "wiki_label"]

# One alternative per construct; the first that matches at a position wins.
_INLINE = re.compile(
    r"\\(?P<esc>[!-/:-@\[-`{-~])"  # `\[` is a bracket the writer did not want read as Markdown
    r"|(?P<br><br\s*/?>)"
    r"|(?P<block>\s\^[A-Za-z0-9-]+\s*$)"  # a block id `^abc123` ends the line: a target, not text
    r"|<mark\b[^>]*>(?P<mark>.*?)</mark>"
    r"|==(?P<eq>[^=\n]+?)=="
    r"|~~(?P<strike>.+?)~~"
    r"|`(?P<code>[^`\n]+)`"
    r"|\$(?P<math>[^\s$](?:[^$\n]*[^\s$])?)\$"  # `$x$` as Obsidian reads it: no space inside the dollars
    r"|!?\[\[(?P<wiki>[^\]\n]+)\]\]"
    r"|!?\[(?P<label>[^\]\n]*)\]\((?P<url>[^)\s]*)\)"
    r"|\*\*(?P<bold>[^*\n]+)\*\*"
    rf"|{HTML_TAG.pattern}",  # any other HTML tag: dropped
    re.IGNORECASE,
)

STYLES = {
    "mark": "black on #bbfabb",
    "eq": "black on #bbfabb",
    "strike": "strike dim",
    "code": "bold #e6a86e",
    "math": "italic #e6a86e",
    "wiki": "underline #7aa2f7",
    "label": "underline #7aa2f7",
    "bold": "bold",
}


def wiki_label(inner: str) -> str:
    """`note#heading|alias` -> what Obsidian shows: the alias, else `note > heading`."""
    target, _, alias = inner.partition("|")
    if alias and not re.fullmatch(r"\d+(x\d+)?", alias):  # `|100x145` sizes an image
        return alias
    note, _, heading = target.partition("#")
    heading = heading.lstrip("^")
    if note and heading:
        return f"{note} › {heading}"
    return note or heading


def name(text: str) -> str:
    """A file name or other plain text for one row: its control characters shown, not sent."""
    return printable(text, one_line=True)


def inline(text: str, style: str = "") -> Text:
    """The inline Markdown of `text` as styled text, on one line (control characters shown)."""
    text = printable(text)
    out = Text(style=style, no_wrap=True, overflow="ellipsis", end="")
    pos = 0
    for m in _INLINE.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        kind = m.lastgroup
        if kind is None:  # an unknown tag
            continue
        if kind == "esc":
            out.append(m.group("esc"))
            continue
        if kind == "br":  # a line break inside a one-line row
            out.append(" ↵ ", "dim")
            continue
        if kind == "block":
            continue
        if kind == "url":
            kind = "label"
        body = m.group(kind) if kind != "label" else (m.group("label") or m.group("url"))
        if kind == "wiki":
            body = wiki_label(body)
        if kind in ("mark", "eq", "bold"):
            out.append_text(inline(body, STYLES[kind]))
        else:
            out.append(body, STYLES[kind])
    out.append(text[pos:])
    # Tabs and line breaks would break a one-line row; one space each keeps the spans in place.
    out.plain = re.sub(r"[\t\r\n]", " ", out.plain)
    return out


# A run's verdict (`labnotes.lab` says it in words): good news green, a surprise amber, else red.
VERDICT_STYLES = {"reproduced": "bold #9ece6a", "NOT reproduced": "bold #e0af68", "never run": "dim", "stopped": "#e0af68"}
VERDICT_FAILED_STYLE = "bold #f7768e"


def verdict(record: "RunRecord | None") -> str:
    """A run's verdict in the UI's words: a run the user stopped with `x` reads "stopped"."""
    from labnotes.lab.records import verdict as said

    shown = said(record)
    return "stopped" if shown == "interrupted" else shown


def verdict_text(said: str, after: str = "", *, shown: str | None = None) -> Text:
    """A verdict in its colour, the same in every view and the run panel: the words (or `shown`,
    a mark standing for them), then `after` in the same colour."""
    return Text((said if shown is None else shown) + after, VERDICT_STYLES.get(said, VERDICT_FAILED_STYLE))


STATUS_STYLES = {" ": "bold #e0af68", "x": "#9ece6a", "X": "#9ece6a", "-": "dim strike", "/": "#7dcfff"}


def checkbox(status: str) -> Text:
    """`[x]` in the task's colour: open tasks stand out, done ones recede."""
    return Text(f"[{status}]", style=STATUS_STYLES.get(status, "bold #bb9af7"))


def stamp(timestamp: str, weekday: str | None = None) -> str:
    """`2024-12-05T17:36` -> `2024-12-05 17:36 周四`."""
    shown = timestamp.replace("T", " ")
    return f"{shown} {weekday}" if weekday else shown


def pad(text: str, cells: int) -> str:
    """Left-aligned in `cells` terminal columns: CJK characters take two, so `ljust` is not enough."""
    from rich.cells import cell_len

    return text + " " * max(0, cells - cell_len(text))
