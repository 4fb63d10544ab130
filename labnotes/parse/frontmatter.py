"""Front matter: YAML, safely loaded, bounded, and turned into plain JSON-able data.

A value that YAML's types cannot hold (`date: 2024-02-30`, `!!timestamp tomorrow`, an integer of
5,000 digits) is kept as the text written, with a warning on its line; the rest is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
        self.problems: list[tuple[int, str]] = []  # (0-based line in the block, message)


def _guarded(kind: str, construct: Callable[[Any, Any], Any]) -> Callable[[_Loader, Any], Any]:
    def build(loader: _Loader, node: Any) -> Any:
        try:
            value = construct(loader, node)
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as exc:
            loader.problems.append((node.start_mark.line, f"{node.value!r:.80} is not a valid {kind} ({exc}); kept as text"))
            return node.value
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_INT_BITS:
            loader.problems.append((node.start_mark.line, f"an integer of {len(node.value)} digits; kept as text"))
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


def _yaml(text: str) -> tuple[Any, list[tuple[int, str]]]:
    loader = _Loader(text)
    try:
        return loader.get_single_data(), loader.problems
    finally:
        loader.dispose()


def load(text: str, first_line: int) -> tuple[dict[str, Any], list[ParseWarning]]:
    """YAML text of the block (first_line = 1-based line of its first content line)."""
    if not text.strip():
        return {}, []
    try:
        data, problems = _yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return {}, [ParseWarning(line, f"front matter is not valid YAML: {problem}", _CODE)]
    except RecursionError:
        return {}, [ParseWarning(first_line, "front matter nested too deeply", _CODE)]
    except Exception as exc:  # anything else a YAML constructor may throw: the note is still read
        return {}, [ParseWarning(first_line, f"front matter cannot be read: {type(exc).__name__}: {str(exc)[:120]}", _CODE)]
    warnings = [ParseWarning(first_line + line, f"front matter: {message}", _CODE) for line, message in problems]
    if data is None:
        return {}, warnings
    if not isinstance(data, dict):
        return {}, [*warnings, ParseWarning(first_line, f"front matter is a {type(data).__name__}, not a mapping; ignored", _CODE)]
    try:
        return _plain(data, [_MAX_NODES]), warnings
    except (_TooBig, RecursionError):
        return {}, [*warnings, ParseWarning(first_line, "front matter too large or self-referencing; ignored", _CODE)]
