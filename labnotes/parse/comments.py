"""Obsidian's `%% … %%` comment blocks: what they hold is no part of the note.

A comment block opens where a line starts with `%%` (after indentation, outside code) and closes
at the next `%%`, on that line or a later one; an unclosed one runs to the end of the note, as in
Obsidian. Tasks, headings, links and entries inside are not read -- but Obsidian's metadata still
lists the tags in a block (`%%` / `- [ ] #task …` / `%%`: no list item, tag `#task`), so they
are read (`block_parts`). The block is replaced by spaces (line breaks kept), so every other line
and column stays where it is. An inline `%% … %%` later in a line hides nothing from Obsidian's
metadata, and nothing here.
"""

from __future__ import annotations

from collections.abc import Container, Iterator


def comment_blocks(lines: list[str], code_lines: Container[int]) -> list[tuple[int, int, int, int]]:
    """(first line, its column, last line, column after the closing `%%`) of each block, 0-based.

    `code_lines` are the 0-based lines inside code blocks, where `%%` opens nothing.
    """
    blocks: list[tuple[int, int, int, int]] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        col = len(line) - len(line.lstrip(" \t"))
        if k in code_lines or not line.startswith("%%", col):
            k += 1
            continue
        end_line, end_col = _closer(lines, k, col + 2)
        blocks.append((k, col, end_line, end_col))
        k = end_line + 1
    return blocks


def _closer(lines: list[str], k: int, col: int) -> tuple[int, int]:
    while k < len(lines):
        found = lines[k].find("%%", col)
        if found != -1:
            return k, found + 2
        k, col = k + 1, 0
    return len(lines) - 1, len(lines[-1])


def block_parts(lines: list[str], blocks: list[tuple[int, int, int, int]]) -> Iterator[tuple[int, int, str]]:
    """(0-based line, column, text) of each line's part inside a block."""
    for first, col, last, end in blocks:
        for k in range(first, last + 1):
            a = col if k == first else 0
            b = end if k == last else len(lines[k])
            yield k, a, lines[k][a:b]


def blank_blocks(lines: list[str], blocks: list[tuple[int, int, int, int]]) -> list[str]:
    """`lines` with each block's characters replaced by spaces."""
    out = list(lines)
    for first, col, last, end in blocks:
        for k in range(first, last + 1):
            line = out[k]
            a = col if k == first else 0
            b = end if k == last else len(line)
            out[k] = line[:a] + " " * (b - a) + line[b:]
    return out
