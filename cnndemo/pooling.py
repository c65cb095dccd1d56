"""Pooling on channels-last NumPy arrays, with its gradients.

Windows, sizes and the winner of every max or min window come from :mod:`cnndemo.explain`
(its module docstring states the one tie rule); :mod:`cnndemo.reference` has the same
operations as plain loops.
"""

from __future__ import annotations

import numpy as np

from cnndemo._checks import as_real, check_array, check_grad, check_kind, check_padding, pair, whole
from cnndemo._scratch import arena
from cnndemo._windows import padded, tap_view, window_view
from cnndemo.explain import checked_axis, window_winners

__all__ = [
    "global_pool",
    "global_pool_backward",
    "pool1d",
    "pool1d_backward",
    "pool2d",
    "pool2d_backward",
]

# ---------------------------------------------------------------------------------------------
# Pooling

# Padded cells hold the value that can never win: -inf for max, +inf for min, 0 for a sum
# (the mean then divides by the number of real cells only).
_FILL = {"max": -np.inf, "min": np.inf, "avg": 0.0}


class _PoolPlan:
    """Checked shapes of one 2D pooling call."""

    __slots__ = ("x", "kind", "kh", "kw", "sy", "sx", "out_h", "out_w", "pads")

    def __init__(self, x, size, stride, kind, padding, op, one_d):
        x = as_real(x, op)
        if one_d:
            check_array(x, 3, op, "input", "batch, width, channels")
            x = x[:, None]
            kh, kw = 1, whole(size, "pool size")
            sy, sx = 1, kw if stride is None else whole(stride, "stride")
        else:
            check_array(x, 4, op, "input", "batch, height, width, channels")
            kh, kw = pair(size, "pool size")
            sy, sx = (kh, kw) if stride is None else pair(stride, "stride")
        self.kind = check_kind(kind)
        padding = check_padding(padding)
        _, height, width, _ = x.shape
        rows = checked_axis(height, kh, sy, padding, 1, "pool", "height")
        cols = checked_axis(width, kw, sx, padding, 1, "pool", "width")
        self.x, self.kh, self.kw, self.sy, self.sx = x, kh, kw, sy, sx
        self.out_h, self.out_w = rows.out, cols.out
        self.pads = (rows.before, rows.after, cols.before, cols.after)

    def counts(self) -> np.ndarray:
        """Real (unpadded) cells in each window, shape (out_h, out_w, 1)."""
        top, _, left, _ = self.pads
        _, height, width, _ = self.x.shape
        rows = _real_counts(height, self.kh, self.sy, self.out_h, top)
        cols = _real_counts(width, self.kw, self.sx, self.out_w, left)
        return (rows[:, None] * cols[None, :])[:, :, None].astype(self.x.dtype)


def _real_counts(n: int, k: int, stride: int, out: int, before: int) -> np.ndarray:
    start = np.arange(out) * stride - before
    return np.minimum(start + k, n) - np.maximum(start, 0)


def _pool_forward(plan: _PoolPlan) -> np.ndarray:
    combine = {"max": np.maximum, "min": np.minimum, "avg": np.add}[plan.kind]
    out = None
    # Reducing tap by tap over strided views keeps channels contiguous, which is faster than
    # reducing a window view over its two small inner axes.
    with padded(plan.x, plan.pads, _FILL[plan.kind]) as grid:
        for i in range(plan.kh):
            for j in range(plan.kw):
                tap = tap_view(grid, i, j, plan.out_h, plan.out_w, plan.sy, plan.sx)
                if out is None:
                    out = tap.copy()
                else:
                    combine(out, tap, out=out)
    if plan.kind == "avg":
        out /= plan.counts()
    return out


