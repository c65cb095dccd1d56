"""Values written into exported scripts: numbers, arrays, whitelisted words and quoted text only.

A setup may come from a link anyone can edit, so nothing from it is pasted into code as it is:
numbers go through ``float``/``int`` and ``repr`` (finite only), words must be one of a fixed
list, and text (a sentence, an image row) becomes a Python string literal by ``repr`` after a
check of its characters. Whatever the setup, the script is these literals around fixed code.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable
from string import Template
from typing import Any

import numpy as np

WIDTH = 96
"""Longest line of an exported array before it wraps."""

_TEXT = re.compile(r"[^\x00-\x1f\x7f\u2028\u2029]{0,400}")


def number(value: Any) -> str:
    """A finite number as Python source: ``3``, ``-0.25``, ``1e-07``."""
    number_ = float(value)
    if not math.isfinite(number_):
        raise ValueError(f"cannot export the number {number_!r}")
    if number_.is_integer() and abs(number_) < 1e15:
        return str(int(number_))
    return repr(number_)


def whole(value: Any) -> str:
    """A whole number as Python source."""
    if isinstance(value, bool) or int(value) != value:
        raise ValueError(f"expected a whole number, got {value!r}")
    return str(int(value))


def word(value: Any, allowed: Iterable[str]) -> str:
    """One of ``allowed``, quoted (``'same'``); ValueError for anything else."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"expected one of {allowed}, got a value that is not")
    return repr(value)


def text(value: Any) -> str:
    """Short text without control characters as a string literal (``repr``)."""
    if not isinstance(value, str) or not _TEXT.fullmatch(value):
        raise ValueError("text to export must be a short line without control characters")
    return repr(value)


def array(values: Any, indent: int = 0) -> str:
    """Nested lists of numbers, the innermost lists wrapped at ``WIDTH`` characters.

    Parameters
    ----------
    values : array-like of finite numbers, any shape
    indent : int
        The column the literal starts at (continuation lines are indented past it).
    """
    return _nested(np.asarray(values, dtype=np.float64), indent)


def _nested(values: np.ndarray, indent: int) -> str:
    if values.ndim == 0:
        return number(values)
    if values.ndim == 1:
        items = ", ".join(number(v) for v in values)
        lines = textwrap.wrap(items, max(WIDTH - indent - 1, 40), break_on_hyphens=False)
        return "[" + ("\n" + " " * (indent + 1)).join(lines) + "]"
    inner = (",\n" + " " * (indent + 1)).join(_nested(part, indent + 1) for part in values)
    return "[" + inner + "]"


def plural(count: int, noun: str) -> str:
    """``1 channel``, ``3 channels``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def fill(template: str, **values: str) -> str:
    """``template`` with ``$name`` replaced by ``values`` (every name must be given)."""
    return Template(textwrap.dedent(template).lstrip("\n")).substitute(values)
