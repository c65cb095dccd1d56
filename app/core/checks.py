"""The checks a teacher can pick from a menu, computed on a page's outcome by the engine.

=================  ============================  ===================================================
kind               parameters                    passes when
=================  ============================  ===================================================
``cell_equals``    ``cell`` (index), ``value``   the output cell shows ``value``
``cell_at_least``  ``cell``, ``value``           the output cell is >= ``value``
``output_shape``   ``shape``                     the output has this shape (batch axis dropped)
``all_right``      none                          every training example is on its label's side of 0.5
``example_right``  ``example`` (index)           that training example is
``loss_below``     ``value``                     the training error is below ``value``
=================  ============================  ===================================================

The first three read a convolution or pooling tab's ``output``, the last three a training tab's
run (``app.core.page_outcomes.Outcome``). An output cell is an index into the output as the
page shows it, batch axis dropped: ``(position, channel)`` on page 1, ``(row, column,
channel)`` on page 2, ``(row, column)`` for a picture. "Shows ``value``": equal, or written the
same way on the page (``app.core.numbers.format_value``: whole numbers exactly, others to three
significant digits), so a teacher can type the number the page shows. Right and wrong follow
``cnndemo.diagnose.verdicts`` (a probability shown as 0.5000 is neither).

Messages are plain text made of numbers and fixed words only (never an example's text).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.core.numbers import format_value
from app.core.page_outcomes import Outcome
from cnndemo.diagnose import verdicts

OUTPUT_CHECKS = ("cell_equals", "cell_at_least", "output_shape")
TRAINING_CHECKS = ("all_right", "example_right", "loss_below")
CHECK_KINDS = OUTPUT_CHECKS + TRAINING_CHECKS
CHECK_LABELS = {
    "cell_equals": "an output cell equals a value",
    "cell_at_least": "an output cell is at least a value",
    "output_shape": "the output has a shape",
    "all_right": "every training example is right",
    "example_right": "one training example is right",
    "loss_below": "the training error is below a value",
}


@dataclass(frozen=True)
class CheckResult:
    """A check's verdict and what it says to the learner (plain text)."""

    passed: bool
    message: str


@dataclass(frozen=True)
class Check:
    """One menu check with its parameters (those its kind does not use stay empty)."""

    kind: str
    cell: tuple[int, ...] = ()
    value: float | None = None
    shape: tuple[int, ...] = ()
    example: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in CHECK_KINDS:
            raise ValueError(
                f"unknown check {self.kind!r}; the checks are {', '.join(CHECK_KINDS)}"
            )

    @property
    def on_output(self) -> bool:
        """Whether it reads a convolution or pooling output (else a training run)."""
        return self.kind in OUTPUT_CHECKS

    def describe(self) -> str:
        """The check in words, e.g. "output cell (1, 0) equals 3485"."""
        cell = _index_text(self.cell)
        value = format_value(self.value) if self.value is not None else ""
        return {
            "cell_equals": f"output cell {cell} equals {value}",
            "cell_at_least": f"output cell {cell} is at least {value}",
            "output_shape": f"the output has shape {' x '.join(map(str, self.shape))}",
            "all_right": "every training example is on the right side of 0.5",
            "example_right": f"training example #{self.example} is on the right side of 0.5",
            "loss_below": f"the training error is below {value}",
        }[self.kind]

    def evaluate(self, outcome: Outcome) -> CheckResult:
        """The verdict on ``outcome``; never raises for an outcome without numbers."""
        if outcome.error:
            return CheckResult(False, f"Nothing to check yet: {outcome.error}")
        if self.on_output:
            if outcome.output is None:
                return CheckResult(
                    False, "This check reads a convolution's output; there is none here."
                )
            return _check_output(self, np.asarray(outcome.output))
        if outcome.run is None:
            return CheckResult(False, "Train the model first: this check reads the trained model.")
        return _check_run(self, outcome.run)


def _index_text(index: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(i) for i in index) + ")"


def shows(value: float, target: float) -> bool:
    """Whether ``value`` is ``target`` as the page writes numbers (see the module docstring)."""
    if not math.isfinite(value):
        return False
    return math.isclose(value, target, rel_tol=1e-9, abs_tol=1e-9) or (
        format_value(value) == format_value(target)
    )


def _check_output(check: Check, output: np.ndarray) -> CheckResult:
    shape = output.shape
    shape_text = " x ".join(map(str, shape))
    if check.kind == "output_shape":
        if shape == tuple(check.shape):
            return CheckResult(True, f"Right: the output has shape {shape_text}.")
        wanted = " x ".join(map(str, check.shape))
        return CheckResult(False, f"The output has shape {shape_text}, not {wanted}.")
    cell = tuple(check.cell)
    if len(cell) != len(shape) or any(not 0 <= i < n for i, n in zip(cell, shape, strict=True)):
        return CheckResult(False, f"The output ({shape_text}) has no cell {_index_text(cell)}.")
    value = float(output[cell])
    shown, target = format_value(value), format_value(check.value)
    if check.kind == "cell_equals":
        if shows(value, check.value):
            return CheckResult(True, f"Right: output cell {_index_text(cell)} is {shown}.")
        return CheckResult(False, f"Output cell {_index_text(cell)} is {shown}, not {target}.")
    if value >= check.value:
        return CheckResult(
            True, f"Right: output cell {_index_text(cell)} is {shown}, at least {target}."
        )
    return CheckResult(False, f"Output cell {_index_text(cell)} is {shown}, below {target}.")


def _check_run(check: Check, run) -> CheckResult:
    probabilities, targets = run.final.probabilities, run.data.targets
    verdict = verdicts(probabilities, targets)
    if check.kind == "loss_below":
        error = float(run.final.error)
        target = format_value(check.value)
        if math.isfinite(error) and error < check.value:
            return CheckResult(True, f"Right: the error is {error:.4g}, below {target}.")
        return CheckResult(False, f"The error is {error:.4g}; it must be below {target}.")
    if check.kind == "example_right":
        index = check.example
        if not 0 <= index < len(targets):
            return CheckResult(False, f"There is no example #{index}: the data has {len(targets)}.")
        p = float(probabilities[index])
        if verdict[index] == "right":
            return CheckResult(True, f"Right: example #{index} gets P(label 1) = {p:.4f}.")
        return CheckResult(
            False, f"Example #{index} (label {int(targets[index])}) gets P(label 1) = {p:.4f}: "
            f"{verdict[index]}."
        )  # fmt: skip
    wrong = [i for i, v in enumerate(verdict) if v != "right"]
    if not wrong:
        return CheckResult(
            True, f"Right: all {len(targets)} examples are on the right side of 0.5."
        )
    listed = ", ".join(f"#{i}" for i in wrong)
    return CheckResult(
        False,
        f"{len(targets) - len(wrong)} of {len(targets)} examples are right; not yet: {listed}.",
    )
