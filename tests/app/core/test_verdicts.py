"""app.core.verdicts: right, wrong or undecided, counted and marked the same on every page."""

from __future__ import annotations

import numpy as np

from app.core.verdicts import MARKS, right_of, tally, undecided_note, verdicts


def test_an_answer_at_0_5000_is_neither_right_nor_wrong():
    p = np.array([0.49995, 0.49995, 0.9, 0.2, 0.50004, float("nan")])
    t = np.array([1, 0, 1, 1, 1, 0])
    assert verdicts(p, t).tolist() == [
        "undecided", "undecided", "right", "wrong", "undecided", "undecided",
    ]  # fmt: skip
    assert tally(p, t) == {"right": 1, "wrong": 1, "undecided": 4}
    assert right_of(p, t) == "1 of 6" and undecided_note(p, t) == "4 undecided"
    assert undecided_note(np.array([0.9]), np.array([1])) == ""
    assert set(MARKS) == {"right", "wrong", "undecided"}
