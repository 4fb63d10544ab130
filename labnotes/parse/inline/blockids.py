"""Block ids: `^abc-1` at the end of a block's line, after a space, alone on the line, or right
after an embed (`![[pic.png]]^abc`, the form Obsidian itself writes)."""

from __future__ import annotations

import re

from labnotes.parse.inline.found import Inline

BLOCK_ID = re.compile(r"(?:(?<=^)|(?<=\s)|(?<=\]\]))\^([A-Za-z0-9-]+)\s*$", re.M)


def find_block_ids(masked: str, found: Inline) -> None:
    if "^" not in masked:
        return
    for m in BLOCK_ID.finditer(masked):
        found.block_ids.append((m.start(1) - 1, m.group(1)))
