"""How a task's words compare across notes: the key two occurrences share when they say the same.

Occurrences are the same task's when their keys match, so the key leaves out what changes as a
task travels and is ticked off: whitespace, Markdown and HTML markup, the carry-over link
`labnotes new` appends (`([[2024-12-01]])`, in any wording), a block id, Obsidian Tasks fields
(`✅ 2024-12-05`, `🆔 abc`, `⏫`) and Dataview fields (`[completion:: 2024-12-05]`).
"""

from __future__ import annotations

import re
from functools import lru_cache

# The link a carry appends: `([[2024-12-01]])`, `([[Diary/2024/2024-12-01|昨天]])`.
_CARRY = re.compile(r"\(\[\[(?P<target>[^\]|#\n]+)(?:[#|][^\]\n]*)?\]\]\)")
# Tasks-plugin emoji fields with their value (a date, an id list, a rule's words up to the next emoji).
_EMOJI_FIELD = re.compile(
    r"(?:[📅📆🗓⏳⌛🛫➕✅❌]\ufe0f?\s*\d{4}-\d{2}-\d{2})"
    r"|(?:[🆔⛔]\ufe0f?\s*[\w\-]+(?:\s*,\s*[\w\-]+)*)"
    r"|(?:🏁\ufe0f?\s*[a-zA-Z]+)"
    r"|(?:🔁\ufe0f?\s*[a-zA-Z0-9, !]*)"
    r"|[🔺⏫🔼🔽⏬]\ufe0f?"
)
_DATAVIEW_FIELD = re.compile(r"[\[(][^\[\]()\n:]{1,40}::[^\[\]()\n]*[\])]")
_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_WIKI = re.compile(r"!?\[\[([^\]|\n]+\|)?([^\]\n]+)\]\]")
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_MARKUP = re.compile(r"[*_=~`]")
# A character that may start a Tasks or Dataview field.
_FIELD_CHARS = re.compile("[📅📆🗓⏳⌛🛫➕✅❌🆔⛔🏁🔁🔺⏫🔼🔽⏬]|::")
# A placeholder's words: nothing, or a number alone (an older template's `1. [ ] 1`).
_PLACEHOLDER = re.compile(r"[\s\d.、)）\-]*")

_TRAILING_CARRY = re.compile(_CARRY.pattern + r"\s*$")

# The day's own words in a heading (`# 2026-01-01 - Thursday`, `## 2024 年 12 月 1 日 周日`): a daily
# template that names the day in its headings gives every note other headings, not other sections.
_DAY_WORDS = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"|\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b"
    r"|(?:星期|周|礼拜)[一二三四五六日天]",
    re.IGNORECASE,
)
_HEADING_NOISE = re.compile(r"[\s\W_]+")


def carry_target(text: str) -> str | None:
    """The note a carried task links back to (`([[2024-12-01]])` → `2024-12-01`), or None.

    The link is the last thing on the task's line, or stands just before its Tasks fields or block id.
    """
    if "([[" not in text:
        return None
    tail = _strip_tail(text)
    m = _TRAILING_CARRY.search(tail)
    if m is None:
        return None
    return m.group("target").strip().rsplit("/", 1)[-1] or None


def without_carry_link(text: str) -> str:
    """The task's words as the user wrote them, without the carry-over link at their end."""
    m = None
    for m in _CARRY.finditer(text):  # noqa: B007 (the last match is the one wanted)
        pass
    if m is None or _strip_tail(text[m.end():]).strip():
        return text.strip()
    return (text[: m.start()].rstrip() + " " + text[m.end():].strip()).strip()


def _strip_tail(text: str) -> str:
    """`text` without the Tasks / Dataview fields and block id at its end."""
    text = _BLOCK_ID.sub("", text)
    text = _EMOJI_FIELD.sub(" ", text)
    text = _DATAVIEW_FIELD.sub(" ", text)
    return text.rstrip()


@lru_cache(maxsize=1 << 16)
def task_key(text: str) -> str:
    """The words that make two occurrences the same task (see the module docstring)."""
    # Carried tasks repeat their words day after day: the cache answers most calls, and each rule
    # runs only when its characters are there.
    if _FIELD_CHARS.search(text):
        text = _strip_tail(text)
    elif "^" in text:
        text = _BLOCK_ID.sub("", text)
    if "[" in text:
        text = _CARRY.sub(" ", text)
        text = _WIKI.sub(lambda m: m.group(2), text)
        text = _MD_LINK.sub(lambda m: m.group(1), text)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    text = _MARKUP.sub("", text)
    # All whitespace goes: in Chinese text spaces are a matter of taste (`AesFA 的` / `AesFA的`).
    return "".join(text.split()).casefold()


@lru_cache(maxsize=1 << 12)
def section_key(section: tuple[str, ...]) -> tuple[str, ...]:
    """The headings above a task as identity compares them: the day's date and weekday taken out of
    each heading (a heading left with nothing else goes), markup, spacing and case aside."""
    out = []
    for heading in section:
        words = _DAY_WORDS.sub(" ", heading)
        if not _HEADING_NOISE.sub("", words):
            continue
        out.append(task_key(words))
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def is_placeholder(text: str) -> bool:
    """Empty or number-only task text (`1. [ ] `, `1. [ ] 1`): a template's blank, nobody's task."""
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    return _PLACEHOLDER.fullmatch(text) is not None


__all__ = ["carry_target", "is_placeholder", "section_key", "task_key", "without_carry_link"]
