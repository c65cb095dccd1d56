"""app.core.window_steps: every stop of the kernel, its window and its sum, from the engine."""

from __future__ import annotations

import numpy as np
import pytest

import cnndemo
from app.core.window_steps import conv_steps
from cnndemo import explain

X1 = np.arange(1, 21, dtype=float).reshape(4, 5)
K1 = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
X2 = np.arange(1, 61, dtype=float).reshape(5, 4, 3)
K2 = np.arange(1, 25, dtype=float).reshape(4, 2, 3, 1)


def test_the_tutorial_1d_steps_are_every_output_in_reading_order():
    steps = conv_steps(X1, K1)
    assert [s.caption for s in steps] == [
        "y[0, 0] = 2360 (15 products)", "y[0, 1] = 2480 (15 products)",
        "y[1, 0] = 3485 (15 products)", "y[1, 1] = 3680 (15 products)",
    ]  # fmt: skip
    assert [s.rows for s in steps] == [(0, 1, 2), (0, 1, 2), (1, 2, 3), (1, 2, 3)]
    assert [s.out_cell for s in steps] == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]
    assert all(s.cols == () for s in steps)


@pytest.mark.parametrize(
    ("stride", "padding", "dilation"), [(1, "valid", 1), (2, "same", 1), ((1, 2), "same", 2)]
)
def test_2d_totals_are_the_engines_output_and_windows_its_plan(stride, padding, dilation):
    out = cnndemo.conv2d(X2[None], K2, stride, padding, dilation)[0]
    plan = explain.conv_plan(X2.shape[:2], K2.shape[:2], stride, padding, dilation)
    (top, _), (left, _) = plan.pads
    steps = conv_steps(X2, K2, stride, padding, dilation)
    assert len(steps) == out.size
    for step in steps:
        channel, row, col = step.out_cell
        assert step.total == pytest.approx(out[row, col, channel])
        window = plan.window(row, col)
        assert step.rows == tuple(sorted({c[0] + top for c in window.cells}))
        assert step.cols == tuple(sorted({c[1] + left for c in window.cells}))


def test_a_large_output_keeps_its_first_steps():
    x = np.ones((32, 2))
    kernel = np.ones((1, 2, 6))
    steps = conv_steps(x, kernel, limit=10)
    assert len(steps) == 10 and steps[-1].name == "y[1, 3]"
