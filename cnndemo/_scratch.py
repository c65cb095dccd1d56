"""Work buffers that a thread reuses from call to call instead of allocating them afresh.

A convolution's temporaries run to megabytes (im2col blocks, padded inputs, gradient scratch).
Allocated per call, each call faults their pages in again whenever glibc has handed the last
call's memory back to the system, which in a default process it does or not depending on what
else sits on the heap: the small "same" forward took 1.4 ms with 855 page faults per call,
against 0.35 ms when the heap happened to be kept. A reused buffer is also still in the cache.

Buffers are lent, never shared: :func:`scratch` hands one out for the length of a ``with``
block, and nested or concurrent borrowers get different ones. Each thread keeps its own free
list (the app calls the engine from several script threads at once), which goes away with the
thread. A buffer holds whatever the last borrower left, like ``np.empty``: a borrower writes
every element it reads, and nothing lent here is ever returned to a caller.
"""

from __future__ import annotations

import bisect
import math
import threading

import numpy as np

# Below this, malloc serves the request from memory it keeps anyway, without page faults, and
# a plain np.empty costs less than the bookkeeping.
MIN_BYTES = 64 << 10

# At most this much is kept per thread; the largest buffers are dropped first beyond it.
KEEP_BYTES = 64 << 20

# Start of every buffer, so BLAS gets the alignment of its vector loads.
ALIGN = 64

_local = threading.local()


def _free_list() -> list[np.ndarray]:
    """This thread's kept buffers, smallest first."""
    try:
        return _local.free
    except AttributeError:
        _local.free = []
        return _local.free


def _take(nbytes: int) -> np.ndarray:
    free = _free_list()
    for index, raw in enumerate(free):
        if raw.nbytes >= nbytes:  # the first that fits is the smallest that fits
            return free.pop(index)
    block = np.empty(nbytes + ALIGN, dtype=np.uint8)
    start = -block.ctypes.data % ALIGN
    return block[start : start + nbytes]


def _give(raw: np.ndarray) -> None:
    free = _free_list()
    bisect.insort(free, raw, key=_size)
    kept = sum(map(_size, free))
    while kept > KEEP_BYTES:
        kept -= free.pop().nbytes


def _size(raw: np.ndarray) -> int:
    return raw.nbytes


class scratch:  # noqa: N801 - used like a function: ``with scratch(shape, dtype) as buf``
    """Lend an uninitialised C-contiguous array for the ``with`` block.

    Parameters
    ----------
    shape : tuple of int
    dtype : numpy dtype

    Returns
    -------
    A context manager whose ``__enter__`` gives an ndarray of ``shape``, contents undefined (as
    ``np.empty``). The array must not outlive the block: it goes back to this thread's free
    list and the next borrower overwrites it. (A class, not ``contextlib.contextmanager``: a
    generator costs 1-2 us per use, a tenth of the tutorial-sized call.)
    """

    __slots__ = ("_shape", "_dtype", "_raw")

    def __init__(self, shape: tuple[int, ...], dtype: np.dtype | type) -> None:
        self._shape = shape
        self._dtype = np.dtype(dtype)
        self._raw = None

    def __enter__(self) -> np.ndarray:
        nbytes = self._dtype.itemsize * math.prod(self._shape)
        if nbytes < MIN_BYTES:
            return np.empty(self._shape, self._dtype)
        self._raw = _take(nbytes)
        return self._raw[:nbytes].view(self._dtype).reshape(self._shape)

    def __exit__(self, *exc_info: object) -> None:
        if self._raw is not None:
            _give(self._raw)
            self._raw = None


class arena:  # noqa: N801 - used like a function: ``with arena() as work``
    """Lends any number of work buffers (``work.empty(shape, dtype)``, like ``np.empty``, or
    any lending context manager through ``work.enter``), all given back when the ``with``
    block ends: for temporaries whose number or order depends on the route a call takes."""

    __slots__ = ("_lent",)

    def __init__(self) -> None:
        self._lent: list = []

    def __enter__(self) -> arena:
        return self

    def enter(self, manager: object) -> np.ndarray:
        """What ``manager.__enter__()`` gives, kept until the arena's block ends."""
        array = manager.__enter__()  # type: ignore[attr-defined]
        self._lent.append(manager)
        return array

    def empty(self, shape: tuple[int, ...], dtype: np.dtype | type) -> np.ndarray:
        return self.enter(scratch(shape, dtype))

    def __exit__(self, *exc_info: object) -> None:
        while self._lent:
            self._lent.pop().__exit__(None, None, None)


def kept_bytes() -> int:
    """Bytes this thread keeps for reuse (for tests and benchmarks)."""
    return sum(raw.nbytes for raw in _free_list())
