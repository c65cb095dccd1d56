"""Convolution as plain loops, forward and backward side by side.

Forward, every output number is a sum of products ``cell * weight``: one product per kernel
tap and input channel. Backward, each product hands the output's gradient to its two factors:
``grad * weight`` to the cell it read and ``grad * cell`` to the weight. A cell or weight that
takes part in many products adds up its shares. A padded cell is not an input, so its share
is dropped (it still reads as 0 in the weight's share).

The loops over batch, output positions and kernel taps are written once per dimension
(:func:`_taps_1d`, :func:`_taps_2d`); each function below adds its loops over channels.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike

from cnndemo.reference import checks
from cnndemo.reference.sizes import output_size, padding_amounts

# ---------------------------------------------------------------------------------------------
# 1D


def _taps_1d(
    batch: int, out_width: int, k_width: int, stride: int, dilation: int, left: int
) -> Iterator[tuple[int, int, int, int]]:
    """Every ``(b, t, j, p)``: example ``b``, output position ``t``, kernel tap ``j``, and the
    input position ``p`` that tap reads (below 0 or past the end when it is a padded cell)."""
    for b in range(batch):
        for t in range(out_width):
            for j in range(k_width):
                yield b, t, j, t * stride + j * dilation - left


def _conv1d_setup(x, kernel, stride, padding, dilation, op):
    """Checked arrays, the output shape ``(batch, out_width, out)`` and the taps to visit."""
    x = checks.real_array(x, 3, op, "input", "batch, width, channels")
    kernel = checks.real_array(kernel, 3, op, "kernel", "width, in, out")
    batch, width, channels = x.shape
    k_width, kernel_in, out_channels = kernel.shape
    checks.same_channels(kernel_in, channels)
    stride, dilation = checks.whole(stride, "stride"), checks.whole(dilation, "dilation")
    padding = checks.padding_word(padding)
    out_width = output_size(width, k_width, stride, padding, dilation)
    left, _ = padding_amounts(width, k_width, stride, padding, dilation)
    taps = _taps_1d(batch, out_width, k_width, stride, dilation, left)
    return x, kernel, (batch, out_width, out_channels), taps


def conv1d(
    x: ArrayLike, kernel: ArrayLike, stride: int = 1, padding: str = "valid", dilation: int = 1
) -> np.ndarray:
    """Slide a kernel along each sequence of vectors; each stop gives one output vector.

    ``out[b, t, o]`` is the sum over taps ``j`` and input channels ``c`` of
    ``cell(b, t * stride + j * dilation - left, c) * kernel[j, c, o]``, where a cell outside
    the sequence (padding) reads as 0. This is cross-correlation, as TensorFlow computes it: the
    kernel is not flipped.

    Parameters
    ----------
    x : ndarray, shape (batch, width, in)
        A batch of sequences of ``in``-vectors.
    kernel : ndarray, shape (k_width, in, out)
        For every tap, an ``in x out`` matrix.
    stride : int
        How far the kernel moves between two outputs.
    padding : {"valid", "same"}
        ``"valid"``: only stops where the kernel fits. ``"same"``: zeros added by
        :func:`padding_amounts` so there are ``ceil(width / stride)`` stops.
    dilation : int
        Distance between two taps of the kernel (1: neighbours).

    Returns
    -------
    ndarray, shape (batch, out_width, out), float64
        ``out_width = output_size(width, k_width, stride, padding, dilation)``.
    """
    x, kernel, out_shape, taps = _conv1d_setup(x, kernel, stride, padding, dilation, "conv1d")
    width, channels = x.shape[1:]
    out = np.zeros(out_shape)
    for b, t, j, p in taps:
        for c in range(channels):
            cell = x[b, p, c] if 0 <= p < width else 0.0  # a padded cell reads as 0
            for o in range(out_shape[2]):
                out[b, t, o] += cell * kernel[j, c, o]
    return out


def conv1d_backward(
    x: ArrayLike,
    kernel: ArrayLike,
    grad_out: ArrayLike,
    stride: int = 1,
    padding: str = "valid",
    dilation: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Send the gradient of :func:`conv1d`'s output back to its input and kernel.

    The same loops as the forward pass. Each product ``cell * kernel[j, c, o]`` that went into
    ``out[b, t, o]`` adds ``grad_out[b, t, o] * kernel[j, c, o]`` to the cell's gradient and
    ``grad_out[b, t, o] * cell`` to the weight's.

    Parameters
    ----------
    x, kernel, stride, padding, dilation
        What :func:`conv1d` was called with.
    grad_out : ndarray, shape (batch, out_width, out)
        ``d loss / d out``: how much the loss changes per unit of each output number.

    Returns
    -------
    (grad_x, grad_kernel) : tuple of ndarray
        Shaped like ``x`` ``(batch, width, in)`` and ``kernel`` ``(k_width, in, out)``.
    """
    op = "conv1d_backward"
    x, kernel, out_shape, taps = _conv1d_setup(x, kernel, stride, padding, dilation, op)
    grad = checks.gradient(grad_out, out_shape)
    width, channels = x.shape[1:]
    grad_x, grad_kernel = np.zeros(x.shape), np.zeros(kernel.shape)
    for b, t, j, p in taps:
        inside = 0 <= p < width
        for c in range(channels):
            cell = x[b, p, c] if inside else 0.0
            for o in range(out_shape[2]):
                grad_kernel[j, c, o] += grad[b, t, o] * cell
                if inside:  # padding is not an input: its share goes nowhere
                    grad_x[b, p, c] += grad[b, t, o] * kernel[j, c, o]
    return grad_x, grad_kernel


