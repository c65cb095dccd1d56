"""Share links: a page's setup <-> URL query parameters, with strict parsing.

A link is untrusted input (anyone can edit it), so decoding never evaluates anything: each field
has a declared type, range and maximum size, numbers are matched by a regular expression before
``float()`` sees them, and the whole query string has a length cap. Anything that does not fit is
reported in an error list; the caller then falls back to its defaults and says why.

Text format (only URL-unreserved characters, so a link survives copy and paste unescaped):

- integer: ``3``; decimal: ``0.25``; choice: ``same``;
- tensor: its shape joined by ``x``, then its values in row-major order, all joined by ``_``:
  a 2 x 3 matrix of 1..6 is ``2x3_1_2_3_4_5_6``.

Links written in an earlier format stay readable: a schema's ``legacy`` rules (``Renamed``,
``Split``) turn old fields into today's before parsing, ``Added`` gives a field that older
links lack its default, and a page writes only today's.

Usage::

    schema = Schema((IntField("s", 1, 8), ChoiceField("p", ("valid", "same")),
                     TensorField("x", max_shape=(32, 6))))
    params = encode({"s": 1, "p": "valid", "x": np.ones((4, 5))}, schema)
    state, errors = decode(params, schema)   # state == {} whenever errors is non-empty
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.core import limits, markup

_INT = re.compile(r"-?[0-9]{1,9}")
# No "nan", "inf", underscores, spaces or hex: only what a person would write as a decimal.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_SHAPE = re.compile(r"[0-9]{1,4}(?:x[0-9]{1,4})*")


class ShareError(ValueError):
    """A setup that cannot be written as a link (too large, out of range)."""


@dataclass(frozen=True)
class NumberField:
    """A decimal number in ``[low, high]`` (plain decimals only, as ``parse_number`` reads);
    with ``whole``, an integer (``IntField``)."""

    name: str
    low: float
    high: float
    whole: bool = False

    def to_text(self, value: Any) -> str:
        number = int(value) if self.whole else float(value)
        if (self.whole and number != value) or not self.low <= number <= self.high:
            kind = "a whole number" if self.whole else "a number"
            low, high = format_number(self.low), format_number(self.high)
            raise ShareError(f"{self.name} = {_quoted(repr(value))} is not {kind} in {low}..{high}")
        return format_number(number)

    def from_text(self, text: str) -> float:
        if not self.whole:
            return _within(self, parse_number(text, self.name))
        if not _INT.fullmatch(text):
            raise ValueError(f"'{self.name}' should be a whole number, got {_quoted(text)}")
        return _within(self, int(text))


@dataclass(frozen=True)
class IntField(NumberField):
    """An integer in ``[low, high]``."""

    whole: bool = True


@dataclass(frozen=True)
class ChoiceField:
    """One of a fixed list of words."""

    name: str
    choices: tuple[str, ...]

    def to_text(self, value: Any) -> str:
        if value not in self.choices:
            raise ShareError(f"{self.name} = {_quoted(repr(value))} is not one of {self.choices}")
        return str(value)

    def from_text(self, text: str) -> str:
        if text not in self.choices:
            raise ValueError(
                f"'{self.name}' should be one of {', '.join(self.choices)}; got {_quoted(text)}"
            )
        return text


@dataclass(frozen=True)
class TensorField:
    """A float array with a fixed number of axes, each at most ``max_shape[i]`` long."""

    name: str
    max_shape: tuple[int, ...]
    max_abs: float = limits.MAX_ABS_VALUE

    def to_text(self, value: Any) -> str:
        array = np.asarray(value, dtype=np.float64)
        self._check_shape(array.shape, error=ShareError)
        if not np.all(np.isfinite(array)) or np.any(np.abs(array) > self.max_abs):
            raise ShareError(
                f"{self.name} holds a value that is not finite or above {self.max_abs:g} in size"
            )
        shape = "x".join(str(n) for n in array.shape)
        return "_".join([shape, *(format_number(v) for v in array.ravel().tolist())])

    def from_text(self, text: str) -> np.ndarray:
        shape_text, _, values_text = text.partition("_")
        if not _SHAPE.fullmatch(shape_text):
            raise ValueError(f"'{self.name}' should start with a shape like 4x5")
        shape = tuple(int(n) for n in shape_text.split("x"))
        self._check_shape(shape, error=ValueError)
        tokens = values_text.split("_") if values_text else []
        if len(tokens) != math.prod(shape):
            raise ValueError(
                f"'{self.name}' has shape {shape_text} so it needs {math.prod(shape)} numbers, "
                f"but the link holds {len(tokens)}"
            )
        values = [parse_number(token, self.name, self.max_abs) for token in tokens]
        return np.array(values, dtype=np.float64).reshape(shape)

    def _check_shape(self, shape: tuple[int, ...], error: type[ValueError]) -> None:
        if len(shape) != len(self.max_shape):
            raise error(f"'{self.name}' should have {len(self.max_shape)} axes, not {len(shape)}")
        for axis, (n, cap) in enumerate(zip(shape, self.max_shape, strict=True)):
            if not 1 <= n <= cap:
                raise error(f"'{self.name}' axis {axis} has length {n}; allowed 1..{cap}")


Field = IntField | NumberField | ChoiceField | TensorField


@dataclass(frozen=True)
class Renamed:
    """A field an earlier link format called ``old``; today it is ``new``."""

    old: str
    new: str

    def translate(self, params: dict[str, Any]) -> list[str]:
        if self.old in params and self.new not in params:
            params[self.new] = params[self.old]
        params.pop(self.old, None)
        return []


@dataclass(frozen=True)
class Split:
    """An earlier tensor field of numbers that are fields of their own today:
    ``h=3_0.5_0.9_0.01`` with ``new=("lr", "mom", "init")`` reads as ``lr=0.5&mom=0.9&init=0.01``.
    The numbers are moved as text; today's fields parse and range-check them."""

    old: str
    new: tuple[str, ...]

    def translate(self, params: dict[str, Any]) -> list[str]:
        text = params.pop(self.old, None)
        if text is None or any(name in params for name in self.new):
            return []
        shape, *numbers = text.split("_") if isinstance(text, str) else ("",)
        if shape != str(len(self.new)) or len(numbers) != len(self.new):
            return [f"'{self.old}' should hold {len(self.new)} numbers"]
        params.update(zip(self.new, numbers, strict=True))
        return []


