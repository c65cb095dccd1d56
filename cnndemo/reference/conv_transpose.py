"""Transposed convolution as a plain loop: every input cell spreads ``cell * kernel`` back over
the window a convolution would have read it from.

A convolution gathers: output ``t`` is the sum over taps ``j`` of
``input[t * stride + j * dilation - before] * kernel[j]``. Its transpose scatters the same
products the other way: input cell ``t`` of the transposed convolution adds
``y[t] * kernel[j]`` to result cell ``t * stride + j * dilation - before``. Overlapping windows
add up. With the same kernel (``(k_h, k_w, in, out)``), ``y`` has ``out`` channels and the
result ``in``.

Result length per axis: ``(n - 1) * stride - 2 * p + dilation * (k - 1) + output_padding + 1``
for ``padding`` "valid" (``p = 0``) or a whole number ``p``; ``n * stride`` for "same", whose
``before`` is that of a SAME convolution over ``n * stride`` cells.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from cnndemo.reference import checks
from cnndemo.reference.sizes import padding_amounts


def _axis(n: int, k: int, stride: int, padding, dilation: int, extra: int) -> tuple[int, int]:
    """(result length, cells cut from the start of the full scatter) along one axis."""
    span = (k - 1) * dilation + 1
    if padding == "same":
        length = n * stride
        before, _ = padding_amounts(length, k, stride, "same", dilation)
        return length, before
    before = 0 if padding == "valid" else int(padding)
    return (n - 1) * stride - 2 * before + span + extra, before


def conv_transpose2d(
    y: ArrayLike,
    kernel: ArrayLike,
    stride=1,
    padding="valid",
    dilation=1,
    output_padding=0,
) -> np.ndarray:
    """Scatter every cell of ``y`` through the kernel (the loop of the module docstring).

    Parameters
    ----------
    y : ndarray, shape (batch, n_h, n_w, out)
    kernel : ndarray, shape (k_h, k_w, in, out)
    stride, dilation : int or (int, int)
    padding : "valid", "same", a whole number >= 0, or a (rows, columns) pair of these
    output_padding : int or (int, int)

    Returns
    -------
    ndarray, shape (batch, out_h, out_w, in), float64
    """
    y = checks.real_array(y, 4, "conv_transpose2d", "input", "batch, height, width, out")
    kernel = checks.real_array(kernel, 4, "conv_transpose2d", "kernel", "height, width, in, out")
    batch, n_h, n_w, _ = y.shape
    k_h, k_w, in_channels, out_channels = kernel.shape
    (sy, sx), (dy, dx) = checks.pair(stride, "stride"), checks.pair(dilation, "dilation")
    pad_y, pad_x = padding if isinstance(padding, tuple | list) else (padding, padding)
    extra = output_padding if isinstance(output_padding, tuple | list) else (output_padding,) * 2
    out_h, top = _axis(n_h, k_h, sy, pad_y, dy, extra[0])
    out_w, left = _axis(n_w, k_w, sx, pad_x, dx, extra[1])
    result = np.zeros((batch, out_h, out_w, in_channels))
    for b in range(batch):
        for r in range(n_h):
            for c in range(n_w):
                for i in range(k_h):
                    for j in range(k_w):
                        row = r * sy + i * dy - top
                        col = c * sx + j * dx - left
                        if not (0 <= row < out_h and 0 <= col < out_w):
                            continue  # lands in padding: cut away
                        for m in range(in_channels):
                            for o in range(out_channels):
                                result[b, row, col, m] += y[b, r, c, o] * kernel[i, j, m, o]
    return result


def conv_transpose1d(
    y: ArrayLike, kernel: ArrayLike, stride=1, padding="valid", dilation=1, output_padding=0
) -> np.ndarray:
    """:func:`conv_transpose2d` along one axis: ``y`` (batch, n, out), ``kernel`` (k, in, out)."""
    y = checks.real_array(y, 3, "conv_transpose1d", "input", "batch, width, out")
    kernel = checks.real_array(kernel, 3, "conv_transpose1d", "kernel", "width, in, out")
    return conv_transpose2d(
        y[:, None], kernel[None], (1, stride), ("valid", padding), (1, dilation),
        (0, output_padding),
    )[:, 0]  # fmt: skip