# ---------------------------------------------------------------------------------------------
# 2D


def _taps_2d(
    out_shape: tuple[int, ...], k_h: int, k_w: int, steps: tuple[int, ...], top: int, left: int
) -> Iterator[tuple[int, int, int, int, int, int, int]]:
    """Every ``(b, oy, ox, i, j, r, q)``: example, output row and column, kernel tap row and
    column, and the input cell ``(r, q)`` that tap reads (outside the grid when padded)."""
    batch, out_h, out_w, _ = out_shape
    sy, sx, dy, dx = steps
    for b in range(batch):
        for oy in range(out_h):
            for ox in range(out_w):
                for i in range(k_h):
                    for j in range(k_w):
                        yield b, oy, ox, i, j, oy * sy + i * dy - top, ox * sx + j * dx - left


def _conv2d_setup(x, kernel, stride, padding, dilation, op):
    """Checked arrays, the output shape ``(batch, out_h, out_w, out)`` and the taps to visit."""
    x = checks.real_array(x, 4, op, "input", "batch, height, width, channels")
    kernel = checks.real_array(kernel, 4, op, "kernel", "height, width, in, out")
    batch, height, width, channels = x.shape
    k_h, k_w, kernel_in, out_channels = kernel.shape
    checks.same_channels(kernel_in, channels)
    (sy, sx), (dy, dx) = checks.pair(stride, "stride"), checks.pair(dilation, "dilation")
    padding = checks.padding_word(padding)
    out_h = output_size(height, k_h, sy, padding, dy)
    out_w = output_size(width, k_w, sx, padding, dx)
    top, _ = padding_amounts(height, k_h, sy, padding, dy)
    left, _ = padding_amounts(width, k_w, sx, padding, dx)
    out_shape = (batch, out_h, out_w, out_channels)
    return x, kernel, out_shape, _taps_2d(out_shape, k_h, k_w, (sy, sx, dy, dx), top, left)


def conv2d(
    x: ArrayLike,
    kernel: ArrayLike,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    """Slide a kernel over each grid of vectors, row by row; each stop gives one output vector.

    ``out[b, oy, ox, o]`` is the sum over tap rows ``i``, tap columns ``j`` and input channels
    ``c`` of ``cell(b, oy * stride_y + i * dilation_y - top, ox * stride_x + j * dilation_x -
    left, c) * kernel[i, j, c, o]``, where a cell outside the grid (padding) reads as 0.

    Parameters
    ----------
    x : ndarray, shape (batch, height, width, in)
        A batch of grids of ``in``-vectors.
    kernel : ndarray, shape (k_h, k_w, in, out)
        For every tap, an ``in x out`` matrix.
    stride, dilation : int or (int, int)
        Step between stops, and between taps; one number for both axes or ``(y, x)``.
    padding : {"valid", "same"}
        As in :func:`conv1d`, along each axis.

    Returns
    -------
    ndarray, shape (batch, out_h, out_w, out), float64
        ``out_h = output_size(height, k_h, stride_y, padding, dilation_y)``, likewise ``out_w``.
    """
    x, kernel, out_shape, taps = _conv2d_setup(x, kernel, stride, padding, dilation, "conv2d")
    height, width, channels = x.shape[1:]
    out = np.zeros(out_shape)
    for b, oy, ox, i, j, r, q in taps:
        inside = 0 <= r < height and 0 <= q < width
        for c in range(channels):
            cell = x[b, r, q, c] if inside else 0.0  # a padded cell reads as 0
            for o in range(out_shape[3]):
                out[b, oy, ox, o] += cell * kernel[i, j, c, o]
    return out


def conv2d_backward(
    x: ArrayLike,
    kernel: ArrayLike,
    grad_out: ArrayLike,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Send the gradient of :func:`conv2d`'s output back to its input and kernel.

    As :func:`conv1d_backward`, with one axis more: each product ``cell * kernel[i, j, c,
    o]`` that went into ``out[b, oy, ox, o]`` adds ``grad_out[b, oy, ox, o]`` times the other
    factor to each factor's gradient.

    Parameters
    ----------
    x, kernel, stride, padding, dilation
        What :func:`conv2d` was called with.
    grad_out : ndarray, shape (batch, out_h, out_w, out)
        ``d loss / d out``.

    Returns
    -------
    (grad_x, grad_kernel) : tuple of ndarray
        Shaped like ``x`` ``(batch, height, width, in)`` and ``kernel`` ``(k_h, k_w, in, out)``.
    """
    op = "conv2d_backward"
    x, kernel, out_shape, taps = _conv2d_setup(x, kernel, stride, padding, dilation, op)
    grad = checks.gradient(grad_out, out_shape)
    height, width, channels = x.shape[1:]
    grad_x, grad_kernel = np.zeros(x.shape), np.zeros(kernel.shape)
    for b, oy, ox, i, j, r, q in taps:
        inside = 0 <= r < height and 0 <= q < width
        for c in range(channels):
            cell = x[b, r, q, c] if inside else 0.0
            for o in range(out_shape[3]):
                grad_kernel[i, j, c, o] += grad[b, oy, ox, o] * cell
                if inside:  # padding is not an input: its share goes nowhere
                    grad_x[b, r, q, c] += grad[b, oy, ox, o] * kernel[i, j, c, o]
    return grad_x, grad_kernel