def _pool_backward(plan: _PoolPlan, grad_out: object) -> np.ndarray:
    x = plan.x
    grad = check_grad(grad_out, (x.shape[0], plan.out_h, plan.out_w, x.shape[3]), x.dtype)
    with arena() as work:
        grid = work.enter(padded(x, plan.pads, _FILL[plan.kind]))
        if not any(plan.pads):
            grad_x = np.zeros(grid.shape, dtype=x.dtype)
            _route_pool_grad(plan, grad, grid, grad_x)
            return grad_x
        # On the padded grid the gradient is only a step before the crop: a work buffer.
        grad_padded = work.empty(grid.shape, x.dtype)
        grad_padded.fill(0)
        _route_pool_grad(plan, grad, grid, grad_padded)
        top, _, left, _ = plan.pads
        _, height, width, _ = x.shape
        return grad_padded[:, top : top + height, left : left + width].copy()


def _route_pool_grad(
    plan: _PoolPlan, grad: np.ndarray, grid: np.ndarray, grad_padded: np.ndarray
) -> None:
    """Add each window's gradient into ``grad_padded`` at the cells that won (or shared) it."""
    x, kh, kw, sy, sx = plan.x, plan.kh, plan.kw, plan.sy, plan.sx
    out_h, out_w = plan.out_h, plan.out_w
    if plan.kind == "avg":
        share = grad / plan.counts()
        for i in range(kh):
            for j in range(kw):
                tap_view(grad_padded, i, j, out_h, out_w, sy, sx)[...] += share
    else:
        windows = window_view(grid, out_h, out_w, kh, kw, sy, sx, 1, 1)
        flat = windows.reshape(x.shape[0], out_h, out_w, kh * kw, x.shape[3])
        # The one tie rule of cnndemo.explain: first winner in row-major window order, the
        # first NaN of a window holding NaN, never a padded cell.
        winner = window_winners(flat, plan.kind, _padded_taps(plan, grid.shape[1:3]))
        for i in range(kh):
            for j in range(kw):
                hit = np.where(winner == i * kw + j, grad, 0)
                tap_view(grad_padded, i, j, out_h, out_w, sy, sx)[...] += hit


def _padded_taps(plan: _PoolPlan, padded_shape: tuple[int, int]) -> np.ndarray | None:
    """True where a window's tap is a padded cell, shape (1, out_h, out_w, taps, 1)."""
    if not any(plan.pads):
        return None
    top, _, left, _ = plan.pads
    _, height, width, _ = plan.x.shape
    is_pad = np.ones((1, *padded_shape, 1), dtype=bool)
    is_pad[:, top : top + height, left : left + width] = False
    windows = window_view(is_pad, plan.out_h, plan.out_w, plan.kh, plan.kw, plan.sy, plan.sx, 1, 1)
    return windows.reshape(1, plan.out_h, plan.out_w, plan.kh * plan.kw, 1)


