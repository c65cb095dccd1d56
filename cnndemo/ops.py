"""Convolution and pooling on channels-last NumPy arrays, with their gradients.

Layout is TensorFlow's: a 1D input is ``(batch, width, channels)``, a 2D input
``(batch, height, width, channels)``; a 1D kernel is ``(k_width, in, out)``, a 2D kernel
``(k_h, k_w, in, out)``. The convolutions live in :mod:`cnndemo.conv`, the poolings in
:mod:`cnndemo.pooling`, each forward function with its gradient function right below it; this
module gathers them with the size rules. The geometry behind every op (windows, padding,
pooling winners) is public in :mod:`cnndemo.explain`; :mod:`cnndemo.reference` computes the same
results with plain loops.

Output size along one axis of length ``n`` for a window of ``k`` taps, stride ``s`` and
dilation ``d`` (the window then spans ``(k - 1) * d + 1`` cells):

- ``"valid"`` (no padding): ``out = floor((n - ((k - 1) * d + 1)) / s) + 1``
- ``"same"`` (TensorFlow's rule): ``out = ceil(n / s)``; the input is padded with
  ``max((out - 1) * s + (k - 1) * d + 1 - n, 0)`` cells in total, half before and the rest
  (the extra cell when the total is odd) after.

Numbers: float32 stays float32 (the fast path, with float32 matmuls) and float64 stays
float64; any other real input (integers, booleans, float16) is computed in float64. A kernel or
gradient of another dtype is cast to the input's. NaN and infinity follow IEEE arithmetic: they spread to every
output whose window (or kernel product) touches them.
"""

from __future__ import annotations

from cnndemo._checks import check_padding
from cnndemo.conv import (
    conv1d,
    conv1d_backward,
    conv2d,
    conv2d_backward,
    input_grad_route,
)
from cnndemo.conv_transpose import (
    conv_transpose1d,
    conv_transpose1d_backward,
    conv_transpose2d,
    conv_transpose2d_backward,
    conv_transpose_size,
)
from cnndemo.explain import axis
from cnndemo.pooling import (
    global_pool,
    global_pool_backward,
    pool1d,
    pool1d_backward,
    pool2d,
    pool2d_backward,
)

__all__ = [
    "conv1d",
    "conv1d_backward",
    "conv2d",
    "conv2d_backward",
    "conv_transpose1d",
    "conv_transpose1d_backward",
    "conv_transpose2d",
    "conv_transpose2d_backward",
    "conv_transpose_size",
    "global_pool",
    "global_pool_backward",
    "input_grad_route",
    "output_size",
    "padding_amounts",
    "pool1d",
    "pool1d_backward",
    "pool2d",
    "pool2d_backward",
]

# ---------------------------------------------------------------------------------------------
# Argument checking and shape arithmetic


def output_size(n: int, k: int, stride: int = 1, padding: str = "valid", dilation: int = 1) -> int:
    """Length of a convolution or pooling output along one axis.

    Parameters
    ----------
    n : int
        Input length along the axis.
    k : int
        Window (kernel or pool) length along the axis.
    stride, dilation : int
        Step between windows, and between taps inside a window.
    padding : {"valid", "same"}
        ``"valid"``: ``floor((n - ((k - 1) * dilation + 1)) / stride) + 1``;
        ``"same"``: ``ceil(n / stride)``.

    Returns
    -------
    int
        The output length.
    """
    return axis(n, k, stride, check_padding(padding), dilation).require().out


def padding_amounts(
    n: int, k: int, stride: int = 1, padding: str = "valid", dilation: int = 1
) -> tuple[int, int]:
    """Cells added before and after one axis, by TensorFlow's rule.

    Parameters
    ----------
    n, k, stride, padding, dilation
        As in :func:`output_size`.

    Returns
    -------
    (before, after) : tuple of int
        ``(0, 0)`` for ``"valid"``. For ``"same"`` the total
        ``max((ceil(n / stride) - 1) * stride + (k - 1) * dilation + 1 - n, 0)`` is split with
        the extra cell at the end, so window ``i`` covers padded cells
        ``i * stride + j * dilation`` for ``j < k``, that is input index minus ``before``.
    """
    plan = axis(n, k, stride, check_padding(padding), dilation).require()
    return plan.before, plan.after
