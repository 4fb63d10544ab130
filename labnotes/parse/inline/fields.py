"""Inline fields (Dataview's form): `[key:: value]`, `(key:: value)`, and `key:: value` lines.

A field stays on its line. Key and value are read up to the next bracket or line end and
stripped afterwards, so a value padded with thousands of spaces is read in one pass.
"""

from __future__ import annotations

import re

from labnotes.parse.inline.found import Inline

FIELD_INLINE = re.compile(r"[\[(]([^\[\]()\n:\x00]+)::([^\[\]()\n\x00]*)[\])]")
FIELD_LINE = re.compile(r"^([^\s:\[\]()#`\x00][^:\[\]()\n\x00]*)::(.*)$", re.M)


def find_fields(masked: str, found: Inline) -> None:
    if "::" not in masked:
        return
    for m in FIELD_INLINE.finditer(masked):
        found.fields.append((m.start(), m.group(1).strip(), m.group(2).strip()))
    # A line field starts a line, an inline one at a bracket: they never share a start.
    for m in FIELD_LINE.finditer(masked):
        found.fields.append((m.start(), m.group(1).strip(), m.group(2).strip()))
