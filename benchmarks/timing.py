"""Per-call wall times, shared by the engine benchmarks (bench_conv.py, blas_threads.py)."""

from __future__ import annotations

import time
from collections.abc import Callable


def call_times(fn: Callable[[], object], repeats: int) -> list[float]:
    """Wall time in seconds of each of ``repeats`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times
