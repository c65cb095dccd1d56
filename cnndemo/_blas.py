"""How many BLAS threads a convolution runs on: one for small work, the current limit otherwise.

OpenBLAS splits any product above a tiny size over all its threads. On small work the second
thread costs more than it gives: waking it, splitting, and waiting for it, and on a shared
machine waiting a whole scheduler slice whenever it is descheduled. Measured in a default
process on this 2-core VM, the small forward ((64, 28, 28, 1) * (3, 3, 1, 8)) took 1.15 ms
median on OpenBLAS's default 2 threads against 0.38 ms on one. So a call below
``ONE_THREAD_BELOW`` multiply-adds lowers the limit to one thread for its duration and puts it
back afterwards; larger calls keep the limit as it is.

The limit is never raised: a process (the app server) that has set one thread keeps one, and
nothing is touched when the limit is already 1. OpenBLAS's thread count is one number for the
whole process, so overlapping calls from several threads share one lowering, undone when the
last of them ends; a larger call running meanwhile runs on one thread too. The threads are set
through threadpoolctl's controllers (found once, on first use: finding them costs about 1 ms,
setting and restoring about 2 us), which let one Python thread at a time control OpenBLAS;
from another thread the setting is left alone.
"""

from __future__ import annotations

import threading

# OpenBLAS runs a product of m * n * k <= 4 * 65536 on one thread by itself
# (SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD in its interface/gemm.c): nothing to do.
BLAS_ALONE = 1 << 18

# Calls below this many multiply-adds run on one thread (see the module docstring).
ONE_THREAD_BELOW = 16_000_000

_lock = threading.Lock()
_libraries: list | None = None
_depth = 0
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


def _lower() -> None:
    global _depth
    with _lock:
        if _depth == 0:
            _saved[:] = [(lib, lib.get_num_threads()) for lib in _blas_libraries()]
            for lib, threads in _saved:
                if threads is not None and threads > 1:
                    lib.set_num_threads(1)
        _depth += 1


def _restore() -> None:
    global _depth
    with _lock:
        _depth -= 1
        if _depth == 0:
            for lib, threads in _saved:
                if threads is not None and threads > 1:
                    lib.set_num_threads(threads)
            _saved.clear()


class blas_threads:  # noqa: N801 - used like a function: ``with blas_threads(work)``
    """Context manager running its block on the BLAS threads that ``multiply_adds`` calls for.

    Parameters
    ----------
    multiply_adds : int
        The products' work in the block. Between ``BLAS_ALONE`` and ``ONE_THREAD_BELOW`` the
        block runs on one thread; otherwise nothing changes.
    """

    __slots__ = ("_lowers",)

    def __init__(self, multiply_adds: int) -> None:
        self._lowers = BLAS_ALONE < multiply_adds < ONE_THREAD_BELOW

    def __enter__(self) -> None:
        if self._lowers:
            _lower()

    def __exit__(self, *exc_info: object) -> None:
        if self._lowers:
            _restore()


def current_threads() -> list[int | None]:
    """The thread count of every BLAS library found (for tests and benchmarks)."""
    return [lib.get_num_threads() for lib in _blas_libraries()]