def pool2d(
    x: np.ndarray,
    size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """2D pooling: each window of every channel becomes its max, min or mean.

    Parameters
    ----------
    x : ndarray, shape (batch, height, width, channels)
        Input grids. Integer input is computed in float64.
    size : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; defaults to ``size`` (windows side by side, no overlap).
    kind : {"max", "min", "avg"}
        The reduction over each window.
    padding : {"valid", "same"}
        ``"same"`` pads by TensorFlow's rule; padded cells never win a max or min and are left
        out of a mean (it divides by the number of real cells in the window).

    Returns
    -------
    ndarray, shape (batch, out_h, out_w, channels)
        ``out_h = output_size(height, size_y, stride_y, padding)``, likewise ``out_w``.

    Notes
    -----
    A window holding NaN gives NaN for every kind; infinities follow IEEE arithmetic.
    """
    return _pool_forward(_PoolPlan(x, size, stride, kind, padding, "pool2d", False))


def pool2d_backward(
    x: np.ndarray,
    grad_out: np.ndarray,
    size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """Gradient of a loss through :func:`pool2d`: ``grad_out`` (batch, out_h, out_w, channels),
    the loss's gradient for each pooled number, sent back to the cells of ``x`` (the other
    arguments are the forward call's).

    Returns
    -------
    ndarray, shape (batch, height, width, channels)
        For max and min each window's gradient goes to its winning cell (the tie rule of
        :mod:`cnndemo.explain`: the first winner in window order, row by row; the first NaN of
        a window holding NaN; never a padded cell). For avg it is shared equally among the
        window's real cells. Overlapping windows add up.
    """
    return _pool_backward(
        _PoolPlan(x, size, stride, kind, padding, "pool2d_backward", False), grad_out
    )


def pool1d(
    x: np.ndarray,
    size: int,
    stride: int | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """1D pooling: each window of every channel becomes its max, min or mean.

    Parameters
    ----------
    x : ndarray, shape (batch, width, channels)
    size : int
        Window width.
    stride : int, optional
        Step between windows; defaults to ``size``.
    kind, padding
        As in :func:`pool2d`.

    Returns
    -------
    ndarray, shape (batch, out_width, channels)
        ``out_width = output_size(width, size, stride, padding)``.

    Notes
    -----
    A window holding NaN gives NaN for every kind; infinities follow IEEE arithmetic.
    """
    return _pool_forward(_PoolPlan(x, size, stride, kind, padding, "pool1d", True))[:, 0]


def pool1d_backward(
    x: np.ndarray,
    grad_out: np.ndarray,
    size: int,
    stride: int | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """Gradient of a loss through :func:`pool1d`.

    Parameters
    ----------
    x, size, stride, kind, padding
        The forward call's arguments.
    grad_out : ndarray, shape (batch, out_width, channels)

    Returns
    -------
    ndarray, shape (batch, width, channels)
        Routed as in :func:`pool2d_backward` (ties: first winner from the left).
    """
    plan = _PoolPlan(x, size, stride, kind, padding, "pool1d_backward", True)
    expected = (plan.x.shape[0], plan.out_w, plan.x.shape[3])
    grad = check_grad(grad_out, expected, plan.x.dtype)[:, None]
    return _pool_backward(plan, grad)[:, 0]


def _check_global(x: object, kind: object, op: str) -> tuple[np.ndarray, str]:
    array = as_real(x, op)
    if array.ndim < 3:
        raise ValueError(
            f"{op} expects an input (batch, ..., channels) with at least one position axis, "
            f"got shape {tuple(array.shape)}"
        )
    if array.size == 0:
        raise ValueError(
            f"{op} got an empty input of shape {tuple(array.shape)}; "
            "every axis needs at least one element"
        )
    return array, check_kind(kind)


def global_pool(x: np.ndarray, kind: str = "max") -> np.ndarray:
    """Pool every channel over all positions.

    Parameters
    ----------
    x : ndarray, shape (batch, ..., channels)
        Any number (at least one) of position axes between batch and channels.
    kind : {"max", "min", "avg"}

    Returns
    -------
    ndarray, shape (batch, channels)

    Notes
    -----
    Max acts as an ANY over positions (is the feature present somewhere?), min as an ALL.
    NaN anywhere in a channel gives NaN for that channel.
    """
    array, kind = _check_global(x, kind, "global_pool")
    flat = array.reshape(array.shape[0], -1, array.shape[-1])
    if kind == "max":
        return flat.max(axis=1)
    if kind == "min":
        return flat.min(axis=1)
    return flat.mean(axis=1)


def global_pool_backward(x: np.ndarray, grad_out: np.ndarray, kind: str = "max") -> np.ndarray:
    """Gradient of a loss through :func:`global_pool`.

    Parameters
    ----------
    x, kind
        The forward call's arguments.
    grad_out : ndarray, shape (batch, channels)

    Returns
    -------
    ndarray, shape of ``x``
        Max/min: all to the first winning position in row-major order (the first NaN if any);
        avg: shared equally among the positions.
    """
    array, kind = _check_global(x, kind, "global_pool_backward")
    batch, channels = array.shape[0], array.shape[-1]
    grad = check_grad(grad_out, (batch, channels), array.dtype)
    flat = array.reshape(batch, -1, channels)
    if kind == "avg":
        grad_flat = np.broadcast_to(grad[:, None] / flat.shape[1], flat.shape).copy()
    else:
        winner = window_winners(flat, kind)
        grad_flat = np.zeros_like(flat)
        np.put_along_axis(grad_flat, winner[:, None], grad[:, None], axis=1)
    return grad_flat.reshape(array.shape)
