"""Every stop of a kernel over its input, for an animation played in the browser.

``conv_steps`` asks the engine (``cnndemo.explain.conv_terms``) for each output's window and
sum, in reading order (last axis fastest), and keeps what a figure needs to outline the window
and the output cell and to write the sum: ``app.figures.stepping`` turns the steps into Plotly
animation frames, so stepping and playing need no server round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.core import limits
from app.core.numbers import format_value
from cnndemo import explain


@dataclass(frozen=True)
class WindowStep:
    """One output of the convolution: where its window lies and what it adds up to.

    Attributes
    ----------
    name : str
        The output as the page writes it, ``y[1, 0]`` (1D) or ``y[0, 1, 0]`` (2D).
    rows, cols : tuple of int
        The rows (and in 2D the columns) of the *padded* input the window reads; ``cols`` is
        empty in 1D, where the window reads every channel of its rows.
    out_cell : tuple of int
        ``(panel, row, column)`` of the output cell as drawn: in 1D one panel of (position,
        channel), in 2D one panel per output channel holding its (row, column) map.
    total : float
        The engine's sum of the window's products (``WindowSum.total``).
    products : int
        How many products the sum adds.
    """

    name: str
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    out_cell: tuple[int, int, int]
    total: float
    products: int

    @property
    def caption(self) -> str:
        """``y[1, 0] = 3485 (15 products)``: the frame's headline."""
        return f"{self.name} = {format_value(self.total)} ({self.products} products)"


def conv_steps(
    x: np.ndarray,
    kernel: np.ndarray,
    stride: int | Sequence[int] = 1,
    padding: str = "valid",
    dilation: int | Sequence[int] = 1,
    limit: int = limits.MAX_ANIMATION_STEPS,
) -> tuple[WindowStep, ...]:
    """Every output of the convolution (position by position, each one's channels in turn: the
    output's reading order), at most the first ``limit``.

    Parameters
    ----------
    x : ndarray, shape (width, in) or (height, width, in)
        One example (no batch axis).
    kernel : ndarray, shape (k_w, in, out) or (k_h, k_w, in, out)
    stride, padding, dilation
        As in :func:`cnndemo.ops.conv1d` / :func:`cnndemo.ops.conv2d`.
    """
    rank = x.ndim - 1
    plan = explain.conv_plan(x.shape[:-1], kernel.shape[:-2], stride, padding, dilation)
    before = tuple(pad[0] for pad in plan.pads)
    steps = []
    for *index, channel in np.ndindex(*plan.out_shape, kernel.shape[-1]):
        if len(steps) == limit:
            break
        window_sum = explain.conv_terms(x, kernel, index, channel, stride, padding, dilation)
        cells = window_sum.window.cells
        rows = tuple(sorted({cell[0] + before[0] for cell in cells}))
        cols = tuple(sorted({cell[1] + before[1] for cell in cells})) if rank == 2 else ()
        out_cell = (0, index[0], channel) if rank == 1 else (channel, index[0], index[1])
        name = f"y[{', '.join(str(int(i)) for i in (*index, channel))}]"
        steps.append(
            WindowStep(name, rows, cols, out_cell, window_sum.total, len(window_sum.terms))
        )
    return tuple(steps)