@dataclass(frozen=True)
class Added:
    """A field added after the page's links were first shared: a link that holds the page's
    other fields but not this one reads as if it said ``default`` (today's default, as text), so
    every older link still opens as it was. An ordinary visit (no field at all) stays one."""

    name: str
    default: str

    def translate(self, params: dict[str, Any]) -> list[str]:
        return []  # filled in by ``decode`` once the link is known to be one of the page's

    def fill(self, params: dict[str, Any]) -> None:
        params.setdefault(self.name, self.default)


Legacy = Renamed | Split | Added


@dataclass(frozen=True)
class Schema:
    """The fields of one page's link, plus an optional whole-state check and the rules that read
    links of an earlier format (``legacy``).

    ``check(state)`` returns a list of problems that involve several fields at once (for example
    a kernel whose input channels differ from the input's); it only runs when every field parsed.
    """

    fields: tuple[Field, ...]
    check: Callable[[dict[str, Any]], list[str]] | None = field(default=None, compare=False)
    legacy: tuple[Legacy, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def names_read(self) -> tuple[str, ...]:
        """Today's field names, then the earlier format's (a link may hold either)."""
        return self.names + tuple(rule.old for rule in self.legacy if not isinstance(rule, Added))


def format_number(value: float) -> str:
    """Shortest text that parses back to exactly ``value`` (whole numbers without ``.0``)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    # repr is the shortest round-tripping form; "+" would read as a space in a query string.
    return repr(float(value)).replace("e+", "e")


def parse_number(text: str, name: str = "value", max_abs: float = limits.MAX_ABS_VALUE) -> float:
    """Parse one decimal number from untrusted text; ValueError with a readable message if bad."""
    if len(text) > limits.MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        raise ValueError(f"'{name}' holds {_quoted(text)}, which is not a plain number")
    number = float(text)
    if not math.isfinite(number) or abs(number) > max_abs:
        raise ValueError(f"'{name}' holds {_quoted(text)}, larger than the limit {max_abs:g}")
    return number


def _within(field: NumberField, number: float) -> Any:
    """``number`` when it lies in the field's range; a ValueError saying so otherwise."""
    if not field.low <= number <= field.high:
        low, high = format_number(field.low), format_number(field.high)
        raise ValueError(
            f"'{field.name}' = {format_number(number)} is outside the allowed range {low}..{high}"
        )
    return number


def encode(state: Mapping[str, Any], schema: Schema) -> dict[str, str]:
    """Write ``state`` (every schema field) as query parameters.

    Raises
    ------
    ShareError
        A field is missing or out of range, or the link would exceed ``limits.MAX_URL_CHARS``.
    """
    params: dict[str, str] = {}
    for spec in schema.fields:
        if spec.name not in state:
            raise ShareError(f"the setup has no value for '{spec.name}'")
        params[spec.name] = spec.to_text(state[spec.name])
    length = query_length(params)
    if length > limits.MAX_URL_CHARS:
        raise ShareError(
            f"this setup needs a {length}-character link; links are capped at "
            f"{limits.MAX_URL_CHARS} characters (use smaller tables to share it)"
        )
    return params


def decode(params: Mapping[str, Any], schema: Schema) -> tuple[dict[str, Any], list[str]]:
    """Parse query parameters into a state.

    Returns ``(state, errors)``. With no schema field present (an ordinary visit) both are empty.
    Otherwise either every field parsed and ``errors`` is empty, or ``state`` is empty and
    ``errors`` says what was wrong: a partial state is never returned, so a tampered link cannot
    mix its values with the page's defaults. Parameters the schema does not know are ignored, so
    other query parameters can coexist with a page's link. Fields of an earlier format are
    translated first (``schema.legacy``).
    """
    params = dict(params)
    errors: list[str] = []
    for rule in schema.legacy:
        errors.extend(rule.translate(params))
    if errors:
        return {}, errors
    present = [name for name in schema.names if name in params]
    if not present:
        return {}, []
    for rule in schema.legacy:
        if isinstance(rule, Added):
            rule.fill(params)
    texts: dict[str, str] = {}
    for name in schema.names:
        value = params.get(name)
        if value is None:
            errors.append(f"'{name}' is missing")
        elif not isinstance(value, str):
            errors.append(f"'{name}' appears more than once or is not text")
        elif len(value) > limits.MAX_PARAM_CHARS:
            errors.append(
                f"'{name}' is {len(value)} characters long; the limit is {limits.MAX_PARAM_CHARS}"
            )
        else:
            texts[name] = value
    if errors:
        return {}, errors
    length = query_length(texts)
    if length > limits.MAX_URL_CHARS:
        return {}, [f"the link is {length} characters long; the limit is {limits.MAX_URL_CHARS}"]
    state: dict[str, Any] = {}
    for spec in schema.fields:
        try:
            state[spec.name] = spec.from_text(texts[spec.name])
        except ValueError as error:
            errors.append(str(error))
    if not errors and schema.check is not None:
        errors.extend(schema.check(state))
    return ({}, errors) if errors else (state, [])


def query_length(params: Mapping[str, str]) -> int:
    """Characters of ``k1=v1&k2=v2...`` (values only hold unreserved characters, no escaping)."""
    return sum(len(k) + len(v) + 2 for k, v in params.items()) - 1 if params else 0


def _quoted(text: str) -> str:
    """Untrusted link text quoted back in a message: at most 30 characters, every Markdown
    character escaped (messages are shown as Markdown: a link cannot smuggle a live
    ``[label](url)``, bold or a formula into the page's warning)."""
    return f"“{markup.text(text, 30)}”"
