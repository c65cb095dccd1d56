"""Windows of a channels-last grid: padding, per-tap views, and im2col followed by a matmul.

Everything works on 4D arrays (batch, height, width, channels); 1D callers add a height of 1.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import as_strided

# Below this many input channels the full correlation is a thin matrix-vector product.
NARROW_CHANNELS = 4

# An im2col copies each window as a few contiguous runs (a window row of kw * channels cells,
# or one cell's channels when the columns are dilated). Runs shorter than this many bytes are
# cheaper to copy tap by tap (tap_major_cols: one long copy per kernel tap).
MIN_RUN_BYTES = 32

# Size of one im2col block in bytes. A block this size is still in the L2 cache when the
# matmul reads it, which makes the copy almost free; one big im2col costs about 1.5x more.
BLOCK_BYTES = 2 << 20


def pad(x: np.ndarray, top: int, bottom: int, left: int, right: int, fill: float) -> np.ndarray:
    """Surround the grid with ``fill``; no copy at all when nothing is padded (the common case)."""
    if not (top or bottom or left or right):
        return x
    batch, height, width, channels = x.shape
    shape = (batch, height + top + bottom, width + left + right, channels)
    # np.zeros (calloc) fills 2-3x faster than np.full: (64,30,30,1) in 4 us against 12 us.
    padded = np.zeros(shape, x.dtype) if fill == 0 else np.full(shape, fill, x.dtype)
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
    if channels == 1 and sx == 1 and batch * out_h * kh * kw >= 256:
        # One input channel: a tap's row of outputs reads one contiguous run of out_w cells,
        # so all taps are one copy of opaque runs (measured 2x faster than copying by tap;
        # below a few hundred runs the views cost more than they save).
        padded = np.ascontiguousarray(padded)
        sb, sh, sw, _ = padded.strides
        size = out_w * padded.itemsize
        rows = opaque_runs(padded, size, (kh, kw, batch, out_h), (sh * dy, sw * dx, sb, sh * sy))
        return np.ascontiguousarray(rows).view(padded.dtype).reshape(kh * kw, -1)
    cols = np.empty((kh, kw, channels, batch, out_h, out_w), dtype=padded.dtype)
    # One transposed view up front: np.moveaxis per tap costs more than a tiny copy.
    by_tap = cols.transpose(0, 1, 3, 4, 5, 2)
    for i in range(kh):
        for j in range(kw):
            by_tap[i, j] = tap_view(padded, i * dy, j * dx, out_h, out_w, sy, sx)
    return cols.reshape(kh * kw * channels, batch * out_h * out_w)


def opaque_runs(
    padded: np.ndarray, size: int, shape: tuple[int, ...], strides: tuple[int, ...]
) -> np.ndarray:
    """Read-only view of C-contiguous ``padded`` whose elements are opaque runs of ``size``
    bytes, one at each of ``strides``. NumPy copies a strided array one innermost run at a time,
    so making each contiguous run a single element cuts its per-run overhead. Built with the
    ndarray constructor, which checks that the view stays inside ``padded`` (and costs 1 us
    against 9 us for ``as_strided``)."""
    view = np.ndarray(shape, np.dtype((np.void, size)), padded, 0, strides)
    view.flags.writeable = False
    return view


def run_bytes(kw: int, channels: int, dx: int, itemsize: int) -> int:
    """Bytes in one contiguous run of a window: a whole window row unless columns are dilated."""
    return (kw if dx == 1 else 1) * channels * itemsize


def window_runs(
    padded: np.ndarray, out_h: int, out_w: int, kh: int, kw: int, steps: tuple[int, ...]
) -> np.ndarray:
    """Read-only view (batch, out_h, out_w, runs) of every window as opaque byte runs.

    Copying it in C order gives the im2col (viewed back as numbers). Each contiguous run of a
    window is one element (see ``opaque_runs``): measured 1.3-1.5x faster than copying the
    (kh, kw, channels) view of the same windows, and the whole forward of
    (32,32,32,16) * (3,3,16,32) 1.15x faster.
    """
    sy, sx, dy, dx = steps
    padded = np.ascontiguousarray(padded)
    batch, _, _, channels = padded.shape
    sb, sh, sw, _ = padded.strides
    size = run_bytes(kw, channels, dx, padded.itemsize)
    if dx == 1:
        shape, strides = (kh,), (sh * dy,)
    else:
        shape, strides = (kh, kw), (sh * dy, sw * dx)
    return opaque_runs(
        padded, size, (batch, out_h, out_w, *shape), (sb, sh * sy, sw * sx, *strides)
    )


def im2col_blocks(
    padded: np.ndarray, kh: int, kw: int, out_h: int, out_w: int, steps: tuple[int, ...]
) -> Iterator[tuple[tuple, np.ndarray]]:
    """(index, cols) per block of outputs: ``cols`` (rows, kh * kw * channels) holds the
    windows of the outputs ``out[index]``, copied just before use so it is still in cache.
    Windows with runs under ``MIN_RUN_BYTES`` come as one block, the transposed tap-major
    im2col."""
    channels = padded.shape[3]
    if run_bytes(kw, channels, steps[3], padded.itemsize) < MIN_RUN_BYTES:
        yield (slice(None),), tap_major_cols(padded, kh, kw, out_h, out_w, steps).T
        return
    taps = kh * kw * channels
    windows = window_runs(padded, out_h, out_w, kh, kw, steps)
    for index in blocks(padded.shape[0], out_h, out_w, taps * padded.itemsize):
        yield index, np.ascontiguousarray(windows[index]).view(padded.dtype).reshape(-1, taps)


def correlate(
    padded: np.ndarray, kernel: np.ndarray, out_h: int, out_w: int, steps: tuple[int, ...]
) -> np.ndarray:
    """Valid cross-correlation of an already padded input: im2col and matmul."""
    kh, kw, channels, out_channels = kernel.shape
    flat_kernel = kernel.reshape(kh * kw * channels, out_channels)
    out = np.empty((padded.shape[0], out_h, out_w, out_channels), dtype=padded.dtype)
    for index, cols in im2col_blocks(padded, kh, kw, out_h, out_w, steps):
        np.matmul(cols, flat_kernel, out=out[index].reshape(-1, out_channels))
    return out


def spread(
    grad: np.ndarray, kernel: np.ndarray, shifts: list[tuple[int, int, int, int]]
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
    every_tap = None
    if channels == 1:
        # One matmul for all taps: per tap it would be a matrix-vector product.
        every_tap = (kernel.reshape(kh * kw, out_channels) @ flat_grad.T).reshape(kh, kw, cells, 1)

        def tap_product(i: int, j: int) -> np.ndarray:
            return every_tap[i, j]
    else:
        product = np.empty((cells, channels), dtype=grad.dtype)

        def tap_product(i: int, j: int) -> np.ndarray:
            return np.matmul(flat_grad, kernel[i, j].T, out=product)

    # A tap that lands entirely off the grid (a huge dilation) adds nothing.
    shifts = [s for s in shifts if abs(s[2]) < height and abs(s[3]) < width]
    unshifted = [s for s in shifts if s[2] == s[3] == 0]
    if unshifted:
        # The unshifted tap covers every cell: it starts the sum, saving a zero fill and an add.
        i, j, _, _ = unshifted[0]
        total = every_tap[i, j].copy() if channels == 1 else flat_grad @ kernel[i, j].T
        shifts.remove(unshifted[0])
    else:
        total = np.zeros((cells, channels), dtype=grad.dtype)
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
    grad: np.ndarray, kernel: np.ndarray, padded_shape: tuple[int, ...], dy: int
) -> np.ndarray:
    """Stride-1 transposed convolution onto the padded input grid, a kernel row at a time.

    For horizontal dilation 1. The gradient is zero-extended onto the padded grid (with a zero
    margin in front), so the cells feeding one input cell through one kernel row are
    ``kw`` consecutive cells: one contiguous run of ``kw * out_channels`` numbers. Taking
    every ``kw``-th cell as a matrix row (one matmul per phase), those runs tile memory
    exactly, so each is a plain reshape of the gradient: one matmul per kernel row and phase
    with ``kw`` taps at once, no im2col, and only one add per kernel row. Measured on 2
    threads: 1.1-1.8x faster than ``spread`` of the extended gradient from 2 input channels up.
    """
    batch, height, width, channels = padded_shape
    kh, kw, _, out_channels = kernel.shape
    out_h, out_w = grad.shape[1], grad.shape[2]
    cells = batch * height * width
    lead = (kh - 1) * dy * width + kw - 1
    rows = -(-cells // kw)
    extended = np.zeros((lead + rows * kw, out_channels), dtype=grad.dtype)
    on_grid = extended[lead : lead + cells].reshape(batch, height, width, out_channels)
    on_grid[:, :out_h, :out_w] = grad
    flat = extended.reshape(-1)
    total = np.empty((rows * kw, channels), dtype=grad.dtype)
    kernel_row_sum = np.empty_like(total) if kh > 1 else total
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
    grad: np.ndarray, kernel: np.ndarray, padded_shape: tuple[int, ...], sy: int, sx: int
) -> np.ndarray:
    """Strided transposed convolution (no dilation) as ``sy * sx`` stride-1 ones.

    Padded row ``sy * u + a`` only ever receives taps ``i = a, a + sy, ...``, from output rows
    ``u - (i - a) // sy``; likewise for columns. So each phase (a, b) of the padded grid is a
    stride-1 transposed convolution of the whole gradient with the sub-kernel
    ``kernel[a::sy, b::sx]``, done by ``spread_rows``. Measured on 2 threads: 1.1-2.9x faster
    than col2im, whose strided adds move only ``channels`` numbers at a time. Every phase needs
    a tap (kernel at least as large as the stride).
    """
    total = np.empty(padded_shape, dtype=grad.dtype)
    batch, _, _, channels = padded_shape
    for a in range(sy):
        for b in range(sx):
            phase = total[:, a::sy, b::sx]
            phase_shape = (batch, phase.shape[1], phase.shape[2], channels)
            phase[...] = spread_rows(grad, kernel[a::sy, b::sx], phase_shape, 1)
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
