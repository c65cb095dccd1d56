"""How many threads a convolution runs on: one for small work, two cores for large work.

OpenBLAS splits any product above a tiny size over all its threads, and each call waits for
its slowest thread. On small work the second thread costs more than it gives (waking it,
splitting, waiting), and on a shared machine a descheduled thread holds the call up for a
whole scheduler slice. Measured in a default process on this 2-core VM: the small forward
((64, 28, 28, 1) * (3, 3, 1, 8), 3.1M multiply-adds) took 1.15 ms median on OpenBLAS's
default 2 threads against 0.38 ms on one; the medium forwards ((32, 32, 32, 16) *
(3, 3, 16, 32), 33-150M) took 8-37 ms median on BLAS's two threads in runs where other
processes kept both cores busy, against 1.2-8.7 ms on one (benchmarks/blas_threads.py). The
medium stride-2 forward (33-38M) gains little from BLAS's second thread at moderate load
(0.85-0.9x the time of one at load 2-4) and loses most under heavy load (10-24 ms median at
load 6-10, where one thread took 1.3-1.6 ms at load 5). So calls below ``ONE_THREAD_BELOW`` multiply-adds lower the limit to
one thread for their duration and put it back afterwards.

Larger forwards whose im2col has long window runs use the two cores their own way
(cnndemo._lanes): one BLAS thread per lane, each lane taking whole blocks from one queue, so
a helper that is not scheduled only takes fewer blocks instead of holding the call up (under
load they ran within 0.75-1.08x of one thread). The rest keeps BLAS's own threads.

The limit is never raised: a process (the app server) that has set one thread keeps one, and
nothing is set when the limit is already 1. OpenBLAS's thread count is one number for the whole
process, and threadpoolctl lets only one Python thread at a time change it (the first to set
it, until it ends or lets go; from any other thread a change is silently ignored). So one call
at a time owns the lowering: it lowers, and the same call puts the limit back when its block
ends, even on an exception, then lets go of the control as ``threadpool_limits`` does. Calls
that start meanwhile, from any thread, change nothing: they run on the owner's one thread while
it lasts, and on the limit afterwards. A lowering that did not take (another thread controls
OpenBLAS) is put back at once and owns nothing. The controllers are found once, on first use
(about 0.2-1 ms); lowering and restoring then costs about 2-4 us a call, against 160 us for
``threadpool_limits`` around each call.
"""

from __future__ import annotations

import threading

# OpenBLAS runs a product of m * n * k <= 4 * 65536 on one thread by itself
# (SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD in its interface/gemm.c): nothing to do.
BLAS_ALONE = 1 << 18

# Calls below this many multiply-adds run on one thread (see the module docstring).
ONE_THREAD_BELOW = 64_000_000

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
    """Context manager running its block on the BLAS threads that ``multiply_adds`` calls for.

    Parameters
    ----------
    multiply_adds : int
        The products' work in the block. Between ``BLAS_ALONE`` and ``ONE_THREAD_BELOW`` the
        block runs on one thread; otherwise nothing changes.
    """

    __slots__ = ("_lowers", "_owns")

    def __init__(self, multiply_adds: int) -> None:
        self._lowers = BLAS_ALONE < multiply_adds < ONE_THREAD_BELOW
        self._owns = False

    def __enter__(self) -> None:
        self._owns = self._lowers and _lower() > 0

    def __exit__(self, *exc_info: object) -> None:
        if self._owns:
            self._owns = False
            _restore()


class blas_lanes:  # noqa: N801 - used like a function: ``with blas_lanes(work, ...) as lanes``
    """Context manager choosing the threads of one forward convolution.

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
    caller's included) and sets the BLAS threads for the block:

    - up to ``BLAS_ALONE``: nothing to set (OpenBLAS uses one thread by itself), one lane;
    - below ``ONE_THREAD_BELOW``: one BLAS thread, one lane;
    - from there, shareable: one BLAS thread, as many lanes as the limit had threads (one when
      this call does not own the lowering, so lanes never multiply BLAS's threads);
    - from there, not shareable: BLAS's own threads, one lane.
    """

    __slots__ = ("_lowers", "_shares", "_owns")

    def __init__(self, multiply_adds: int, shareable: bool) -> None:
        self._shares = shareable and multiply_adds >= ONE_THREAD_BELOW
        self._lowers = self._shares or BLAS_ALONE < multiply_adds < ONE_THREAD_BELOW
        self._owns = False

    def __enter__(self) -> int:
        lanes = _lower() if self._lowers else 0
        self._owns = lanes > 0
        return lanes if self._shares and lanes else 1

    def __exit__(self, *exc_info: object) -> None:
        if self._owns:
            self._owns = False
            _restore()


def current_threads() -> list[int | None]:
    """The thread count of every BLAS library found (for tests and benchmarks)."""
    return [lib.get_num_threads() for lib in _blas_libraries()]
