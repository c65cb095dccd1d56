"""A convolution's two gradients written as the operations a lesson names them by.

The fast backward pass is :func:`cnndemo.conv.conv2d_backward`; this module computes the same
numbers the way they are explained (and the tests check that both agree):

- ``dL/dW`` is a **correlation of the input with the upstream gradient**: kernel tap ``j``
  saw input cell ``t * s + j * d`` at output ``t``, so
  ``dL/dW[j, c, o] = sum_t x_padded[j * d + t * s, c] * dL/dy[t, o]``, a convolution of the
  padded input with ``dL/dy`` as its kernel, taps ``s`` apart, moved ``d`` cells at a time
  (:func:`kernel_grad_correlation`);
- ``dL/dx`` is a **"full" convolution of the upstream gradient with the flipped kernel**:
  spread ``dL/dy`` with ``s - 1`` zeros between its cells, pad it by the kernel's reach, slide
  the kernel turned round over it, and cut the result to the input (padding cells dropped)
  (:func:`input_grad_steps`, the steps of a transposed convolution,
  :func:`cnndemo.conv_transpose.zero_insertion`).

Layout as everywhere: 1D ``(batch, width, channels)`` and kernel ``(k, in, out)``; 2D
``(batch, height, width, channels)`` and kernel ``(k_h, k_w, in, out)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cnndemo._checks import as_real, check_array, conv_operands
from cnndemo.conv import conv2d
from cnndemo.conv_transpose import ZeroInsertion, zero_insertion
from cnndemo.explain import Plan, axis, conv_plan

__all__ = ["input_grad_steps", "kernel_grad_correlation"]


def _plan_2d(
    in_size: Sequence[int], kernel_size: Sequence[int], strides, padding, dilations, one_d: bool
) -> Plan:
    """The convolution's plan in 2D form: a 1D one gains a rows axis of one cell, never padded
    (an explicit padding pads the real axis only)."""
    if not one_d:
        return conv_plan(tuple(in_size), tuple(kernel_size), strides, padding, dilations)
    (width,) = conv_plan((in_size[-1],), (kernel_size[-1],), strides[1], padding,
                         dilations[1]).axes  # fmt: skip
    return Plan((axis(1, 1), width))


def kernel_grad_correlation(
    x: np.ndarray,
    grad_out: np.ndarray,
    kernel_size: Sequence[int],
    stride: int | tuple[int, int] = 1,
    padding: str | int = "valid",
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    """``dL/dW`` computed as the correlation of the (padded) input with the upstream gradient.

    Parameters
    ----------
    x : ndarray, shape (batch, width, in) or (batch, height, width, in)
    grad_out : ndarray, shape (batch, out_width, out) or (batch, out_height, out_width, out)
    kernel_size : sequence of int
        ``(k,)`` or ``(k_h, k_w)``.
    stride, padding, dilation
        The forward convolution's; ``padding`` may also be a whole number of zero cells on
        each side (:func:`cnndemo.explain.axis`).

    Returns
    -------
    ndarray, shape (k, in, out) or (k_h, k_w, in, out)
        Equal to the kernel gradient of :func:`cnndemo.ops.conv1d_backward` /
        :func:`cnndemo.ops.conv2d_backward`.
    """
    one_d = np.ndim(x) == 3
    op = "kernel_grad_correlation"
    size = tuple(int(k) for k in kernel_size)
    # The kernel's own values do not matter here, only its shape.
    shape = (*size, np.shape(x)[-1], np.shape(grad_out)[-1])
    x, _, strides, dilations = conv_operands(x, np.zeros(shape), stride, dilation, op, one_d)
    grad = as_real(grad_out, op, "upstream gradient").astype(x.dtype)
    check_array(grad, x.ndim - one_d, op, "upstream gradient", "batch, positions..., out")
    grad = grad[:, None] if one_d else grad
    plan = _plan_2d(x.shape[1:3], (1, *size) if one_d else size, strides, padding, dilations,
                    one_d)  # fmt: skip
    if grad.shape[:3] != (x.shape[0], *plan.out_shape):
        raise ValueError(
            f"the upstream gradient has {grad.shape[1:3]} positions, the output {plan.out_shape}"
        )
    padded = np.pad(x, ((0, 0), *plan.pads, (0, 0)))
    # Channels become the batch and the batch the channels, so one convolution sums over the
    # examples and pairs every input channel with every output channel.
    windows = conv2d(padded.transpose(3, 1, 2, 0), grad.transpose(1, 2, 0, 3), dilations,
                     "valid", strides)  # fmt: skip
    k_h, k_w = plan.window_shape
    result = windows[:, :k_h, :k_w].transpose(1, 2, 0, 3)
    return result[0] if one_d else result


def input_grad_steps(
    grad_out: np.ndarray,
    kernel: np.ndarray,
    in_size: Sequence[int],
    stride: int | tuple[int, int] = 1,
    padding: str | int = "valid",
    dilation: int | tuple[int, int] = 1,
) -> ZeroInsertion:
    """``dL/dx`` computed as the full convolution of the spread upstream gradient with the
    flipped kernel, every step kept (:class:`cnndemo.conv_transpose.ZeroInsertion`).

    Parameters
    ----------
    grad_out : ndarray, shape (batch, out_width, out) or (batch, out_height, out_width, out)
    kernel : ndarray, shape (k, in, out) or (k_h, k_w, in, out)
    in_size : sequence of int
        The forward input's spatial size, ``(width,)`` or ``(height, width)``.
    stride, padding, dilation
        The forward convolution's; ``padding`` may also be a whole number of zero cells on
        each side (then the steps are :func:`cnndemo.conv_transpose.transpose_steps` with that
        padding and ``output_padding`` = the cells the last window leaves over).

    Returns
    -------
    ZeroInsertion
        Its ``result`` (batch, *in_size, in) equals the input gradient of
        :func:`cnndemo.ops.conv1d_backward` / :func:`cnndemo.ops.conv2d_backward`; ``crop``
        cuts the padding cells (and adds zeros for input cells no window reads).
    """
    one_d = np.ndim(grad_out) == 3
    grad, kernel, strides, dilations = conv_operands(
        grad_out, kernel, stride, dilation, "input_grad_steps", one_d, "out"
    )
    if kernel.shape[3] != grad.shape[3]:
        raise ValueError(
            f"kernel has {kernel.shape[3]} output channels, the upstream gradient {grad.shape[3]}"
        )
    plan = _plan_2d((1, *in_size) if one_d else in_size, kernel.shape[:2], strides, padding,
                    dilations, one_d)  # fmt: skip
    if grad.shape[1:3] != plan.out_shape:
        raise ValueError(
            f"the upstream gradient has {grad.shape[1:3]} positions, the output {plan.out_shape}"
        )
    # Full length (out - 1) * s + span: every padded cell some window reads.
    crop = tuple((a.before, (a.out - 1) * a.stride + a.span - a.before - a.n) for a in plan.axes)
    steps = zero_insertion(grad, kernel, strides, dilations, crop)
    return steps.one_d() if one_d else steps
