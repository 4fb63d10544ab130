"""A note's list items as a tree: the item on a line, its parent, its children, the task above it.

Two items can start on one line (`- 1. plan for today`: a bullet whose first child is a numbered
item), so a line alone does not name an item; (line, depth) does, and a parent is always one level
up. Every walk here goes strictly up or down a level, so it ends, whatever the note holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from labnotes.parse.model import ListItem


class ItemTree:
    """The list items of one note, keyed so that two items on one line are both kept."""

    __slots__ = ("_by_key", "_at", "_children")

    def __init__(self, items: Iterable[ListItem]) -> None:
        self._by_key: dict[tuple[int, int], ListItem] = {}
        self._at: dict[int, ListItem] = {}
        self._children: dict[tuple[int, int], list[ListItem]] = {}
        for item in items:
            self._by_key[(item.line, item.depth)] = item
            held = self._at.get(item.line)
            if held is None or item.depth > held.depth:
                self._at[item.line] = item
        for item in self._by_key.values():
            parent = self.parent(item)
            if parent is not None:
                self._children.setdefault((parent.line, parent.depth), []).append(item)

    def __contains__(self, line: object) -> bool:
        return line in self._at

    def at(self, line: int | None) -> ListItem | None:
        """The innermost item that starts on `line` (the one whose text is there)."""
        return self._at.get(line) if line is not None else None

    def parent(self, item: ListItem) -> ListItem | None:
        """The item that encloses `item`, or None at the top of a list."""
        if item.parent_line is None or item.depth <= 0:
            return None
        parent = self._by_key.get((item.parent_line, item.depth - 1))
        if parent is None or parent is item or parent.line > item.line:
            return None
        return parent

    def children(self, item: ListItem) -> list[ListItem]:
        """The items directly under `item`, in file order."""
        return self._children.get((item.line, item.depth), [])

    def ancestors(self, item: ListItem) -> Iterator[ListItem]:
        """The enclosing items, nearest first (each one level up, so this ends)."""
        up = self.parent(item)
        while up is not None:
            yield up
            up = self.parent(up)

    def task_above(self, item: ListItem) -> ListItem | None:
        """The nearest task that encloses `item` (not `item` itself)."""
        return next((up for up in self.ancestors(item) if up.task is not None), None)

    def tasks_above(self, item: ListItem) -> list[ListItem]:
        """Every task enclosing `item`, nearest first."""
        return [up for up in self.ancestors(item) if up.task is not None]

    def task_at_or_above(self, line: int | None) -> ListItem | None:
        """The task on `line`, or the nearest task enclosing the item there."""
        item = self.at(line)
        if item is None:
            return None
        if item.task is not None:
            return item
        return self.task_above(item)
