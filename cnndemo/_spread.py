"""Stride-1 and phase-split transposed convolutions: the input gradient without col2im.

Each function writes the gradient on a whole grid into an array it gets from ``alloc`` (a
callable like ``np.empty``: a new array when the result goes back to the caller, a lent work
buffer when the caller crops it); its own temporaries are work buffers
(:mod:`cnndemo._scratch`). Which one runs for which shape is :func:`cnndemo.conv.input_grad_route`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cnndemo._scratch import arena, scratch
from cnndemo._windows import fill_margins

Alloc = Callable[[tuple[int, ...], np.dtype], np.ndarray]


def spread(
    grad: np.ndarray,
    kernel: np.ndarray,
    shifts: list[tuple[int, int, int, int]],
    alloc: Alloc = np.empty,
) -> np.ndarray:
    """Stride-1 transposed convolution onto the gradient's own grid: the input gradient.

    ``shifts`` holds ``(i, j, shift_y, shift_x)`` per tap: tap (i, j) carries the gradient at
    (y, x) to cell (y + shift_y, x + shift_x) of the same grid. For "same" padding at stride 1
    that grid is the input's; otherwise the caller zero-extends ``grad`` to the padded input.
    Seen as one long row of cells, each shift is a fixed distance ``shift_y * width + shift_x``,
    so each tap is one matmul of the whole gradient added to a contiguous slice: no im2col, no
    strided adds. Products whose target falls off the grid would wrap into the next row or
    image instead, so they are zeroed first.
    """
    batch, height, width, out_channels = grad.shape
    kh, kw, channels, _ = kernel.shape
    cells = batch * height * width
    flat_grad = grad.reshape(cells, out_channels)
    total = alloc((cells, channels), grad.dtype)
    # A tap that lands entirely off the grid (a huge dilation) adds nothing.
    shifts = [s for s in shifts if abs(s[2]) < height and abs(s[3]) < width]
    with scratch((kh * kw if channels == 1 else 1, cells, channels), grad.dtype) as products:
        if channels == 1:
            # One matmul for all taps: per tap it would be a matrix-vector product.
            every_tap = products.reshape(kh, kw, cells, 1)
            np.matmul(kernel.reshape(kh * kw, out_channels), flat_grad.T, out=products[..., 0])

            def tap_product(i: int, j: int) -> np.ndarray:
                return every_tap[i, j]
        else:

            def tap_product(i: int, j: int) -> np.ndarray:
                return np.matmul(flat_grad, kernel[i, j].T, out=products[0])

        unshifted = [s for s in shifts if s[2] == s[3] == 0]
        if unshifted:
            # The unshifted tap covers every cell: it starts the sum, saving a zero fill and
            # an add.
            i, j, _, _ = unshifted[0]
            if channels == 1:
                np.copyto(total, every_tap[i, j])
            else:
                np.matmul(flat_grad, kernel[i, j].T, out=total)
            shifts.remove(unshifted[0])
        else:
            total.fill(0)
        for i, j, shift_y, shift_x in shifts:
            product = tap_product(i, j)
            grid = product.reshape(batch, height, width, channels)
            if shift_y > 0:
                grid[:, height - shift_y :] = 0
            elif shift_y < 0:
                grid[:, :-shift_y] = 0
            if shift_x > 0:
                grid[:, :, width - shift_x :] = 0
            elif shift_x < 0:
                grid[:, :, :-shift_x] = 0
            offset = shift_y * width + shift_x
            if offset >= 0:
                total[offset:] += product[: cells - offset]
            else:
                total[: cells + offset] += product[-offset:]
    return total.reshape(batch, height, width, channels)


def spread_rows(
    grad: np.ndarray,
    kernel: np.ndarray,
    padded_shape: tuple[int, ...],
    dy: int,
    alloc: Alloc = np.empty,
) -> np.ndarray:
    """Stride-1 transposed convolution onto the padded input grid, a kernel row at a time.

    For horizontal dilation 1. The gradient is zero-extended onto the padded grid (with a zero
    margin in front), so the cells feeding one input cell through one kernel row are
    ``kw`` consecutive cells: one contiguous run of ``kw * out_channels`` numbers. Taking
    every ``kw``-th cell as a matrix row (one matmul per phase), those runs tile memory
    exactly, so each is a plain reshape of the gradient: one matmul per kernel row and phase
    with ``kw`` taps at once, no im2col, and only one add per kernel row. Measured on 2
    threads: 1.1-1.8x faster than ``spread`` of the extended gradient from 2 input channels up.
    The result is a C-contiguous view of the first cells of a slightly longer ``alloc`` array
    (whole groups of ``kw`` cells).
    """
    batch, height, width, channels = padded_shape
    kh, kw, _, out_channels = kernel.shape
    out_h, out_w = grad.shape[1], grad.shape[2]
    cells = batch * height * width
    lead = (kh - 1) * dy * width + kw - 1
    rows = -(-cells // kw)
    total = alloc((rows * kw, channels), grad.dtype)
    with arena() as work:
        extended = work.empty((lead + rows * kw, out_channels), grad.dtype)
        extended[:lead] = 0
        extended[lead + cells :] = 0
        on_grid = extended[lead : lead + cells].reshape(batch, height, width, out_channels)
        on_grid[:, :out_h, :out_w] = grad
        fill_margins(on_grid, 0, out_h, 0, out_w, 0)
        flat = extended.reshape(-1)
        kernel_row_sum = work.empty(total.shape, grad.dtype) if kh > 1 else total
        run = kw * out_channels
        for i in range(kh):
            # Taps j = kw-1 .. 0 of row i read cells s - i*dy*width - j: ascending in memory.
            row_kernel = kernel[i, ::-1].transpose(0, 2, 1).reshape(run, channels)
            target = (total if i == 0 else kernel_row_sum).reshape(rows, kw, channels)
            for phase in range(kw):
                start = (lead + phase - i * dy * width - (kw - 1)) * out_channels
                gathered = flat[start : start + rows * run].reshape(rows, run)
                np.matmul(gathered, row_kernel, out=target[:, phase])
            if i:
                total += kernel_row_sum
    return total[:cells].reshape(padded_shape)


def spread_phases(
    grad: np.ndarray,
    kernel: np.ndarray,
    padded_shape: tuple[int, ...],
    sy: int,
    sx: int,
    alloc: Alloc = np.empty,
) -> np.ndarray:
    """Strided transposed convolution (no dilation) as ``sy * sx`` stride-1 ones.

    Padded row ``sy * u + a`` only ever receives taps ``i = a, a + sy, ...``, from output rows
    ``u - (i - a) // sy``; likewise for columns. So each phase (a, b) of the padded grid is a
    stride-1 transposed convolution of the whole gradient with the sub-kernel
    ``kernel[a::sy, b::sx]``, done by ``spread_rows``. Measured on 2 threads: 1.1-2.9x faster
    than col2im, whose strided adds move only ``channels`` numbers at a time. Every phase needs
    a tap (kernel at least as large as the stride).
    """
    total = alloc(padded_shape, grad.dtype)
    batch, _, _, channels = padded_shape
    for a in range(sy):
        for b in range(sx):
            phase = total[:, a::sy, b::sx]
            phase_shape = (batch, phase.shape[1], phase.shape[2], channels)
            with arena() as work:
                sub_kernel = kernel[a::sy, b::sx]
                phase[...] = spread_rows(grad, sub_kernel, phase_shape, 1, work.empty)
    return total


def spread_pays(kernel: np.ndarray) -> bool:
    """Whether ``spread`` beats the other input-gradient routes when the output grid is the
    input grid. Its matmuls reduce over the output channels, so there must be at least as many
    of those as input channels (one input channel takes one matmul for all taps). Measured on
    2 threads: 1.3-2.3x faster than the next best route from (64,28,28,1) to (64,14,14,32)
    inputs, 4-6x with 2 or 3 input channels; as fast with twice as many input as output
    channels, 1.7x slower with four times as many."""
    _, _, channels, out_channels = kernel.shape
    return channels <= out_channels


def spread_rows_pays(kernel: np.ndarray, dx: int) -> bool:
    """Whether ``spread_rows`` beats the full correlation and col2im. Its matmuls reduce over
    ``kw`` taps of output channels; measured on 2 threads it is 1.0-1.9x faster than the next
    best route from 2 input channels up to twice as many input as output channels, whatever
    the share of the padded grid the outputs cover, and 1.1-1.2x slower with 3-4 times as
    many. One input channel is left to ``spread`` of the extended gradient (faster there)."""
    _, _, channels, out_channels = kernel.shape
    return dx == 1 and 2 <= channels <= 2 * out_channels


def spread_extended_pays(
    padded_shape: tuple[int, ...], out_h: int, out_w: int, out_channels: int
) -> bool:
    """Whether ``spread`` of a gradient zero-extended to the padded grid beats the full
    correlation and col2im where ``spread_rows`` does not apply (one input channel, dilated
    columns). Beyond ``spread_pays`` it computes every cell of the padded grid, so the outputs
    must cover most of it. Measured on 2 threads: 1.2-1.7x faster than the full correlation
    on (32,32,32,8|16) * (3,3,.,32), 1.2x faster than col2im with one input channel; up to
    1.6x slower with more input than output channels or small outputs of large kernels."""
    covered = padded_shape[1] * padded_shape[2] <= 1.5 * out_h * out_w
    return covered and out_channels > padded_shape[3]
