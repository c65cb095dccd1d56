"""How many threads a convolution runs on: one BLAS thread, and lanes of its own for large work.

OpenBLAS splits any product above a tiny size over all its threads, and each call waits for
its slowest thread. On small work the second thread costs more than it gives (waking it,
splitting, waiting), and on a shared machine a descheduled thread holds every call up for a
whole scheduler slice. Measured in a default process on this 2-core VM: the small forward
((64, 28, 28, 1) * (3, 3, 1, 8), 3.1M multiply-adds) took 1.15 ms median on OpenBLAS's
default 2 threads against 0.38 ms on one. On larger work BLAS's second thread gave 0.8-0.9x
the time of one at load 2-4 (the medium forwards, (32, 32, 32, 16) * (3, 3, 16, 32), 33-150M)
and 2.5-13x the time once other processes kept both cores busy (load 5-10: the medium
stride-2 forward 10-24 ms median against 1.3-1.6 ms on one thread; the medium forward and
backward 190-340 ms against 15 ms; benchmarks/blas_threads.py and bench_conv.py). So every
call above ``BLAS_ALONE`` lowers the limit to one thread for its duration and puts it back
afterwards.

Forwards from ``LANES_FROM`` multiply-adds whose im2col has long window runs in enough blocks
use the second core their own way (cnndemo._lanes): one BLAS thread per lane, each lane
taking whole blocks from one queue, so a helper that is not scheduled only takes fewer blocks
instead of holding the call up (under load they ran within 0.57-1.08x of one thread, with one
run at 1.8x).

The limit is never raised: a process (the app server) that has set one thread keeps one, and
nothing is set when the limit is already 1. OpenBLAS's thread count is one number for the whole
process, and threadpoolctl lets only one Python thread at a time change it (the first to set
it, until it ends or lets go; from any other thread a change is silently ignored). So one call
at a time owns the lowering: it lowers, and the same call puts the limit back when its block
ends, even on an exception, then lets go of the control as ``threadpool_limits`` does. Calls
that start meanwhile, from any thread, change nothing: they run on the owner's one thread while
it lasts, and on the limit afterwards. A lowering that did not take (another thread controls
OpenBLAS) is put back at once and owns nothing. The controllers are found once, on first use
(about 0.2-1 ms); lowering and restoring then costs about 2-5 us a call, against 160-210 us for
``threadpool_limits`` around each call.
"""

from __future__ import annotations

import threading

# OpenBLAS runs a product of m * n * k <= 4 * 65536 on one thread by itself
# (SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD in its interface/gemm.c): nothing to do.
BLAS_ALONE = 1 << 18

# Forwards from this many multiply-adds may share their blocks among lanes.
LANES_FROM = 64_000_000

_lock = threading.Lock()
_libraries: list | None = None
# The libraries and thread counts that the lowering in force saved; empty when none is.
_saved: list[tuple[object, int]] = []


def _blas_libraries() -> list:
    global _libraries
    if _libraries is None:
        try:
            from threadpoolctl import ThreadpoolController

            _libraries = list(ThreadpoolController().select(user_api="blas").lib_controllers)
        except Exception:  # noqa: BLE001 - no threadpoolctl or an unreadable library: no control
            _libraries = []
    return _libraries


def _lower() -> int:
    """Set every BLAS library to one thread unless a lowering is already in force.

    Returns the threads the limit allowed before when this call lowered it (the caller then
    owns the lowering and must ``_restore``), else 0.
    """
    with _lock:
        if _saved:
            return 0
        saved = [
            (lib, threads)
            for lib in _blas_libraries()
            if (threads := lib.get_num_threads()) is not None and threads > 1
        ]
        if not saved:
            return 0
        _saved[:] = saved
        try:
            for lib, _ in saved:
                lib.set_num_threads(1)
            lowered = all(lib.get_num_threads() == 1 for lib, _ in saved)
        except BaseException:
            _put_back()
            raise
        if not lowered:
            _put_back()
            return 0
        if any(getattr(lib, "threading_layer", None) == "openmp" for lib, _ in saved):
            return 1  # OpenMP's limit is per thread: helper lanes would keep all their threads
        return max(threads for _, threads in saved)


def _restore() -> None:
    """Undo the lowering this thread owns (see ``_lower``)."""
    with _lock:
        _put_back()


def _put_back() -> None:
    try:
        for lib, threads in _saved:
            lib.set_num_threads(threads)
    finally:
        _saved.clear()
        # Let another thread take control next time, as ``threadpool_limits`` does on exit
        # (this only lets go when this thread holds the control).
        for lib in _blas_libraries():
            let_go = getattr(type(lib), "clear_controlling_thread", None)
            if let_go is not None:
                let_go()


class blas_threads:  # noqa: N801 - used like a function: ``with blas_threads(work)``
    """Context manager running its block on one BLAS thread when ``multiply_adds`` is above
    ``BLAS_ALONE`` (below, OpenBLAS uses one by itself and nothing is set).

    Parameters
    ----------
    multiply_adds : int
        The products' work in the block.
    """

    __slots__ = ("_lowers", "_owns")

    def __init__(self, multiply_adds: int) -> None:
        self._lowers = multiply_adds > BLAS_ALONE
        self._owns = False

    def __enter__(self) -> None:
        self._owns = self._lowers and _lower() > 0

    def __exit__(self, *exc_info: object) -> None:
        if self._owns:
            self._owns = False
            _restore()


class blas_lanes(blas_threads):  # noqa: N801 - used like a function: ``with blas_lanes(...)``
    """Context manager choosing the threads of one forward convolution: one BLAS thread, as
    ``blas_threads``, and the lanes it may share its blocks among.

    Parameters
    ----------
    multiply_adds : int
        The forward's work.
    shareable : bool
        Whether its blocks share well among lanes (long window runs in enough blocks, see
        ``_windows.SHARE_BLOCKS``).

    Returns
    -------
    A context manager whose ``__enter__`` gives the lanes (threads of the call's own, the
    caller's included): as many as the limit had threads for shareable work from
    ``LANES_FROM``, when this call owns the lowering (so lanes never multiply BLAS's
    threads); one otherwise.
    """

    __slots__ = ("_shares",)

    def __init__(self, multiply_adds: int, shareable: bool) -> None:
        super().__init__(multiply_adds)
        self._shares = shareable and multiply_adds >= LANES_FROM

    def __enter__(self) -> int:  # type: ignore[override]
        lanes = _lower() if self._lowers else 0
        self._owns = lanes > 0
        return lanes if self._shares and lanes else 1


def current_threads() -> list[int | None]:
    """The thread count of every BLAS library found (for tests and benchmarks)."""
    return [lib.get_num_threads() for lib in _blas_libraries()]
