"""Pooling as plain loops, forward and backward side by side, with the one tie rule.

Max (or min) keeps one cell of each window, its winner; backward, the window's gradient goes
to that cell alone, since no other cell moved the output. Avg is the sum of the window's real
cells divided by how many there are; backward, each of them gets an equal share. A cell that
sits in several overlapping windows adds up what each sends it.

The tie rule (:func:`winner`): the first winning cell in row-major window order (row by row,
then column); when the window holds NaN, its first NaN; padded cells never win, so if every
real cell is -inf for max (+inf for min), the first real cell.

The loops over batch, output positions and channels are written once per dimension
(:func:`_windows_1d`, :func:`_windows_2d`), each yielding a window's real cells in order.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike

from cnndemo.reference import checks
from cnndemo.reference.sizes import output_size, padding_amounts
from cnndemo.reference.winner import summarise, winner

# ---------------------------------------------------------------------------------------------
# 2D


def _windows_2d(
    shape: tuple[int, ...], size: tuple[int, int], steps: tuple[int, int], pads, out_hw
) -> Iterator[tuple[int, int, int, int, list[tuple[int, int]]]]:
    """Every ``(b, oy, ox, c, cells)``: example, output row and column, channel, and the
    window's real input cells ``(r, q)`` in window order (row by row, then column). Padded
    cells are left out: they never win and are not counted in a mean."""
    batch, height, width, channels = shape
    (k_h, k_w), (sy, sx), (top, left), (out_h, out_w) = size, steps, pads, out_hw
    for b in range(batch):
        for oy in range(out_h):
            for ox in range(out_w):
                rows = [r for r in range(oy * sy - top, oy * sy - top + k_h) if 0 <= r < height]
                cols = [q for q in range(ox * sx - left, ox * sx - left + k_w) if 0 <= q < width]
                cells = [(r, q) for r in rows for q in cols]
                for c in range(channels):
                    yield b, oy, ox, c, cells


def _pool2d_setup(x, size, stride, kind, padding, op):
    """Checked input and kind, the output shape, and the windows to visit."""
    x = checks.real_array(x, 4, op, "input", "batch, height, width, channels")
    batch, height, width, channels = x.shape
    k_h, k_w = checks.pair(size, "pool size")
    sy, sx = (k_h, k_w) if stride is None else checks.pair(stride, "stride")
    kind, padding = checks.pool_kind(kind), checks.padding_word(padding)
    out_h, out_w = output_size(height, k_h, sy, padding), output_size(width, k_w, sx, padding)
    top, _ = padding_amounts(height, k_h, sy, padding)
    left, _ = padding_amounts(width, k_w, sx, padding)
    windows = _windows_2d(x.shape, (k_h, k_w), (sy, sx), (top, left), (out_h, out_w))
    return x, kind, (batch, out_h, out_w, channels), windows


def pool2d(
    x: ArrayLike,
    size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """Shrink each channel of each grid by summarising every window in one number.

    Window ``(oy, ox)`` holds the cells of rows ``oy * stride_y - top`` to
    ``oy * stride_y - top + size_y - 1`` and columns ``ox * stride_x - left`` to
    ``ox * stride_x - left + size_x - 1`` that lie inside the grid;
    ``out[b, oy, ox, c]`` is the largest (max), smallest (min) or mean (avg) of them.

    Parameters
    ----------
    x : ndarray, shape (batch, height, width, channels)
    size : int or (int, int)
        Window rows and columns; one number for a square window.
    stride : int or (int, int), optional
        Step between windows. Left out, it equals ``size``: the windows tile the grid.
    kind : {"max", "min", "avg"}
    padding : {"valid", "same"}
        ``"same"`` adds room by :func:`padding_amounts`, but a padded cell is never part of
        the summary: it never wins, and a mean divides by the real cells only.

    Returns
    -------
    ndarray, shape (batch, out_h, out_w, channels), float64
        ``out_h = output_size(height, size_y, stride_y, padding)``, likewise ``out_w``. A
        window holding NaN gives NaN.
    """
    x, kind, out_shape, windows = _pool2d_setup(x, size, stride, kind, padding, "pool2d")
    out = np.zeros(out_shape)
    for b, oy, ox, c, cells in windows:
        out[b, oy, ox, c] = summarise([x[b, r, q, c] for r, q in cells], kind)
    return out


def pool2d_backward(
    x: ArrayLike,
    grad_out: ArrayLike,
    size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """How max-pool backprop works: send each window's gradient back to the cells it came from.

    Max or min: a window's output is a copy of one cell, its winner, so nudging any other cell
    leaves the output as it is. The whole of ``grad_out[b, oy, ox, c]`` goes to the winner and
    nothing to the rest. The winner is the first winning cell in row-major window order (row by
    row, then column); when the window holds NaN, its first NaN; padded cells never win, so if
    every real cell is -inf for max (+inf for min), the first real cell.

    Avg: the output is ``(sum of the n real cells) / n``, so each of them gets
    ``grad_out / n``.

    A cell inside several windows (stride smaller than size) adds up what each window sends.

    Parameters
    ----------
    x, size, stride, kind, padding
        What the forward pass was called with.
    grad_out : ndarray, shape (batch, out_h, out_w, channels)
        Gradient of the loss with respect to each pooled number.

    Returns
    -------
    ndarray, shape (batch, height, width, channels)
        Zero at every cell that won no window (max, min) or sits in no window.
    """
    x, kind, out_shape, windows = _pool2d_setup(x, size, stride, kind, padding, "pool2d_backward")
    grad = checks.gradient(grad_out, out_shape)
    grad_x = np.zeros(x.shape)
    for b, oy, ox, c, cells in windows:
        if kind == "avg":
            # The mean moves by 1/n when any one of its n cells moves by 1.
            for r, q in cells:
                grad_x[b, r, q, c] += grad[b, oy, ox, c] / len(cells)
        else:
            # The output is a copy of the winner: only the winner moves it.
            values = [x[b, r, q, c] for r, q in cells]
            r, q = cells[winner(values, kind)]
            grad_x[b, r, q, c] += grad[b, oy, ox, c]
    return grad_x


# ---------------------------------------------------------------------------------------------
# 1D


def _windows_1d(
    shape: tuple[int, ...], size: int, stride: int, left: int, out_width: int
) -> Iterator[tuple[int, int, int, list[int]]]:
    """Every ``(b, t, c, cells)``: example, output position, channel, and the window's real
    input positions from left to right (padded positions left out)."""
    batch, width, channels = shape
    for b in range(batch):
        for t in range(out_width):
            cells = [
                p for p in range(t * stride - left, t * stride - left + size) if 0 <= p < width
            ]
            for c in range(channels):
                yield b, t, c, cells


def _pool1d_setup(x, size, stride, kind, padding, op):
    """Checked input and kind, the output shape, and the windows to visit."""
    x = checks.real_array(x, 3, op, "input", "batch, width, channels")
    batch, width, channels = x.shape
    size = checks.whole(size, "pool size")
    stride = size if stride is None else checks.whole(stride, "stride")
    kind, padding = checks.pool_kind(kind), checks.padding_word(padding)
    out_width = output_size(width, size, stride, padding)
    left, _ = padding_amounts(width, size, stride, padding)
    windows = _windows_1d(x.shape, size, stride, left, out_width)
    return x, kind, (batch, out_width, channels), windows


def pool1d(
    x: ArrayLike, size: int, stride: int | None = None, kind: str = "max", padding: str = "valid"
) -> np.ndarray:
    """Shrink each channel of each sequence by summarising every window in one number.

    Window ``t`` holds the positions ``t * stride - left`` to ``t * stride - left + size - 1``
    that lie inside the sequence; ``out[b, t, c]`` is their max, min or mean.

    Parameters
    ----------
    x : ndarray, shape (batch, width, channels)
    size : int
        Positions per window.
    stride : int, optional
        Step between windows; left out, it equals ``size``.
    kind, padding
        As in :func:`pool2d`.

    Returns
    -------
    ndarray, shape (batch, out_width, channels), float64
        ``out_width = output_size(width, size, stride, padding)``.
    """
    x, kind, out_shape, windows = _pool1d_setup(x, size, stride, kind, padding, "pool1d")
    out = np.zeros(out_shape)
    for b, t, c, cells in windows:
        out[b, t, c] = summarise([x[b, p, c] for p in cells], kind)
    return out


def pool1d_backward(
    x: ArrayLike,
    grad_out: ArrayLike,
    size: int,
    stride: int | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """Send each window's gradient back, as :func:`pool2d_backward` does along one axis.

    Max/min: all of it to the window's winner (the first from the left on a tie, the first
    NaN if any, never a padded position). Avg: ``grad_out / n`` to each of its ``n`` real
    positions.

    Parameters
    ----------
    x, size, stride, kind, padding
        What the forward pass was called with.
    grad_out : ndarray, shape (batch, out_width, channels)

    Returns
    -------
    ndarray, shape (batch, width, channels)
    """
    x, kind, out_shape, windows = _pool1d_setup(x, size, stride, kind, padding, "pool1d_backward")
    grad = checks.gradient(grad_out, out_shape)
    grad_x = np.zeros(x.shape)
    for b, t, c, cells in windows:
        if kind == "avg":
            for p in cells:
                grad_x[b, p, c] += grad[b, t, c] / len(cells)
        else:
            p = cells[winner([x[b, p, c] for p in cells], kind)]
            grad_x[b, p, c] += grad[b, t, c]
    return grad_x
