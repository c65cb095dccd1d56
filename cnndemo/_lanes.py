"""One call's independent pieces shared among the caller's thread and helper threads.

NumPy's own operations run on one core; only BLAS splits a product over threads. For a
convolution the im2col copy stays on one core then, and BLAS's split of each block's product
waits for its slowest thread. Here whole blocks are shared instead: every lane (the caller,
plus helpers from a small pool) pulls the next block from one shared queue, copies it into its
own work buffer and multiplies it on one BLAS thread, while the other lane does the same
(NumPy releases the GIL in the matmul). A helper that starts late, or never because the
machine is busy, only takes fewer blocks: the caller never waits for a helper to begin, only
for a block it has already taken.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


@functools.cache
def cores() -> int:
    """Cores this process may run on (read once)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _helpers() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max(1, cores() - 1), thread_name_prefix="cnndemo-lane")
        return _pool


class _Queue:
    """The tasks, handed out one at a time to whichever thread asks."""

    __slots__ = ("_tasks", "_lock")

    def __init__(self, tasks: list) -> None:
        self._tasks = iter(tasks)
        self._lock = threading.Lock()

    def __iter__(self) -> _Queue:
        return self

    def __next__(self) -> object:
        with self._lock:
            return next(self._tasks)


def share(tasks: list, lane: Callable[[Iterator], None], lanes: int) -> None:
    """Run ``lane(queue)`` on the caller's thread and on up to ``lanes - 1`` helpers, all
    pulling from one queue of ``tasks``, and return when every task is done.

    Parameters
    ----------
    tasks : list
        Independent pieces of work, in the order the caller would do them.
    lane : callable
        Does every task it pulls from the iterator it gets; it must be safe to run on several
        threads at once (own buffers, disjoint outputs).
    lanes : int
        Threads to use at most, the caller's included; 1 runs everything on the caller's.
    """
    if lanes > 1:
        lanes = min(lanes, len(tasks), cores())
    if lanes <= 1:
        lane(iter(tasks))
        return
    queue = _Queue(tasks)
    helpers = [_helpers().submit(lane, queue) for _ in range(lanes - 1)]
    try:
        lane(queue)
    finally:
        for helper in helpers:
            # A helper that has not started has nothing left to do: cancel it, don't wait.
            if not helper.cancel():
                helper.result()
