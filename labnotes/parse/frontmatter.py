"""Front matter: YAML, safely loaded, bounded, and turned into plain JSON-able data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from labnotes.parse.model import ParseWarning

# Aliases let a few lines of YAML stand for billions of nodes; a copy that counts stops that.
_MAX_NODES = 10_000
_MAX_DEPTH = 50


class _TooBig(Exception):
    pass


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


def load(text: str, first_line: int) -> tuple[dict[str, Any], list[ParseWarning]]:
    """YAML text of the block (first_line = 1-based line of its first content line)."""
    if not text.strip():
        return {}, []
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return {}, [ParseWarning(line, f"front matter is not valid YAML: {problem}")]
    except RecursionError:
        return {}, [ParseWarning(first_line, "front matter nested too deeply")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [ParseWarning(first_line, f"front matter is a {type(data).__name__}, not a mapping; ignored")]
    try:
        return _plain(data, [_MAX_NODES]), []
    except (_TooBig, RecursionError):
        return {}, [ParseWarning(first_line, "front matter too large or self-referencing; ignored")]
