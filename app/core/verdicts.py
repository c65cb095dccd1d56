"""Right, wrong or undecided: how every page counts and marks a model's answers.

An answer is right or wrong by its side of 0.5, except when P(label 1) is so close to 0.5 that
it shows as 0.5000 (``cnndemo.diagnose.verdicts``): then the model has not decided, and it
is counted neither right nor wrong. Two sentences with the same vector both at 0.5000 used to
be counted one right, one wrong; now both are undecided.

- ``verdicts(probabilities, targets)``: "right", "wrong" or "undecided" per example;
- ``MARKS``: what a table or a list writes for each;
- ``tally(probabilities, targets)``: how many of each;
- ``right_of(probabilities, targets)``: "3 of 4", the count the pages' metrics show, and
  ``undecided_note(...)``: "1 undecided" (empty when none).
"""

from __future__ import annotations

import numpy as np

from cnndemo.diagnose import verdicts

__all__ = ["MARKS", "right_of", "tally", "undecided_note", "verdicts"]

MARKS = {"right": "✓", "wrong": "✗ wrong", "undecided": "undecided (0.5000)"}
"""The mark of each verdict in tables and lists."""


def tally(probabilities: np.ndarray, targets: np.ndarray) -> dict[str, int]:
    """How many answers are right, wrong and undecided."""
    found = verdicts(probabilities, targets)
    return {kind: int(np.sum(found == kind)) for kind in MARKS}


def right_of(probabilities: np.ndarray, targets: np.ndarray) -> str:
    """``"3 of 4"``: the answers on the right side of 0.5 (undecided ones are not)."""
    return f"{tally(probabilities, targets)['right']} of {len(np.atleast_1d(targets))}"


def undecided_note(probabilities: np.ndarray, targets: np.ndarray) -> str:
    """``"2 undecided"`` when some answers are at 0.5000, else empty."""
    count = tally(probabilities, targets)["undecided"]
    return f"{count} undecided" if count else ""
