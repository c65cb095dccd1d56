"""Pooling layers: global pooling over every position, and windowed 2D pooling.

Max and min send each window's gradient to its first winning element (as TensorFlow's and
PyTorch's max-pool gradients do); average shares it among the window's real elements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from cnndemo import explain, ops
from cnndemo.bounds import MAX_LOWERING_ENTRIES
from cnndemo.layers.base import Layer, as_tuple, ones

__all__ = ["POOL_KINDS", "GlobalPool", "Pool2D"]

POOL_KINDS = ("max", "min", "avg")

# Read at call time, so a test can lower the bound to exercise the fallback.
_MAX_LOWERING_ENTRIES = MAX_LOWERING_ENTRIES


def _check_kind(kind: str) -> str:
    if kind not in POOL_KINDS:
        raise ValueError(f"pool kind must be one of {list(POOL_KINDS)}; got {kind!r}")
    return kind


class GlobalPool(Layer):
    """Pool over every position: (batch, ..., channels) -> (batch, channels).

    Parameters
    ----------
    kind : {"max", "min", "avg"}
        Max acts as an ANY over positions, min as an ALL, avg as a vote.

    On a tie the first position wins and takes the whole gradient, as in
    :func:`cnndemo.ops.global_pool_backward` and ``tf.nn.max_pool``. (``tf.reduce_max`` splits
    it evenly instead; the parameter gradients are the same whenever the tied windows hold the
    same inputs, as the windows of the blank and the full image do.)
    """

    def __init__(self, kind: str = "max") -> None:
        super().__init__()
        self.kind = _check_kind(kind)
        self._plans: dict[tuple[int, ...], np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x_shape = x.shape
        batch, channels = x.shape[0], x.shape[-1]
        flat = x.reshape(batch, -1, channels)
        if self.kind == "avg":
            return np.dot(ones(flat.shape[1]), flat) / flat.shape[1]
        plan = self._plans.get(x.shape)
        if plan is None:
            # Flat offset of (example, channel) at position 0.
            plan = np.arange(batch)[:, None] * flat[0].size + np.arange(channels)
            self._plans[x.shape] = plan
        winner = flat.argmax(axis=1) if self.kind == "max" else flat.argmin(axis=1)
        # Flat index of each winner: reading it back is cheaper than a second reduction, and
        # backward writes the gradient there.
        self._source = winner * channels + plan
        return x.reshape(-1)[self._source]

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        batch, channels = self._x_shape[0], self._x_shape[-1]
        positions = math.prod(self._x_shape[1:-1])
        if self.kind == "avg":
            grad = np.broadcast_to((grad_out / positions)[:, None, :], (batch, positions, channels))
            return grad.reshape(self._x_shape)
        grad = np.zeros(self._x_shape)
        grad.reshape(-1)[self._source] = grad_out
        return grad


class _PoolPlan(NamedTuple):
    """Everything a Pool2D needs for one input size, computed once."""

    out: tuple[int, int]  # (out_h, out_w)
    index: np.ndarray | None  # (positions, window): flat input element of each window element
    padded: bool  # whether some window element lies in the padding
    scatter: np.ndarray | None  # (h * w, positions * window): 1 where an element feeds a window
    average: np.ndarray | None  # (positions, h * w): each output's weights over the input


class Pool2D(Layer):
    """Windowed 2D pooling: (batch, height, width, channels) -> (batch, out_h, out_w, channels).

    Parameters
    ----------
    size : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; defaults to ``size`` (non-overlapping windows).
    kind : {"max", "min", "avg"}
    padding : {"valid", "same"}
        TensorFlow's rule; padded elements never win a max/min and are left out of an average.

    Output size per axis: floor((n - size) / stride) + 1 for VALID, ceil(n / stride) for SAME.
    Max/min send each window's gradient to its first winning element (as TensorFlow's and
    PyTorch's max-pool gradients do); overlapping windows add up. The window bookkeeping is a
    0/1 matrix built once per input size; above ``MAX_LOWERING_ENTRIES`` entries the layer
    computes with :func:`cnndemo.ops.pool2d` instead.
    """

    def __init__(
        self,
        size: int | Sequence[int] = 2,
        stride: int | Sequence[int] | None = None,
        kind: str = "max",
        padding: str = "valid",
    ) -> None:
        super().__init__()
        _check_kind(kind)
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same'; got {padding!r}")
        self.size = as_tuple(size, 2, "pool size")
        self.stride = self.size if stride is None else as_tuple(stride, 2, "pool stride")
        self.kind, self.padding = kind, padding
        self._plans: dict[tuple[int, int], _PoolPlan] = {}
        # Window offsets, shaped to compare with the winner index (batch, positions, 1, channels).
        self._offsets = np.arange(self.size[0] * self.size[1])[:, None]

    def _plan(self, spatial: tuple[int, int]) -> _PoolPlan:
        plan = self._plans.get(spatial)
        if plan is not None:
            return plan
        (h, w), (kh, kw) = spatial, self.size
        geometry = explain.pool_plan(spatial, self.size, self.stride, self.padding)
        oh, ow = geometry.out_shape
        if h * w * oh * ow * kh * kw > _MAX_LOWERING_ENTRIES:
            plan = _PoolPlan((oh, ow), None, False, None, None)
            self._plans[spatial] = plan
            return plan
        # Padded elements point at an extra slot h*w that holds the neutral value.
        cells = geometry.cell_index()
        inside = cells >= 0
        index = np.where(inside, cells, h * w)
        # scatter[i, r]: 1 where window element r (position-major) reads input element i; its
        # matmul sends window gradients back to the input and sums overlapping windows.
        scatter = np.zeros((h * w + 1, oh * ow * kh * kw))
        scatter[index.reshape(-1), np.arange(index.size)] = 1.0
        scatter = np.ascontiguousarray(scatter[: h * w])
        counts = inside.sum(axis=1)
        # Averaging as a matmul: each output row weights its window's inputs by 1/count.
        average = scatter.T.reshape(oh * ow, kh * kw, h * w).sum(axis=1) / counts[:, None]
        plan = _PoolPlan((oh, ow), index, not inside.all(), scatter, average)
        self._plans[spatial] = plan
        return plan

    def _op_arguments(self) -> tuple:
        return self.size, self.stride, self.kind, self.padding

    def forward(self, x: np.ndarray) -> np.ndarray:
        batch, h, w, channels = x.shape
        (oh, ow), index, padded, scatter, average = self._plan((h, w))
        self._x_shape = x.shape
        if index is None:
            self._x = x
            return ops.pool2d(x, *self._op_arguments())
        flat = x.reshape(batch, h * w, channels)
        if self.kind == "avg":
            return (average @ flat).reshape(batch, oh, ow, channels)
        if padded:
            fill = -np.inf if self.kind == "max" else np.inf
            flat = np.concatenate([flat, np.full((batch, 1, channels), fill)], axis=1)
        windows = flat[:, index]  # (batch, positions, window, channels)
        winner = windows.argmax(axis=2) if self.kind == "max" else windows.argmin(axis=2)
        self._winner = winner[:, :, None, :]
        extreme = np.maximum if self.kind == "max" else np.minimum
        return extreme.reduce(windows, axis=2).reshape(batch, oh, ow, channels)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        batch, h, w, channels = self._x_shape
        (oh, ow), index, padded, scatter, average = self._plans[(h, w)]
        if index is None:
            return ops.pool2d_backward(self._x, grad_out, *self._op_arguments())
        g = grad_out.reshape(batch, oh * ow, channels)
        if self.kind == "avg":
            return (average.T @ g).reshape(self._x_shape)
        grad_windows = (self._offsets == self._winner) * g[:, :, None, :]
        return (scatter @ grad_windows.reshape(batch, -1, channels)).reshape(self._x_shape)
