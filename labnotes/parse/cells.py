"""Typed table cells: clock times, money, numbers with units, text."""

from __future__ import annotations

import re

from labnotes.parse.model import Cell

_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?::\d{2})?$")
_MONEY_PREFIX = re.compile(r"^([¥￥$€£])\s*(-?[\d,]*\.?\d+)$")
_MONEY_SUFFIX = re.compile(r"^(-?[\d,]*\.?\d+)\s*(元|块|RMB|CNY|USD|EUR)$", re.I)
_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)\s*([A-Za-z%°µ\u4e00-\u9fff/]{0,6})$")


def _number(text: str) -> float | int:
    text = text.replace(",", "")
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def typed_cell(raw: str) -> Cell:
    text = raw.strip()
    if not text:
        return Cell(text, "empty")
    m = _TIME.match(text)
    if m and int(m.group(1)) < 48 and int(m.group(2)) < 60:
        return Cell(text, "time", f"{int(m.group(1)):02d}:{m.group(2)}")
    m = _MONEY_PREFIX.match(text)
    if m:
        return Cell(text, "money", _number(m.group(2)), m.group(1))
    m = _MONEY_SUFFIX.match(text)
    if m:
        return Cell(text, "money", _number(m.group(1)), m.group(2))
    m = _NUMBER.match(text)
    if m:
        return Cell(text, "number", _number(m.group(1)), m.group(2) or None)
    return Cell(text, "text", text)
