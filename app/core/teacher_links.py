"""Teacher links: an exercise a teacher builds from any page's setup, carried in a share link.

A teacher link is the page's own share link (``app.core.page_setups``: the page's schema) plus
five fields, parsed as strictly as the rest (types, ranges, sizes, total length):

=======  =====================================================================================
``qt``   the task, plain text of at most ``limits.MAX_TASK_CHARS`` characters, carried as
         base64url of its UTF-8 bytes (only unreserved characters, so the link survives copy
         and paste); shown escaped (``app.core.markup``)
``qb``   the tab the exercise is done on (a tab word of the page)
``qs``   the link fields whose controls the learner sees, joined by ``.`` (the rest are
         hidden; ``-`` for none)
``qk``   the check, one of ``app.core.checks.CHECK_KINDS``
``qa``   the check's numbers joined by ``_``: a cell's indices then the value (``cell_equals``,
         ``cell_at_least``), the shape (``output_shape``), the example (``example_right``),
         the value (``loss_below``), ``-`` for none (``all_right``)
=======  =====================================================================================

``encode_teacher_link(setup, state, exercise)`` writes the query parameters;
``decode_teacher_link(params, setup)`` returns ``(TeacherLink or None, errors)``: None and no
errors for a link without teacher fields (an ordinary share link), and a message per problem
for a tampered one (an unknown check, parameters out of range, too long, a missing field).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core import limits
from app.core.checks import CHECK_KINDS, Check, CheckResult
from app.core.page_outcomes import Outcome
from app.core.page_setups import OUTPUT_KINDS, PageSetup
from app.core.share import ChoiceField, Schema, ShareError, decode, encode, format_number
from app.core.share import parse_number as share_parse_number

TASK, TAB, SHOWN, KIND, ARGS = "qt", "qb", "qs", "qk", "qa"
TEACHER_FIELDS = (TASK, TAB, SHOWN, KIND, ARGS)

MAX_INDEX = max(limits.MAX_LENGTH, limits.MAX_IMAGE_SIDE)
"""Largest output length along an axis (an index is below it, a shape at most it)."""
MAX_CHECK_VALUE = limits.MAX_ABS_VALUE**2
"""Largest magnitude of a cell value to compare with (outputs are sums of products)."""
MAX_LOSS = 100.0
"""Largest error a ``loss_below`` check may name."""
NONE = "-"
"""An empty list of control names or of check numbers."""
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_NAMES = re.compile(r"(?:[a-z0-9]{1,8}(?:\.[a-z0-9]{1,8})*)?")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u2028\u2029]")


@dataclass(frozen=True)
class TeacherExercise:
    """What the teacher set: the task, the tab, the controls the learner sees and the check."""

    task: str
    tab: str
    shown: tuple[str, ...]
    check: Check

    def evaluate(self, outcome: Outcome) -> CheckResult:
        """The check's verdict on the page's outcome (on the teacher's tab)."""
        if outcome.tab != self.tab:
            return CheckResult(
                False, "Open the exercise's tab: its check reads that tab's numbers."
            )
        return self.check.evaluate(outcome)


@dataclass(frozen=True)
class TeacherLink:
    """A decoded teacher link: the exercise and the page's setup (its link state)."""

    exercise: TeacherExercise
    state: dict[str, Any]


def clean_task(text: str) -> str:
    """The task as stored: trimmed, at most ``MAX_TASK_CHARS`` characters, no control
    characters but line breaks; ValueError otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the task is empty: write what the learner should do")
    text = text.strip().replace("\r\n", "\n")
    if len(text) > limits.MAX_TASK_CHARS:
        raise ValueError(f"the task has {len(text)} characters; at most {limits.MAX_TASK_CHARS}")
    if _CONTROL.search(text):
        raise ValueError("the task holds control characters")
    return text


@dataclass(frozen=True)
class TaskField:
    """The task: base64url (no padding) of its UTF-8 bytes."""

    name: str

    def to_text(self, value: Any) -> str:
        try:
            task = clean_task(value)
        except ValueError as error:
            raise ShareError(str(error)) from error
        return base64.urlsafe_b64encode(task.encode()).decode().rstrip("=")

    def from_text(self, text: str) -> str:
        if len(text) > (limits.MAX_TASK_CHARS * 4 + 2) // 3 * 4 or not _BASE64URL.fullmatch(text):
            raise ValueError("the task in the link is damaged or too long")
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            return clean_task(raw.decode("utf-8"))
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError("the task in the link is damaged") from error


@dataclass(frozen=True)
class NamesField:
    """A list of link field names joined by ``.`` (``-`` for none: a blank query value is
    easily lost on the way)."""

    name: str

    def to_text(self, value: Any) -> str:
        text = ".".join(value)
        if not _NAMES.fullmatch(text):
            raise ShareError(f"{self.name}: control names are short lowercase words")
        return text or NONE

    def from_text(self, text: str) -> tuple[str, ...]:
        if text == NONE:
            return ()
        if len(text) > 200 or not text or not _NAMES.fullmatch(text):
            raise ValueError(f"'{self.name}' should list control names joined by dots")
        return tuple(text.split("."))


@dataclass(frozen=True)
class NumbersField:
    """Up to four plain numbers joined by ``_`` (``-`` for none)."""

    name: str

    def to_text(self, value: Any) -> str:
        return "_".join(format_number(v) for v in value) or NONE

    def from_text(self, text: str) -> tuple[float, ...]:
        tokens = [] if text == NONE else text.split("_")
        if len(tokens) > 4:
            raise ValueError(f"'{self.name}' holds {len(tokens)} numbers; a check takes at most 4")
        return tuple(share_parse_number(t, self.name, MAX_CHECK_VALUE) for t in tokens)


def check_numbers(check: Check) -> tuple[float, ...]:
    """The numbers ``qa`` carries for ``check``."""
    if check.kind in ("cell_equals", "cell_at_least"):
        return (*check.cell, check.value)
    if check.kind == "output_shape":
        return tuple(check.shape)
    if check.kind == "example_right":
        return (check.example,)
    if check.kind == "loss_below":
        return (check.value,)
    return ()


def _whole(values: tuple[float, ...], low: int, high: int, what: str) -> tuple[int, ...]:
    if any(v != int(v) or not low <= v <= high for v in values):
        raise ValueError(f"the check's {what} must be whole numbers in {low}..{high}")
    return tuple(int(v) for v in values)


def check_from_numbers(kind: str, numbers: tuple[float, ...]) -> Check:
    """The menu check ``kind`` with the numbers of ``qa``; ValueError saying what is wrong."""
    count = len(numbers)
    if kind in ("cell_equals", "cell_at_least"):
        if not 2 <= count <= 4:
            raise ValueError("a cell check needs the cell's 1 to 3 indices, then the value")
        cell = _whole(numbers[:-1], 0, MAX_INDEX - 1, "cell indices")
        return Check(kind, cell=cell, value=numbers[-1])
    if kind == "output_shape":
        if not 1 <= count <= 3:
            raise ValueError("a shape check needs 1 to 3 lengths")
        return Check(kind, shape=_whole(numbers, 1, MAX_INDEX, "lengths"))
    if kind == "example_right":
        if count != 1:
            raise ValueError("an example check needs the example's number")
        return Check(kind, example=_whole(numbers, 0, limits.MAX_IMAGES - 1, "example")[0])
    if kind == "loss_below":
        if count != 1 or not 0 < numbers[0] <= MAX_LOSS:
            raise ValueError(f"an error check needs one error in (0, {MAX_LOSS:g}]")
        return Check(kind, value=numbers[0])
    if count:
        raise ValueError(f"the check {kind} takes no numbers")
    return Check(kind)


def teacher_schema(setup: PageSetup) -> Schema:
    """The page's link schema with the teacher fields, and a check that they fit the page."""
    page_check = setup.schema.check

    def check(state: dict) -> list[str]:
        problems = list(page_check(state)) if page_check else []
        try:
            made = check_from_numbers(state[KIND], state[ARGS])
        except ValueError as error:
            return [*problems, str(error)]
        kind = setup.kind(state[TAB])
        if kind not in (*OUTPUT_KINDS, "model"):
            problems.append(f"no check reads tab {state[TAB]}: choose another tab")
        elif made.on_output != (kind in OUTPUT_KINDS):
            where = "a convolution's output" if made.on_output else "a trained model"
            problems.append(f"the check {state[KIND]} reads {where}; tab {state[TAB]} has none")
        unknown = sorted(set(state[SHOWN]) - set(setup.fields))
        if unknown:
            problems.append(f"this page has no control(s) {', '.join(unknown)}")
        return problems

    fields = (*setup.schema.fields, TaskField(TASK), ChoiceField(TAB, setup.tab_words),
              NamesField(SHOWN), ChoiceField(KIND, CHECK_KINDS), NumbersField(ARGS))  # fmt: skip
    return Schema(fields, check, setup.schema.legacy)


def encode_teacher_link(
    setup: PageSetup, state: Mapping[str, Any], exercise: TeacherExercise
) -> dict[str, str]:
    """The query parameters of a teacher link (the page's setup, then the exercise).

    Raises
    ------
    ShareError
        The task is empty, too long or holds control characters; the check does not fit the
        tab; the link would pass ``limits.MAX_URL_CHARS``.
    """
    full = {
        **state, TASK: exercise.task, TAB: exercise.tab, SHOWN: exercise.shown,
        KIND: exercise.check.kind, ARGS: check_numbers(exercise.check),
    }  # fmt: skip
    schema = teacher_schema(setup)
    params = encode(full, schema)
    _, errors = decode(params, schema)
    if errors:
        raise ShareError("; ".join(errors))
    return params


def decode_teacher_link(
    params: Mapping[str, Any], setup: PageSetup
) -> tuple[TeacherLink | None, list[str]]:
    """Read a teacher link: ``(link, [])``, ``(None, [])`` when ``params`` hold no teacher
    field, or ``(None, errors)`` for a damaged or tampered one (never a partial exercise)."""
    if not any(name in params for name in TEACHER_FIELDS):
        return None, []
    state, errors = decode(params, teacher_schema(setup))
    if errors:
        return None, errors
    exercise = TeacherExercise(
        state.pop(TASK), state.pop(TAB), state.pop(SHOWN),
        check_from_numbers(state.pop(KIND), state.pop(ARGS)),
    )  # fmt: skip
    return TeacherLink(exercise, state), []
