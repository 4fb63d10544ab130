"""Front matter: YAML, safely loaded, bounded, and turned into plain JSON-able data.

A value that YAML's types cannot hold (`date: 2024-02-30`, `!!timestamp tomorrow`, an integer of
5,000 digits) is kept as the text written, with a warning on its line; the rest is read.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from labnotes.parse.model import ParseWarning

# Aliases let a few lines of YAML stand for billions of nodes; a copy that counts stops that.
_MAX_NODES = 10_000
_MAX_DEPTH = 50
# Python refuses to print an int of more than 4,300 digits (about 14,000 bits): keep the text.
_MAX_INT_BITS = 14_000
_CODE = "frontmatter"


class _TooBig(Exception):
    pass


class _Loader(yaml.SafeLoader):
    """SafeLoader whose scalar types fall back to the written text instead of raising."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines = _Lines(stream)
        self.problems: list[tuple[int, str]] = []  # (0-based line in the block, message)

    def problem(self, node: Any, message: str) -> None:
        self.problems.append((self.lines.where(node.start_mark)[0], message))


class _Lines:
    """(0-based line, column) of a YAML mark as the note counts lines: YAML also breaks lines at
    U+2028, U+2029 and U+0085, which are no line breaks in a note (a mark's own .line counts
    them). The line starts are found once, when first asked; each look is a bisection."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None

    def where(self, mark: Any) -> tuple[int, int]:
        if mark is None:
            return 0, 0
        if self.starts is None:
            self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        index = min(int(mark.index), len(self.text))
        line = bisect_right(self.starts, index) - 1
        return line, index - self.starts[line]


# A template's `created: {{date}}` is a mapping keyed by a mapping to YAML, which PyYAML refuses
# (an unhashable key) and Obsidian's parser reads; the written text is what the user means.
_PLACEHOLDER = re.compile(r"\{\{[^{}\n]*\}\}")


def _as_written(node: Any, source: str) -> Any:
    """A flow mapping that is a template placeholder, as a plain scalar of its text."""
    if isinstance(node, yaml.MappingNode) and node.flow_style:
        text = source[node.start_mark.index : node.end_mark.index]
        if _PLACEHOLDER.fullmatch(text):
            return yaml.ScalarNode("tag:yaml.org,2002:str", text, node.start_mark, node.end_mark)
    return node


def _placeholders_as_text(node: Any, source: str, depth: int = 0) -> None:
    """Replace, in place, every `{{…}}` value (of a mapping, or item of a list) by its text."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, yaml.MappingNode):
        node.value = [(key, _as_written(value, source)) for key, value in node.value]
        children = [value for _, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        node.value = [_as_written(item, source) for item in node.value]
        children = node.value
    else:
        return
    for child in children:
        _placeholders_as_text(child, source, depth + 1)


def _guarded(kind: str, construct: Callable[[Any, Any], Any]) -> Callable[[_Loader, Any], Any]:
    def build(loader: _Loader, node: Any) -> Any:
        try:
            value = construct(loader, node)
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as exc:
            loader.problem(node, f"{node.value!r:.80} is not a valid {kind} ({exc}); kept as text")
            return node.value
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_INT_BITS:
            loader.problem(node, f"an integer of {len(node.value)} digits; kept as text")
            return node.value
        return value

    return build


for _tag, _kind in (("int", "integer"), ("float", "number"), ("bool", "boolean"), ("timestamp", "date")):
    _full = f"tag:yaml.org,2002:{_tag}"
    _Loader.add_constructor(_full, _guarded(_kind, yaml.SafeLoader.yaml_constructors[_full]))


def _plain(value: Any, budget: list[int], depth: int = 0) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        raise _TooBig
    if isinstance(value, dict):
        return {str(k): _plain(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v, budget, depth + 1) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@dataclass(frozen=True, slots=True)
class PropertyLink:
    """A property whose value is a wiki link (`up: "[[Home]]"`), or one element of a list of them."""

    key: str  # the property, `related.1` for the second element of a list
    line: int  # 1-based line of the value in the note
    col: int  # 0-based column of `text` in that line
    text: str  # the source text inside the quotes, `[[Home]]`
    value: str  # what YAML read (`[[it's]]` for `'[[it''s]]'`)


_WIKI_VALUE = re.compile(r"\s*\[\[[^\[\]\n]+\]\]\s*")


def _property_links(node: Any, source: str, first_line: int, lines: _Lines) -> list[PropertyLink]:
    """Obsidian reads a top-level value that is one wiki link, or a list of them, as links."""
    out: list[PropertyLink] = []
    if not isinstance(node, yaml.MappingNode):
        return out
    for key_node, value in node.value:
        key = str(key_node.value)
        values = [(key, value)] if isinstance(value, yaml.ScalarNode) else []
        if isinstance(value, yaml.SequenceNode):
            values = [(f"{key}.{k}", item) for k, item in enumerate(value.value) if isinstance(item, yaml.ScalarNode)]
        for name, scalar in values:
            if isinstance(scalar.value, str) and _WIKI_VALUE.fullmatch(scalar.value):
                start, end = scalar.start_mark, scalar.end_mark
                quoted = scalar.style in ("'", '"')
                text = source[start.index + quoted : end.index - quoted]
                if "\n" in text:
                    continue  # a value folded over lines is no link Obsidian shows
                lead = len(text) - len(text.lstrip())
                line, col = lines.where(start)
                out.append(PropertyLink(name, first_line + line, col + quoted + lead, text.strip(), scalar.value.strip()))
    return out


class _Unreadable(Exception):
    """YAML that composed into nodes but could not be built into values: its links still count."""

    def __init__(self, error: yaml.YAMLError, links: list[PropertyLink]) -> None:
        super().__init__(str(error))
        self.error = error
        self.links = links


def _yaml(text: str, first_line: int) -> tuple[Any, list[tuple[int, str]], list[PropertyLink]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, loader.problems, []
        if "{{" in text:
            _placeholders_as_text(node, text)
        links = _property_links(node, text, first_line, loader.lines) if "[[" in text else []
        try:
            return loader.construct_document(node), loader.problems, links
        except yaml.YAMLError as exc:
            # Obsidian lists a property's link even when another property is YAML PyYAML refuses.
            raise _Unreadable(exc, links) from exc
    finally:
        loader.dispose()


def load(text: str, first_line: int) -> tuple[dict[str, Any], list[ParseWarning]]:
    """YAML text of the block (first_line = 1-based line of its first content line)."""
    data, warnings, _ = load_with_links(text, first_line)
    return data, warnings


def load_with_links(text: str, first_line: int) -> tuple[dict[str, Any], list[ParseWarning], list[PropertyLink]]:
    """`load`, and the properties whose values are wiki links."""
    if not text.strip():
        return {}, [], []
    try:
        data, problems, links = _yaml(text, first_line)
    except (yaml.YAMLError, _Unreadable) as exc:
        kept = exc.links if isinstance(exc, _Unreadable) else []
        error = exc.error if isinstance(exc, _Unreadable) else exc
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = first_line + _Lines(text).where(mark)[0]
        problem = getattr(error, "problem", None) or "invalid YAML"
        return {}, [ParseWarning(line, f"front matter is not valid YAML: {problem}", _CODE)], kept
    except RecursionError:
        return {}, [ParseWarning(first_line, "front matter nested too deeply", _CODE)], []
    except Exception as exc:  # anything else a YAML constructor may throw: the note is still read
        message = f"front matter cannot be read: {type(exc).__name__}: {str(exc)[:120]}"
        return {}, [ParseWarning(first_line, message, _CODE)], []
    warnings = [ParseWarning(first_line + line, f"front matter: {message}", _CODE) for line, message in problems]
    if data is None:
        return {}, warnings, []
    if not isinstance(data, dict):
        message = f"front matter is a {type(data).__name__}, not a mapping; ignored"
        return {}, [*warnings, ParseWarning(first_line, message, _CODE)], []
    try:
        return _plain(data, [_MAX_NODES]), warnings, links
    except (_TooBig, RecursionError):
        return {}, [*warnings, ParseWarning(first_line, "front matter too large or self-referencing; ignored", _CODE)], []
