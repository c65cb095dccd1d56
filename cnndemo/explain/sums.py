"""What one convolution output adds up: its products, tap by tap and channel by channel."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cnndemo.explain.plans import Window, conv_plan


@dataclass(frozen=True)
class Term:
    """One product of a window sum: an input value (0 in padding) times a kernel weight."""

    value: float
    weight: float
    in_padding: bool
    tap: tuple[int, ...]
    cell: tuple[int, ...]
    channel: int


@dataclass(frozen=True)
class WindowSum:
    """The products a convolution output adds up, and their sum.

    ``terms`` run tap by tap in row-major kernel order, then input channel by channel: the
    order of the tutorial's worked sums. ``total`` is their exact sum rounded once
    (``math.fsum``).
    """

    window: Window
    terms: tuple[Term, ...]
    total: float


def conv_terms(
    x: np.ndarray,
    kernel: np.ndarray,
    out_index: Sequence[int],
    out_channel: int,
    stride: int | Sequence[int] = 1,
    padding: str = "valid",
    dilation: int | Sequence[int] = 1,
) -> WindowSum:
    """The products summed for one output of a convolution of one example.

    Parameters
    ----------
    x : ndarray, shape (width, in) or (height, width, in)
        One example (no batch axis).
    kernel : ndarray, shape (k_w, in, out) or (k_h, k_w, in, out)
    out_index : sequence of int
        The output position, one index per spatial axis.
    out_channel : int
    stride, padding, dilation
        As in :func:`cnndemo.ops.conv1d` / :func:`cnndemo.ops.conv2d`.
    """
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    rank = x.ndim - 1
    if rank not in (1, 2) or kernel.ndim != rank + 2 or kernel.shape[-2] != x.shape[-1]:
        raise ValueError(
            f"input {x.shape} and kernel {kernel.shape} do not make a 1D or 2D convolution"
        )
    if not 0 <= out_channel < kernel.shape[-1]:
        raise ValueError(f"output channel {out_channel} is outside 0..{kernel.shape[-1] - 1}")
    plan = conv_plan(x.shape[:-1], kernel.shape[:-2], stride, padding, dilation)
    window = plan.window(*out_index)
    terms = []
    for tap, cell, inside in zip(window.taps, window.cells, window.inside, strict=True):
        for channel in range(x.shape[-1]):
            value = float(x[(*cell, channel)]) if inside else 0.0
            weight = float(kernel[(*tap, channel, out_channel)])
            terms.append(Term(value, weight, not inside, tap, cell, channel))
    total = math.fsum(t.value * t.weight for t in terms)
    return WindowSum(window, tuple(terms), total)
