"""`--json` output is json.dumps(…, ensure_ascii=False, indent=2, default=str), the same text: the
faster writer for whole-vault listings (labnotes.cli.jsonout) changes no byte of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from labnotes.cli.jsonout import dumps, flat


def expected(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8), st.dates(),
)  # fmt: skip
keys = st.one_of(st.text(max_size=4), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_any_value_is_written_as_json_dumps_writes_it(data):
    assert dumps(data) == expected(data)


def test_a_listing_of_rows_with_empty_and_full_lists():
    # A timeline entry with no findings (an empty list among plain values: the C encoder's
    # path) next to one with findings (the nested path).
    rows = [
        {"id": "2024-12-01@2024-12-01T21:35", "line": 3, "findings": [], "ok": True, "minutes": None},
        {"id": "x", "line": 4, "findings": ["梯度 nan", "\u2028"], "empty": {}, "pair": ()},
        {"when": dt.date(2024, 12, 1), "weight": 61.5, "bad": float("nan")},
    ]
    assert dumps(rows) == expected(rows)
    assert dumps([]) == "[]" and dumps({}) == "{}"


@dataclasses.dataclass(slots=True)
class Entry:
    id: str
    findings: list[str]


@dataclasses.dataclass
class Thread:
    title: str
    path: tuple[str, ...]
    entries: list[Entry]
    status: str | None = None


def test_flat_is_asdict():
    t = Thread("fix nan", ("plan", "科研"), [Entry("a", []), Entry("b", ["found"])])
    assert flat(t) == dataclasses.asdict(t) | {"path": ["plan", "科研"]}
    assert dumps(flat(t)) == expected(dataclasses.asdict(t))
    assert flat(Entry("a", ["x"])) == {"id": "a", "findings": ["x"]}
