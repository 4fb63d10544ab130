"""Text on its way to a terminal, made safe to print: what a note or a file name holds is shown,
never obeyed.

A note is text from anywhere (a pasted log, a synced vault, a file name made by another tool).
Sent raw, an ESC in it can set the window title, clear the screen, draw a hyperlink that points
elsewhere or write the clipboard (OSC 52); a bidi override turns `exe.txt` into `txt.exe`; a
byte that is not UTF-8 in a file name makes printing fail on a strict UTF-8 locale. Everything
labnotes prints (CLI output, warnings, errors, TUI rows, file names) goes through `printable()`:
such characters become visible escapes, and the rest, Chinese included, is left as it is.

The escapes are JSON's own (`\\u001b`, `\\u202e`, `\\udcff` for the byte 0xff of a file name):
inside `--json` output they are the very same JSON value, so JSON stays exact after it.

Imports nothing from labnotes: every layer may use it.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls; the bidi marks, embeddings, overrides and
# isolates; the line and paragraph separators; the BOM (zero-width no-break space) inside text;
# lone surrogates (a byte of a file name that is not UTF-8, as Python decodes it).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
_UNSAFE = re.compile(f"[{_CONTROLS}]")
_UNSAFE_LINE = re.compile(f"[\t\n{_CONTROLS}]")  # for one-line fields: a row stays one row


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with every character a terminal would obey written as a `\\uXXXX` escape instead.

    Tabs and newlines stay, unless `one_line` (then they are escaped too).
    """
    pattern = _UNSAFE_LINE if one_line else _UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text
