"""Exercises with automatic checks: a task on one page, a starting setup, a check by the engine.

An ``Exercise`` names its page and tab (``app.core.page_setups``), says the task in words, and
gives its starting setup as changes to the page's defaults (link fields, so it opens like a share
link). ``locked`` fields are shown but must keep their starting values (the page disables
them); ``hidden`` fields are not shown at all (they keep their values too). The check refuses a
changed locked or hidden field. The check reads
the page's ``Outcome`` (``app.core.page_outcomes``: the convolution's output or the trained
run, from the engine) and, for a question, the learner's ``response`` (one of ``options``).
Hints come one at a time; the worked answer (``answer`` changes, and ``response``) passes.

    exercise = exercise_by_id("conv2d-stride-3x3")
    state = starting_state(exercise)            # the page's link state to open with
    result = check_exercise(exercise, outcome(exercise.page, exercise.tab, state))
    result.passed, result.message

The built-in exercises are listed in ``app.core.exercise_list``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.core.checks import Check, CheckResult
from app.core.page_outcomes import Outcome
from app.core.page_setups import page_setup

CheckFunction = Callable[[Outcome, str | None], CheckResult]


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    Attributes
    ----------
    id : str
        Stable, URL-safe (the exercises page and its links name it).
    page, tab : str
        Where it is done (``tab`` None: the page's first tab).
    title, task : str
        A short title and the task in words (plain text).
    start : mapping
        Link fields changed from the page's defaults at the start.
    check : callable
        ``(outcome, response) -> CheckResult``.
    hints : tuple of str
        In the order they are offered.
    answer : mapping
        Link fields changed from the page's defaults in a worked answer.
    explanation : str
        Why the worked answer works.
    locked, hidden : tuple of str
        Link fields shown but not editable / not shown.
    options : tuple of str
        For a question: the answers offered (``response`` is one of them).
    response : str or None
        The worked answer's choice, for a question.
    """

    id: str
    page: str
    tab: str | None
    title: str
    task: str
    start: Mapping[str, Any]
    check: CheckFunction
    hints: tuple[str, ...]
    answer: Mapping[str, Any]
    explanation: str
    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    response: str | None = None
    trains: bool = field(init=False)

    def __post_init__(self) -> None:
        setup = page_setup(self.page)
        object.__setattr__(self, "trains", setup.kind(self.tab) == "model")
        unknown = sorted(set(self.locked + self.hidden) - set(setup.fields))
        if unknown:
            raise ValueError(f"{self.id}: page {self.page} has no link field(s) {unknown}")
        if (self.response is None) != (not self.options):
            raise ValueError(f"{self.id}: a question has options and a worked response")
        if self.options and self.response not in self.options:
            raise ValueError(f"{self.id}: the worked response is not one of the options")

    @property
    def section(self) -> int:
        return page_setup(self.page).section


def starting_state(exercise: Exercise) -> dict[str, Any]:
    """The page's link state the exercise opens with (on its tab, where the page's link holds
    the open tab)."""
    return page_setup(exercise.page).with_changes(_on_tab(exercise) | dict(exercise.start))


def answer_state(exercise: Exercise) -> dict[str, Any]:
    """The link state of the worked answer (the starting setup with the answer's changes)."""
    changes = _on_tab(exercise) | dict(exercise.start) | dict(exercise.answer)
    return page_setup(exercise.page).with_changes(changes)


def _on_tab(exercise: Exercise) -> dict[str, Any]:
    setup = page_setup(exercise.page)
    return {"tab": setup.tab(exercise.tab).word} if "tab" in setup.fields else {}


def locked_except(page: str, *editable: str) -> tuple[str, ...]:
    """Every link field of ``page`` but ``editable``: the locks of a one-knob task."""
    return tuple(name for name in page_setup(page).fields if name not in editable)


def menu(check: Check) -> CheckFunction:
    """A menu check (``app.core.checks``) as an exercise's check."""
    return lambda outcome, response: check.evaluate(outcome)


def check_exercise(
    exercise: Exercise, outcome: Outcome, response: str | None = None
) -> CheckResult:
    """The exercise's verdict on the page's ``outcome`` (and ``response`` to a question).

    A changed locked or hidden field fails whatever the rest says: the task is about the other
    controls.
    """
    if outcome.page != exercise.page:
        return CheckResult(False, "This exercise is done on another page.")
    if outcome.tab != page_setup(exercise.page).tab(exercise.tab).word:
        return CheckResult(False, "Open the exercise's tab: its check reads that tab's numbers.")
    setup, start = page_setup(exercise.page), starting_state(exercise)
    changed = [
        setup.field_label(name) for name in exercise.locked + exercise.hidden
        if name in outcome.state and not same_value(outcome.state[name], start[name])
    ]  # fmt: skip
    if changed:
        return CheckResult(
            False, f"Keep these as the exercise set them: {'; '.join(changed)}."
        )  # fmt: skip
    if exercise.options and response not in exercise.options:
        return CheckResult(False, "Pick one of the answers first.")
    if outcome.error:
        return CheckResult(False, f"Nothing to check yet: {outcome.error}")
    if exercise.trains and outcome.run is None:
        return CheckResult(False, "Train the model first: the check reads the trained model.")
    if not exercise.trains and outcome.output is None:
        return CheckResult(False, "There is no output to check yet.")
    return exercise.check(outcome, response)


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.array_equal(a, b))
    return a == b
