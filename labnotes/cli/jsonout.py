"""`--json` output: `json.dumps(data, ensure_ascii=False, indent=2, default=str)`, the same text,
several times faster for the long lists a whole-vault listing prints.

The standard library's C encoder does not indent; with `indent` json falls back to its
pure-Python encoder, a generator per value, and a listing of 130,000 links spent longer in it
than in the query. Here each value is written by one call of a plain function, strings by the C
string encoder. What json.dumps would do with a value (the types it knows, `default=str` for
the rest, key conversion, NaN and infinities) is done alike; circular data is not looked for
(labnotes prints trees of plain values).
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import json.encoder
from typing import Any, Callable

_string: Callable[[str], str] = json.encoder.encode_basestring  # the C one where it is built
_INDENT = "  "


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    # json.dumps's key conversion: strings as they are, then the scalars it knows.
    if isinstance(key, str):
        return _string(key)
    if isinstance(key, float):
        return _string(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _string(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


# Values the C encoder writes as json's Python one does (the set of their exact types is cheap to
# take), and the containers it writes alike when they are empty.
_SCALARS = frozenset({str, int, float, bool, type(None)})
_BOXES = frozenset({list, tuple, dict})
_SCALARS_OR_BOXES = _SCALARS | _BOXES


def _plain(items: Any) -> bool:
    """Whether every item is a plain value or an empty list, tuple or dict: written the same by
    the C encoder without indentation. Each step loops in C (a listing has millions of values)."""
    types = list(map(type, items))
    if _SCALARS.issuperset(types):
        return True
    if not _SCALARS_OR_BOXES.issuperset(types):
        return False
    boxes = sum(map(_BOXES.__contains__, types))
    return boxes == operator.countOf(items, []) + operator.countOf(items, ()) + operator.countOf(items, {})


@functools.cache
def _flat_encoder(depth: int) -> Callable[[Any], str]:
    """The C encoder writing a container of plain values at `depth`, its items one a line: only
    the brackets' own line breaks are missing from its text."""
    between = ",\n" + _INDENT * (depth + 1)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: json's own (slower) path
        return json.JSONEncoder(ensure_ascii=False, separators=(between, ": "), default=str).encode
    # Made once: JSONEncoder.encode makes one for every call. No markers: nothing here is circular.
    encode = make(None, str, _string, None, ": ", between, False, False, True)
    return lambda value: "".join(encode(value, 0))


def _write(value: Any, depth: int, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, (list, tuple, dict)):
        if not value:
            out.append("{}" if isinstance(value, dict) else "[]")
            return
        items = value.values() if isinstance(value, dict) else value
        if _plain(items):
            # Nothing nested: one call of the C encoder (a row of a listing, say).
            text = _flat_encoder(depth)(value)
            out.append(f"{text[0]}\n{_INDENT * (depth + 1)}{text[1:-1]}\n{_INDENT * depth}{text[-1]}")
            return
        inner = "\n" + _INDENT * (depth + 1)
        sep = inner
        if isinstance(value, dict):
            out.append("{")
            for key, item in value.items():
                out.append(sep)
                out.append(_key(key))
                out.append(": ")
                _write(item, depth + 1, out)
                sep = "," + inner
            out.append("\n" + _INDENT * depth + "}")
        else:
            out.append("[")
            for item in value:
                out.append(sep)
                _write(item, depth + 1, out)
                sep = "," + inner
            out.append("\n" + _INDENT * depth + "]")
    else:
        _write(str(value), depth, out)


def dumps(data: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2, default=str)`, the same text."""
    out: list[str] = []
    _write(data, 0, out)
    return "".join(out)


def flat(obj: Any) -> dict[str, Any]:
    """`dataclasses.asdict(obj)`, without asdict's deep copy of every plain value (a copy of a
    string is the string): nested dataclasses become dicts, lists are copied."""
    cls: Any = type(obj)
    names, values = _fields(cls)
    got = values(obj)
    if len(names) == 1:
        got = (got,)
    if _SCALARS.issuperset(map(type, got)):
        return dict(zip(names, got))
    return {name: _copy(value) for name, value in zip(names, got)}


@functools.cache
def _fields(cls: Any) -> tuple[tuple[str, ...], Callable[[Any], Any]]:
    names = tuple(f.name for f in dataclasses.fields(cls))
    return names, operator.attrgetter(*names)


def _copy(value: Any) -> Any:
    if type(value) in _SCALARS:
        return value
    if isinstance(value, (list, tuple)):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {_copy(k): _copy(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return flat(value)
    return value
