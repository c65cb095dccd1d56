"""Down-sampling (2D pooling) worked out window by window: which cells each window groups, who
wins, and the sentences the page writes about it. Plain NumPy (no Streamlit, no Plotly);
``app.figures.pooling`` draws what :func:`explain_pool` returns.

Windows, coverage and winners come from :mod:`cnndemo.explain` (its one tie rule: the first
winning cell of a window in row-major order; padding cells never win and are left out of a
mean), the pooled numbers from :func:`cnndemo.ops.pool2d`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.numbers import format_value
from cnndemo import explain, ops

KIND_WORDS = {"max": "max", "min": "min", "avg": "mean"}


@dataclass(frozen=True)
class PoolWindow:
    """One pooling window, in input coordinates: rows ``top..bottom`` and columns
    ``left..right`` inclusive. With SAME padding these may reach outside the grid (padding)."""

    out_row: int
    out_col: int
    top: int
    left: int
    bottom: int
    right: int

    @classmethod
    def of(cls, window: explain.Window) -> PoolWindow:
        """The rectangle of one of :func:`cnndemo.explain.pool_plan`'s windows."""
        (top, bottom), (left, right) = window.span(0), window.span(1)
        return cls(*window.out_index, top, left, bottom, right)

    def real_rows(self, height: int) -> range:
        """Rows of the grid (not padding) the window covers."""
        return range(max(self.top, 0), min(self.bottom, height - 1) + 1)

    def real_cols(self, width: int) -> range:
        """Columns of the grid (not padding) the window covers."""
        return range(max(self.left, 0), min(self.right, width - 1) + 1)


@dataclass(frozen=True)
class PoolResult:
    """A pooling worked out cell by cell, every number from the engine.

    ``plan`` is :func:`cnndemo.explain.pool_plan`'s; ``output`` (out_h, out_w, channels) is
    :func:`cnndemo.ops.pool2d`'s; ``winners`` (out_h, out_w, channels, 2) holds the input
    (row, column) each max/min output took its value from (:func:`cnndemo.explain.pool_winners`,
    the engine's one tie rule), -1 for a mean; ``windows`` are in reading order.
    """

    grid: np.ndarray
    kind: str
    plan: explain.Plan
    windows: tuple[PoolWindow, ...]
    output: np.ndarray
    winners: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        return self.plan.window_shape

    @property
    def stride(self) -> tuple[int, int]:
        return tuple(a.stride for a in self.plan.axes)

    @property
    def padding(self) -> str:
        return self.plan.axes[0].padding

    @property
    def pads(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return self.plan.pads

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.plan.out_shape

    def window(self, row: int, col: int) -> PoolWindow:
        """The window that makes output cell (row, col)."""
        return self.windows[row * self.output.shape[1] + col]

    @property
    def overlapping(self) -> bool:
        """Whether some input cell belongs to two windows."""
        return self.plan.overlapping

    def coverage(self) -> np.ndarray:
        """How many windows read each input cell, shape (height, width)."""
        return self.plan.coverage()


def explain_pool(
    grid: np.ndarray,
    size: tuple[int, int],
    stride: tuple[int, int],
    kind: str = "max",
    padding: str = "valid",
) -> PoolResult:
    """Pool one grid (height, width, channels), keeping each window and its winner.

    Raises ValueError for an unknown kind or a window that does not fit, as the engine does.
    """
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 3:
        raise ValueError(f"a grid must be (height, width, channels), got shape {grid.shape}")
    if kind not in KIND_WORDS:
        raise ValueError(f"pooling kind must be one of {list(KIND_WORDS)}; got {kind!r}")
    plan = explain.pool_plan(grid.shape[:2], size, stride, padding)
    output = ops.pool2d(grid[None], size, stride, kind, padding)[0]
    if kind == "avg":
        winners = np.full((*plan.out_shape, grid.shape[2], 2), -1, dtype=np.int64)
    else:
        winners = explain.pool_winners(grid[None], size, stride, kind, padding)[0]
    windows = tuple(PoolWindow.of(w) for w in plan.windows())
    return PoolResult(grid, kind, plan, windows, output, winners)


def window_values(result: PoolResult, row: int, col: int, channel: int) -> list[float]:
    """The real cells of output (row, col)'s window in one channel, in row-major order."""
    cells = result.plan.window(row, col).real_cells
    return [float(result.grid[r, c, channel]) for r, c in cells]


def pool_sentence(result: PoolResult, row: int, col: int, channel: int) -> str:
    """``max(1, 4, 13, 16) = 16``, or ``mean(1, 4, 13, 16) = 34 / 4 = 8.5``."""
    values = window_values(result, row, col, channel)
    listed = ", ".join(format_value(v) for v in values)
    word = KIND_WORDS[result.kind]
    out = format_value(float(result.output[row, col, channel]))
    if result.kind == "avg":
        total = format_value(float(np.sum(values)))
        return f"{word}({listed}) = {total} / {len(values)} = {out}"
    return f"{word}({listed}) = {out}"


def winner_note(result: PoolResult, row: int, col: int, channel: int) -> str:
    """Where a max/min output took its value from: ``from row 1, column 1``."""
    r, c = result.winners[row, col, channel]
    if r < 0:
        return f"the mean of {len(window_values(result, row, col, channel))} cells"
    return f"from row {r}, column {c}"


def cell_vector(grid: np.ndarray, row: int, col: int) -> str:
    """An input cell's vector as text: ``(16, 2, 15)``."""
    return "(" + ", ".join(format_value(float(v)) for v in grid[row, col]) + ")"


def output_text(output: np.ndarray) -> str:
    """The pooled grid as rows of vectors: ``(16, 17, 18) (22, 23, 24) / (40, …) (46, …)``."""
    return " / ".join(
        " ".join(cell_vector(output, r, c) for c in range(output.shape[1]))
        for r in range(output.shape[0])
    )


def padding_note(n: int, k: int, s: int, padding: str, axis: str) -> str:
    """What SAME padding adds along one axis of a pooling (nothing is said for VALID)."""
    if padding != "same":
        return ""
    plan = explain.axis(n, k, s, padding)
    before, after = plan.before, plan.after
    if before + after == 0:
        return f"{axis}: SAME needs no padding here."
    return (
        f"{axis}: SAME adds {before} padding cell(s) before and {after} after; a pooling window "
        "never picks them for max or min and leaves them out of a mean."
    )
