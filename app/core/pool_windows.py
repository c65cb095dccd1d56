"""Down-sampling (2D pooling) worked out window by window: which cells each window groups, who
wins, and the sentences the page writes about it. Plain NumPy (no Streamlit, no Plotly);
``app.figures.pooling`` draws what :func:`explain_pool` returns.

Winners follow the engine's tie rule (``cnndemo.ops.pool2d_backward``): the first winning cell
of a window in row-major order. Padding cells (SAME) never win and are left out of a mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.numbers import format_value
from cnndemo import ops

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

    def real_rows(self, height: int) -> range:
        """Rows of the grid (not padding) the window covers."""
        return range(max(self.top, 0), min(self.bottom, height - 1) + 1)

    def real_cols(self, width: int) -> range:
        """Columns of the grid (not padding) the window covers."""
        return range(max(self.left, 0), min(self.right, width - 1) + 1)


@dataclass(frozen=True)
class PoolResult:
    """A pooling worked out cell by cell.

    ``output`` (out_h, out_w, channels) equals ``cnndemo.pool2d``; ``winners`` (out_h, out_w,
    channels, 2) holds the input (row, column) whose value each max/min output took, -1 for
    a mean; ``windows`` are in reading order (row-major over the output).
    """

    grid: np.ndarray
    size: tuple[int, int]
    stride: tuple[int, int]
    kind: str
    padding: str
    pads: tuple[tuple[int, int], tuple[int, int]]
    windows: tuple[PoolWindow, ...]
    output: np.ndarray
    winners: np.ndarray

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.output.shape[0], self.output.shape[1]

    def window(self, row: int, col: int) -> PoolWindow:
        """The window that makes output cell (row, col)."""
        return self.windows[row * self.output.shape[1] + col]

    @property
    def overlapping(self) -> bool:
        """Whether some input cell belongs to two windows (stride smaller than the window on an
        axis that has more than one window)."""
        out_h, out_w = self.out_shape
        return (out_h > 1 and self.stride[0] < self.size[0]) or (
            out_w > 1 and self.stride[1] < self.size[1]
        )

    def coverage(self) -> np.ndarray:
        """How many windows read each input cell, shape (height, width)."""
        height, width = self.grid.shape[:2]
        counts = np.zeros((height, width), dtype=np.int64)
        for w in self.windows:
            rows, cols = w.real_rows(height), w.real_cols(width)
            counts[rows.start : rows.stop, cols.start : cols.stop] += 1
        return counts


# TODO(explain): computes every pooling window's cells itself; take them from cnndemo.explain.
def pool_windows(
    height: int,
    width: int,
    size: tuple[int, int],
    stride: tuple[int, int],
    padding: str = "valid",
) -> tuple[tuple[PoolWindow, ...], tuple[tuple[int, int], tuple[int, int]]]:
    """Every window of a 2D pooling in reading order, and the padding (top, bottom), (left,
    right). Raises the engine's ValueError when the window does not fit (VALID)."""
    (kh, kw), (sy, sx) = size, stride
    out_h = ops.output_size(height, kh, sy, padding)
    out_w = ops.output_size(width, kw, sx, padding)
    top, bottom = ops.padding_amounts(height, kh, sy, padding)
    left, right = ops.padding_amounts(width, kw, sx, padding)
    windows = tuple(
        PoolWindow(r, c, r * sy - top, c * sx - left, r * sy - top + kh - 1, c * sx - left + kw - 1)
        for r in range(out_h)
        for c in range(out_w)
    )
    return windows, ((top, bottom), (left, right))


# TODO(explain): computes each window's winner itself; take winners from cnndemo.explain.
def explain_pool(
    grid: np.ndarray,
    size: tuple[int, int],
    stride: tuple[int, int],
    kind: str = "max",
    padding: str = "valid",
) -> PoolResult:
    """Pool one grid (height, width, channels) window by window, keeping each winner.

    Raises ValueError for an unknown kind or a window that does not fit, as the engine does.
    """
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 3:
        raise ValueError(f"a grid must be (height, width, channels), got shape {grid.shape}")
    if kind not in KIND_WORDS:
        raise ValueError(f"pooling kind must be one of {list(KIND_WORDS)}; got {kind!r}")
    size = (int(size[0]), int(size[1]))
    stride = (int(stride[0]), int(stride[1]))
    height, width, channels = grid.shape
    windows, pads = pool_windows(height, width, size, stride, padding)
    out_h = windows[-1].out_row + 1
    out_w = windows[-1].out_col + 1
    output = np.empty((out_h, out_w, channels))
    winners = np.full((out_h, out_w, channels, 2), -1, dtype=np.int64)
    for w in windows:
        rows, cols = w.real_rows(height), w.real_cols(width)
        block = grid[rows.start : rows.stop, cols.start : cols.stop].reshape(-1, channels)
        if kind == "avg":
            output[w.out_row, w.out_col] = block.mean(axis=0)
            continue
        # argmax/argmin give the first winner in row-major order: the engine's tie rule.
        best = (np.argmax if kind == "max" else np.argmin)(block, axis=0)
        output[w.out_row, w.out_col] = block[best, np.arange(channels)]
        n_cols = len(cols)
        winners[w.out_row, w.out_col, :, 0] = rows.start + best // n_cols
        winners[w.out_row, w.out_col, :, 1] = cols.start + best % n_cols
    return PoolResult(grid, size, stride, kind, padding, pads, windows, output, winners)


def window_values(result: PoolResult, row: int, col: int, channel: int) -> list[float]:
    """The real cells of output (row, col)'s window in one channel, in row-major order."""
    height, width = result.grid.shape[:2]
    w = result.window(row, col)
    rows, cols = w.real_rows(height), w.real_cols(width)
    block = result.grid[rows.start : rows.stop, cols.start : cols.stop, channel]
    return [float(v) for v in block.reshape(-1)]


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
    before, after = ops.padding_amounts(n, k, s, padding)
    if before + after == 0:
        return f"{axis}: SAME needs no padding here."
    return (
        f"{axis}: SAME adds {before} padding cell(s) before and {after} after; a pooling window "
        "never picks them for max or min and leaves them out of a mean."
    )
