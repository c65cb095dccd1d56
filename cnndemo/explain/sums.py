"""What one convolution output adds up (its products, tap by tap and channel by channel), and
what one cell of its gradients adds up (the backward pass written as sums)."""

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


# --- The backward pass: what one gradient cell adds up ------------------------------------------


@dataclass(frozen=True)
class GradientTerm:
    """One product of a gradient sum, and where its two factors come from.

    In a kernel gradient ``dL/dW`` the product is *input cell × upstream gradient*: ``value`` is
    the input the tap read (0 in padding), ``weight`` the upstream gradient ``dL/dy`` of the
    output that read it. In an input gradient ``dL/dx`` it is *upstream gradient × kernel
    weight*: ``value`` is ``dL/dy`` of an output whose window reads the cell, ``weight`` the
    weight of the tap that read it.
    """

    value: float
    weight: float
    out_index: tuple[int, ...]
    out_channel: int
    tap: tuple[int, ...]
    cell: tuple[int, ...]
    channel: int
    in_padding: bool


@dataclass(frozen=True)
class GradientSum:
    """The products one gradient cell adds up (outputs in reading order), and their exact sum
    (``math.fsum``); no terms when no window reads the cell, and the sum is then 0."""

    terms: tuple[GradientTerm, ...]
    total: float


def _gradient_operands(grad_out, plan, out_channels: int | None = None) -> np.ndarray:
    """``grad_out`` as float64, checked to have the output's shape (``out_channels`` channels, or
    any number when None)."""
    grad_out = np.asarray(grad_out, dtype=np.float64)
    if out_channels is None and grad_out.ndim == plan.rank + 1:
        out_channels = grad_out.shape[-1]
    if grad_out.shape != (*plan.out_shape, out_channels):
        raise ValueError(
            f"the upstream gradient has shape {grad_out.shape}, the output "
            f"{(*plan.out_shape, out_channels)}"
        )
    return grad_out


def _index_in(index: Sequence[int], shape: Sequence[int], what: str) -> tuple[int, ...]:
    index = tuple(int(i) for i in index)
    if len(index) != len(shape) or not all(0 <= i < n for i, n in zip(index, shape, strict=True)):
        raise ValueError(f"{what} {index} is outside {tuple(shape)}")
    return index


def kernel_grad_terms(
    x: np.ndarray,
    grad_out: np.ndarray,
    tap: Sequence[int],
    in_channel: int,
    out_channel: int,
    kernel_size: Sequence[int],
    stride: int | Sequence[int] = 1,
    padding: str = "valid",
    dilation: int | Sequence[int] = 1,
) -> GradientSum:
    """The products summed for one kernel-gradient cell ``dL/dW[tap, in_channel, out_channel]``.

    Every output's window read this tap once: the term of output ``t`` is the input cell the
    tap read there times the upstream gradient ``dL/dy[t, out_channel]``, so the cell is a
    correlation of the input with the upstream gradient.

    Parameters
    ----------
    x : ndarray, shape (width, in) or (height, width, in)
        One example, as in :func:`conv_terms`.
    grad_out : ndarray, shape (out_width, out) or (out_height, out_width, out)
        The upstream gradient ``dL/dy``, one number per output cell.
    tap : sequence of int
        The kernel position, one index per spatial axis.
    in_channel, out_channel : int
    kernel_size : sequence of int
        The kernel's spatial size.
    stride, padding, dilation
        The forward convolution's.
    """
    x = np.asarray(x, dtype=np.float64)
    plan = conv_plan(x.shape[:-1], kernel_size, stride, padding, dilation)
    grad_out = _gradient_operands(grad_out, plan)
    tap = _index_in(tap, plan.window_shape, "kernel position")
    (in_channel,) = _index_in((in_channel,), (x.shape[-1],), "input channel")
    (out_channel,) = _index_in((out_channel,), (grad_out.shape[-1],), "output channel")
    terms = []
    for out_index in np.ndindex(*plan.out_shape):
        cell = tuple(a.taps(i)[j] for a, i, j in zip(plan.axes, out_index, tap, strict=True))
        inside = all(0 <= c < a.n for c, a in zip(cell, plan.axes, strict=True))
        value = float(x[(*cell, in_channel)]) if inside else 0.0
        weight = float(grad_out[(*out_index, out_channel)])
        terms.append(
            GradientTerm(value, weight, out_index, out_channel, tap, cell, in_channel, not inside)
        )
    return GradientSum(tuple(terms), math.fsum(t.value * t.weight for t in terms))


def input_grad_terms(
    kernel: np.ndarray,
    grad_out: np.ndarray,
    cell: Sequence[int],
    in_channel: int,
    in_size: Sequence[int],
    stride: int | Sequence[int] = 1,
    padding: str = "valid",
    dilation: int | Sequence[int] = 1,
) -> GradientSum:
    """The products summed for one input-gradient cell ``dL/dx[cell, in_channel]``.

    The cell receives from every output whose window read it (:meth:`Plan.outputs_reading`),
    through the tap that read it: upstream gradient ``dL/dy[t, o]`` times kernel weight
    ``W[tap, in_channel, o]``, for every output channel ``o``. Outputs run in reading order,
    then output channels (:meth:`Plan.readers`). A cell no window reads (skipped by the stride, dropped by VALID)
    has no terms.

    Parameters
    ----------
    kernel : ndarray, shape (k_w, in, out) or (k_h, k_w, in, out)
    grad_out : ndarray, shape (out_width, out) or (out_height, out_width, out)
    cell : sequence of int
        The input position, one index per spatial axis.
    in_channel : int
    in_size : sequence of int
        The input's spatial size.
    stride, padding, dilation
        The forward convolution's.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    plan = conv_plan(in_size, kernel.shape[:-2], stride, padding, dilation)
    grad_out = _gradient_operands(grad_out, plan, kernel.shape[-1])
    cell = _index_in(cell, plan.in_shape, "input position")
    (in_channel,) = _index_in((in_channel,), (kernel.shape[-2],), "input channel")
    terms = []
    for out_index, tap in plan.readers(*cell):
        for o in range(kernel.shape[-1]):
            value = float(grad_out[(*out_index, o)])
            weight = float(kernel[(*tap, in_channel, o)])
            terms.append(GradientTerm(value, weight, out_index, o, tap, cell, in_channel, False))
    return GradientSum(tuple(terms), math.fsum(t.value * t.weight for t in terms))
