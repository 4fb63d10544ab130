"""What the inline scan finds in one block's text; offsets are into that text."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


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
    """Everything found in one block's text."""

    links: list[RawLink] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    highlights: list[RawSpan] = field(default_factory=list)
    strikes: list[RawSpan] = field(default_factory=list)
    fields: list[tuple[int, str, str]] = field(default_factory=list)
    block_ids: list[tuple[int, str]] = field(default_factory=list)


class Spans:
    """Spans added in order of their start, none overlapping: "is this offset inside one?" by bisection."""

    __slots__ = ("starts", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        self.starts.append(start)
        self.ends.append(end)

    def covers(self, offset: int) -> bool:
        k = bisect_right(self.starts, offset) - 1
        return k >= 0 and offset < self.ends[k]

    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends))
