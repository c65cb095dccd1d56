"""Windows of a channels-last grid: padding, per-tap views, and im2col followed by a matmul.

Everything works on 4D arrays (batch, height, width, channels); 1D callers add a height of 1.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

# Below this many input channels the tap-major im2col (one contiguous copy per kernel tap)
# beats copying whole windows, whose contiguous runs are then only k_w * channels long.
NARROW_CHANNELS = 4

# Size of one im2col block in bytes. A block this size is still in the L2 cache when the
# matmul reads it, which makes the copy almost free; one big im2col costs about 1.5x more.
BLOCK_BYTES = 2 << 20


def pad(x: np.ndarray, top: int, bottom: int, left: int, right: int, fill: float) -> np.ndarray:
    """Surround the grid with ``fill``; no copy at all when nothing is padded (the common case)."""
    if not (top or bottom or left or right):
        return x
    batch, height, width, channels = x.shape
    padded = np.full(
        (batch, height + top + bottom, width + left + right, channels), fill, dtype=x.dtype
    )
    padded[:, top : top + height, left : left + width] = x
    return padded


def tap_view(
    padded: np.ndarray, i: int, j: int, out_h: int, out_w: int, sy: int, sx: int
) -> np.ndarray:
    """View of the cells that tap (i, j) (already scaled by dilation) sees at every output."""
    return padded[:, i : i + (out_h - 1) * sy + 1 : sy, j : j + (out_w - 1) * sx + 1 : sx]


def window_view(
    padded: np.ndarray, out_h: int, out_w: int, kh: int, kw: int, sy: int, sx: int, dy: int, dx: int
) -> np.ndarray:
    """Read-only view (batch, out_h, out_w, kh, kw, channels) of every window; no copy."""
    sb, sh, sw, sc = padded.strides
    return as_strided(
        padded,
        (padded.shape[0], out_h, out_w, kh, kw, padded.shape[3]),
        (sb, sh * sy, sw * sx, sh * dy, sw * dx, sc),
        writeable=False,
    )


def blocks(batch: int, out_h: int, out_w: int, row_bytes: int) -> list[tuple]:
    """Index tuples splitting (batch, out_h) into blocks of about BLOCK_BYTES of im2col rows."""
    rows = max(1, BLOCK_BYTES // row_bytes)
    per_image = out_h * out_w
    if per_image <= rows:
        step = rows // per_image
        return [(slice(b, b + step),) for b in range(0, batch, step)]
    step = max(1, rows // out_w)
    return [(b, slice(y, y + step)) for b in range(batch) for y in range(0, out_h, step)]


def tap_major_cols(
    padded: np.ndarray, kh: int, kw: int, out_h: int, out_w: int, steps: tuple[int, ...]
) -> np.ndarray:
    """im2col as (kh * kw * channels, batch * out_h * out_w), built with one copy per tap."""
    sy, sx, dy, dx = steps
    batch, _, _, channels = padded.shape
    cols = np.empty((kh, kw, channels, batch, out_h, out_w), dtype=padded.dtype)
    # One transposed view up front: np.moveaxis per tap costs more than a tiny copy.
    by_tap = cols.transpose(0, 1, 3, 4, 5, 2)
    for i in range(kh):
        for j in range(kw):
            by_tap[i, j] = tap_view(padded, i * dy, j * dx, out_h, out_w, sy, sx)
    return cols.reshape(kh * kw * channels, batch * out_h * out_w)


def correlate(
    padded: np.ndarray, kernel: np.ndarray, out_h: int, out_w: int, steps: tuple[int, ...]
) -> np.ndarray:
    """Valid cross-correlation of an already padded input: im2col and matmul."""
    kh, kw, channels, out_channels = kernel.shape
    taps = kh * kw * channels
    flat_kernel = kernel.reshape(taps, out_channels)
    batch = padded.shape[0]
    if channels < NARROW_CHANNELS:
        cols = tap_major_cols(padded, kh, kw, out_h, out_w, steps)
        return (cols.T @ flat_kernel).reshape(batch, out_h, out_w, out_channels)
    windows = window_view(padded, out_h, out_w, kh, kw, *steps)
    out = np.empty((batch, out_h, out_w, out_channels), dtype=padded.dtype)
    for index in blocks(batch, out_h, out_w, taps * padded.itemsize):
        block = out[index]
        np.matmul(
            windows[index].reshape(-1, taps), flat_kernel, out=block.reshape(-1, out_channels)
        )
    return out


def spread_flat(
    grad: np.ndarray, kernel: np.ndarray, padded_shape: tuple[int, ...], dy: int, dx: int
) -> np.ndarray:
    """Stride-1 transposed convolution: the gradient of a padded input, shaped ``padded_shape``.

    Seen as one long row of cells (batch * height * width), tap (i, j) of every window sits a
    fixed distance ``i * dy * width + j * dx`` after the window's first cell. So each tap's
    contribution is one matmul of the whole (zero-extended) gradient, added to a contiguous
    slice: no im2col copy at all. Cells whose window would wrap past a row end carry a zero
    gradient, so the wrap adds nothing.
    """
    batch, height, width, channels = padded_shape
    kh, kw, _, out_channels = kernel.shape
    out_h, out_w = grad.shape[1], grad.shape[2]
    rows = batch * height * width - ((kh - 1) * dy * width + (kw - 1) * dx)
    extended = pad(grad, 0, height - out_h, 0, width - out_w, 0.0)
    flat_grad = extended.reshape(-1, out_channels)[:rows]
    spread = np.zeros((batch * height * width, channels), dtype=grad.dtype)
    product = np.empty((rows, channels), dtype=grad.dtype)
    for i in range(kh):
        for j in range(kw):
            np.matmul(flat_grad, kernel[i, j].T, out=product)
            start = i * dy * width + j * dx
            spread[start : start + rows] += product
    return spread.reshape(padded_shape)


def spread_same(
    grad: np.ndarray, kernel: np.ndarray, shifts: list[tuple[int, int, int, int]]
) -> np.ndarray:
    """Stride-1 transposed convolution onto the output's own grid ("same" padding at stride 1).

    ``shifts`` holds ``(i, j, shift_y, shift_x)`` per tap: tap (i, j) carries the gradient at
    output (y, x) to input cell (y + shift_y, x + shift_x). Seen as one long row of cells, that
    is a fixed distance ``shift_y * width + shift_x``, so each tap is one matmul of the whole
    gradient, added to a contiguous slice. Products whose target falls off the grid would wrap
    into the next row or image instead, so they are zeroed first. Unlike ``spread_flat`` this
    needs no padded copies: no zero-extended gradient and no crop of a padded result.
    """
    batch, height, width, out_channels = grad.shape
    channels = kernel.shape[2]
    cells = batch * height * width
    flat_grad = grad.reshape(cells, out_channels)
    # A tap that lands entirely off the grid (a huge dilation) adds nothing.
    shifts = [s for s in shifts if abs(s[2]) < height and abs(s[3]) < width]
    unshifted = [s for s in shifts if s[2] == s[3] == 0]
    if unshifted:
        # The unshifted tap covers every cell: it starts the sum, saving a zero fill and an add.
        i, j, _, _ = unshifted[0]
        spread = flat_grad @ kernel[i, j].T
        shifts.remove(unshifted[0])
    else:
        spread = np.zeros((cells, channels), dtype=grad.dtype)
    product = np.empty((cells, channels), dtype=grad.dtype)
    grid = product.reshape(batch, height, width, channels)
    for i, j, shift_y, shift_x in shifts:
        np.matmul(flat_grad, kernel[i, j].T, out=product)
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
            spread[offset:] += product[: cells - offset]
        else:
            spread[: cells + offset] += product[-offset:]
    return spread.reshape(batch, height, width, channels)


def spread_flat_pays(
    padded_shape: tuple[int, ...], out_h: int, out_w: int, out_channels: int
) -> bool:
    """Whether ``spread_flat`` beats the full correlation. Its per-tap matmuls reduce over the
    output channels, so they are efficient when those outnumber the input channels (as layers
    that widen do); and it computes every cell of the padded grid, so the outputs must cover
    most of it. Measured on 2 threads: 1.2-1.7x faster on (32,32,32,8|16) * (3,3,.,32), up to
    1.6x slower with more input than output channels or small outputs of large kernels."""
    covered = padded_shape[1] * padded_shape[2] <= 1.5 * out_h * out_w
    return covered and out_channels > padded_shape[3]


def spread_same_pays(kernel: np.ndarray) -> bool:
    """Whether ``spread_same`` beats the other input-gradient routes. Like ``spread_flat`` its
    matmuls reduce over the output channels, so there must be at least as many of those as input
    channels; with one input channel each tap is a matrix-vector product, and scattering the
    taps (col2im) is faster. Measured on 2 threads: 1.3-2.3x faster than the next best route
    from (32,32,32,8) to (64,14,14,32) inputs, 4-6x with 2 or 3 input channels; as fast with
    twice as many input channels as output channels, 1.7x slower with four times as many."""
    _, _, channels, out_channels = kernel.shape
    return 2 <= channels <= out_channels
