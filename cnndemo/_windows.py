"""Windows of a channels-last grid: padding, per-tap views, and im2col followed by a matmul.

Everything works on 4D arrays (batch, height, width, channels); 1D callers add a height of 1.
Padded grids and im2col blocks are work buffers (:mod:`cnndemo._scratch`), lent for the call
and never returned; a forward picks its threads (:mod:`cnndemo._blas`, :mod:`cnndemo._lanes`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import as_strided

from cnndemo import _blas
from cnndemo._lanes import share
from cnndemo._scratch import scratch

# Below this many input channels the full correlation is a thin matrix-vector product.
NARROW_CHANNELS = 4

# An im2col copies each window as a few contiguous runs (a window row of kw * channels cells,
# or one cell's channels when the columns are dilated). Runs shorter than this many bytes are
# cheaper to copy tap-major (tap_major_windows: a tap's outputs at a time).
MIN_RUN_BYTES = 32

# Size of one im2col block in bytes. A block this size is still in the L2 cache when the
# matmul reads it, which makes the copy almost free; one big im2col costs about 1.5x more.
BLOCK_BYTES = 2 << 20

# The same for the tap-major im2col (short runs), whose matmul also writes an output block as
# large: (64,28,28,1) * (3,3,1,8) on one thread took 0.21 ms in blocks of 8-16 images
# (200-400 KB), 0.29 ms in one block, 0.34 ms in blocks of one image.
TAP_MAJOR_BLOCK_BYTES = 256 << 10

# Fewest blocks of long window runs worth sharing among lanes (correlate). Measured against
# BLAS's own two threads on (32,32,32,16) * (3,3,16,32): at stride 1 (8-9 blocks) 0.72-0.85x
# the time at load 0.5-2 and 0.6-0.7x at load 3; at stride 2 (2-3 blocks) 1.26x, and in
# smaller blocks (4-5 of 1 MB) 0.9-1.4x at load 2-4: not shared. Tap-major blocks (one
# channel) 1.5-2.1x, where handing the GIL back and forth between blocks of 40 us costs more
# than the second core gives: never shared.
SHARE_BLOCKS = 4


class padded:  # noqa: N801 - used like a function: ``with padded(x, ...) as grid``
    """Context manager giving ``x`` surrounded by ``fill`` as a C-contiguous grid.

    ``x`` itself when it is already C-contiguous and nothing is padded; otherwise a work
    buffer (:mod:`cnndemo._scratch`) valid inside the ``with`` block only, with only the
    margins filled and ``x`` copied into the middle.
    """

    __slots__ = ("_x", "_pads", "_fill", "_lent")

    def __init__(self, x: np.ndarray, pads: tuple[int, int, int, int], fill: float) -> None:
        self._x, self._pads, self._fill, self._lent = x, pads, fill, None

    def __enter__(self) -> np.ndarray:
        x = self._x
        top, bottom, left, right = self._pads
        if not (top or bottom or left or right) and x.flags.c_contiguous:
            return x
        batch, height, width, channels = x.shape
        shape = (batch, height + top + bottom, width + left + right, channels)
        self._lent = scratch(shape, x.dtype)
        grid = self._lent.__enter__()
        fill_margins(grid, top, shape[1] - bottom, left, shape[2] - right, self._fill)
        grid[:, top : top + height, left : left + width] = x
        return grid

    def __exit__(self, *exc_info: object) -> None:
        if self._lent is not None:
            self._lent.__exit__(*exc_info)
            self._lent = None


def fill_margins(grid: np.ndarray, y0: int, y1: int, x0: int, x1: int, fill: float) -> None:
    """Set every cell of ``grid`` outside rows ``y0:y1`` and columns ``x0:x1`` to ``fill``."""
    grid[:, :y0] = fill
    grid[:, y1:] = fill
    grid[:, y0:y1, :x0] = fill
    grid[:, y0:y1, x1:] = fill


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
    """Index tuples splitting (batch, out_h) into blocks of about ``BLOCK_BYTES`` of im2col
    rows."""
    rows = max(1, BLOCK_BYTES // row_bytes)
    per_image = out_h * out_w
    if per_image <= rows:
        step = rows // per_image
        return [(slice(b, b + step),) for b in range(0, batch, step)]
    step = max(1, rows // out_w)
    return [(b, slice(y, y + step)) for b in range(batch) for y in range(0, out_h, step)]


def tap_major_windows(
    padded: np.ndarray, kh: int, kw: int, out_h: int, out_w: int, steps: tuple[int, ...]
) -> np.ndarray:
    """Read-only view of C-contiguous ``padded`` whose C-order copy is the tap-major im2col
    (kh * kw * channels, batch * out_h * out_w); the batch is its axis 2 (one channel at
    stride 1 across: (kh, kw, batch, out_h) opaque runs of ``out_w`` cells, since a tap's row
    of outputs is then one contiguous run) or axis 3 ((kh, kw, channels, batch, out_h, out_w)
    numbers). One view and one copy for all taps: per-tap copies measured 1.1-1.2x slower."""
    sy, sx, dy, dx = steps
    padded = np.ascontiguousarray(padded)
    batch, _, _, channels = padded.shape
    sb, sh, sw, sc = padded.strides
    if channels == 1 and sx == 1:
        run = np.dtype((np.void, out_w * padded.itemsize))
        return opaque_runs(padded, run, (kh, kw, batch, out_h), (sh * dy, sw * dx, sb, sh * sy))
    shape = (kh, kw, channels, batch, out_h, out_w)
    return opaque_runs(padded, padded.dtype, shape, (sh * dy, sw * dx, sc, sb, sh * sy, sw * sx))


def opaque_runs(
    padded: np.ndarray, run: np.dtype, shape: tuple[int, ...], strides: tuple[int, ...]
) -> np.ndarray:
    """Read-only view of C-contiguous ``padded`` whose elements are opaque runs (``run``, a
    void dtype of the run's bytes, or the array's own dtype for single numbers), one at each
    of ``strides``. NumPy copies a strided array one innermost run at a time,
    so making each contiguous run a single element cuts its per-run overhead. Built with the
    ndarray constructor, which checks that the view stays inside ``padded`` (and costs 1 us
    against 9 us for ``as_strided``)."""
    view = np.ndarray(shape, run, padded, 0, strides)
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
    run = np.dtype((np.void, run_bytes(kw, channels, dx, padded.itemsize)))
    if dx == 1:
        shape, strides = (kh,), (sh * dy,)
    else:
        shape, strides = (kh, kw), (sh * dy, sw * dx)
    return opaque_runs(padded, run, (batch, out_h, out_w, *shape), (sb, sh * sy, sw * sx, *strides))


class Im2col:
    """The im2col of a padded input, to be copied block by block.

    ``indices`` index the output blocks (batch, out_h, out_w, ...) in order; ``copy`` writes
    the windows of one block into a buffer of at least ``largest`` numbers and returns them as
    ``cols`` (rows, kh * kw * channels), ready for ``cols @ flat_kernel``. Windows with runs of
    ``MIN_RUN_BYTES`` or more come in blocks of about ``BLOCK_BYTES`` of rows; shorter ones in blocks of whole images (``TAP_MAJOR_BLOCK_BYTES``),
    each the transposed tap-major im2col of its images.
    """

    __slots__ = ("windows", "indices", "largest", "_taps", "_tap_major", "_lead")

    def __init__(
        self,
        padded: np.ndarray,
        kh: int,
        kw: int,
        out_h: int,
        out_w: int,
        steps: tuple[int, ...],
    ) -> None:
        batch, _, _, channels = padded.shape
        self._taps = taps = kh * kw * channels
        self._tap_major = run_bytes(kw, channels, steps[3], padded.itemsize) < MIN_RUN_BYTES
        if self._tap_major:
            positions = out_h * out_w
            image_bytes = taps * positions * padded.itemsize
            # Blocks pay once the whole does not fit in cache with its output: one block up to
            # twice the block size ((64,28,28,1) * (3,3,1,8) at stride 2, 390 KB: 0.10 ms in
            # one block, 0.11 in two).
            if batch * image_bytes <= 2 * TAP_MAJOR_BLOCK_BYTES:
                step = batch
            else:
                step = max(1, TAP_MAJOR_BLOCK_BYTES // image_bytes)
            self.windows = tap_major_windows(padded, kh, kw, out_h, out_w, steps)
            # The axes before the batch: the taps, and a channel axis when not opaque runs.
            self._lead = (slice(None),) * (3 if self.windows.ndim == 6 else 2)
            self.indices = [(slice(b, b + step),) for b in range(0, batch, step)]
            self.largest = taps * min(step, batch) * positions
        else:
            self.windows = window_runs(padded, out_h, out_w, kh, kw, steps)
            self._lead = ()
            row_bytes = taps * padded.itemsize
            self.indices = blocks(batch, out_h, out_w, row_bytes)
            # The first block is the largest: the others are as large or cut short at the end.
            self.largest = self.windows[self.indices[0]].nbytes // padded.itemsize

    def copy(self, index: tuple, buffer: np.ndarray) -> np.ndarray:
        """The windows of the outputs ``out[index]`` as (rows, taps), copied into ``buffer``
        (1-D, at least ``largest`` numbers) just before use, so they are still in cache."""
        block = self.windows[(*self._lead, *index)]
        cols = buffer[: block.nbytes // buffer.itemsize]
        np.copyto(cols.view(self.windows.dtype).reshape(block.shape), block)
        if self._tap_major:
            return cols.reshape(self._taps, -1).T
        return cols.reshape(-1, self._taps)


def im2col_blocks(
    padded: np.ndarray, kh: int, kw: int, out_h: int, out_w: int, steps: tuple[int, ...]
) -> Iterator[tuple[tuple, np.ndarray]]:
    """(index, cols) per block of outputs (see ``Im2col``). ``cols`` is a work buffer,
    overwritten by the next block: use it before asking for the next one."""
    im2col = Im2col(padded, kh, kw, out_h, out_w, steps)
    with scratch((im2col.largest,), padded.dtype) as buffer:
        for index in im2col.indices:
            yield index, im2col.copy(index, buffer)


def correlate(
    padded: np.ndarray,
    kernel: np.ndarray,
    out_h: int,
    out_w: int,
    steps: tuple[int, ...],
    out: np.ndarray | None = None,
    choose_threads: bool = False,
) -> np.ndarray:
    """Valid cross-correlation of an already padded input: im2col and matmul. Into ``out``
    (batch, out_h, out_w, kernel out) when given, else a new array.

    With ``choose_threads`` the call picks its own threads (``_blas.blas_lanes``): small work
    on one BLAS thread; large work with long window runs in ``SHARE_BLOCKS`` or more blocks
    shared among lanes of its own (``_lanes.share``), each copying and multiplying whole
    blocks on one BLAS thread; other large work on BLAS's own threads.
    """
    kh, kw, channels, out_channels = kernel.shape
    flat_kernel = kernel.reshape(kh * kw * channels, out_channels)
    if out is None:
        out = np.empty((padded.shape[0], out_h, out_w, out_channels), dtype=padded.dtype)
    im2col = Im2col(padded, kh, kw, out_h, out_w, steps)

    def lane(indices: Iterator[tuple]) -> None:
        with scratch((im2col.largest,), padded.dtype) as buffer:
            for index in indices:
                cols = im2col.copy(index, buffer)
                np.matmul(cols, flat_kernel, out=out[index].reshape(-1, out_channels))

    if not choose_threads:
        lane(iter(im2col.indices))
        return out
    work = out.size * flat_kernel.shape[0]
    long_runs = run_bytes(kw, channels, steps[3], padded.itemsize) >= MIN_RUN_BYTES
    with _blas.blas_lanes(work, long_runs and len(im2col.indices) >= SHARE_BLOCKS) as lanes:
        share(im2col.indices, lane, lanes)
    return out
