"""Where one BLAS thread beats two for cnndemo's conv2d, and what choosing per call costs.

Times cnndemo's forward on one and on two OpenBLAS threads (medians of alternating rounds, in
this default process) for convolutions from 0.4 to 300 million multiply-adds, and prints which
count ``cnndemo._blas`` picks for each (one thread below ``ONE_THREAD_BELOW``). Then times
the ways of changing the thread count around a call: threadpoolctl's ``threadpool_limits``,
a cached controller's ``limit``, and ``cnndemo._blas.blas_threads`` (lowering and restoring,
or nothing when the limit is already one).

Run: ``python -m benchmarks.blas_threads`` (``--rounds N``, ``--quick``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cnndemo import _blas, ops  # noqa: E402

PAUSE_S = 0.3

# (input shape, kernel shape, stride, padding)
CASES = [
    ((64, 28, 28, 1), (3, 3, 1, 8), 2, "valid"),
    ((64, 28, 28, 1), (3, 3, 1, 8), 1, "valid"),
    ((64, 28, 28, 1), (3, 3, 1, 8), 1, "same"),
    ((32, 16, 16, 8), (3, 3, 8, 16), 1, "same"),
    ((64, 28, 28, 1), (5, 5, 1, 16), 1, "same"),
    ((32, 32, 32, 16), (3, 3, 16, 32), 2, "valid"),
    ((32, 32, 32, 16), (3, 3, 16, 32), 2, "same"),
    ((64, 14, 14, 32), (3, 3, 32, 32), 1, "same"),
    ((32, 32, 32, 16), (3, 3, 16, 32), 1, "valid"),
    ((32, 32, 32, 16), (3, 3, 16, 32), 1, "same"),
]


def call_times(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def thread_choice(rounds: int, quick: bool) -> None:
    rng = np.random.default_rng(0)
    print(
        "| input * kernel, stride, padding | M multiply-adds | 1 thread us | 2 threads us "
        "| 2 / 1 | picked |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for x_shape, k_shape, stride, padding in CASES:
        x = rng.standard_normal(x_shape).astype(np.float32)
        kernel = rng.standard_normal(k_shape).astype(np.float32)

        def forward(x=x, kernel=kernel, stride=stride, padding=padding) -> np.ndarray:
            return ops.conv2d(x, kernel, stride, padding)

        out = forward()
        work = out.size * k_shape[0] * k_shape[1] * k_shape[2]
        repeats = max(5, int(2e8 / max(work, 1)) // (4 if quick else 1))
        repeats = min(repeats, 100 if quick else 300)
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(rounds):
            for threads in (1, 2):
                time.sleep(PAUSE_S)
                # Our own lowering is switched off here, so that 2 means 2.
                saved = _blas.ONE_THREAD_BELOW
                _blas.ONE_THREAD_BELOW = 0
                try:
                    with threadpool_limits(threads, user_api="blas"):
                        times[threads] += call_times(forward, repeats)
                finally:
                    _blas.ONE_THREAD_BELOW = saved
        one, two = (statistics.median(times[t]) for t in (1, 2))
        picked = 1 if _blas.BLAS_ALONE < work < _blas.ONE_THREAD_BELOW else 2
        name = f"{x_shape} * {k_shape}, s{stride}, {padding}"
        print(
            f"| {name} | {work / 1e6:.1f} | {one * 1e6:.0f} | {two * 1e6:.0f} | {two / one:.2f} "
            f"| {picked} |"
        )


def overheads() -> None:
    def median_us(fn: Callable[[], object], repeats: int) -> float:
        return statistics.median(call_times(fn, repeats)) * 1e6

    def limits() -> None:
        with threadpool_limits(1, user_api="blas"):
            pass

    controller = ThreadpoolController().select(user_api="blas")

    def cached_limit() -> None:
        with controller.limit(limits=1):
            pass

    def ours() -> None:
        with _blas.blas_threads(_blas.BLAS_ALONE + 1):
            pass

    start = time.perf_counter()
    ThreadpoolController()
    build = (time.perf_counter() - start) * 1e6
    with threadpool_limits(2, user_api="blas"):
        rows = [
            ("threadpool_limits(1) around a call", median_us(limits, 200)),
            ("cached ThreadpoolController().limit(1)", median_us(cached_limit, 2000)),
            ("cnndemo._blas.blas_threads, limit 2: lower and restore", median_us(ours, 5000)),
        ]
    with threadpool_limits(1, user_api="blas"):
        rows.append(("cnndemo._blas.blas_threads, limit 1: nothing to set", median_us(ours, 5000)))
    rows.append(("ThreadpoolController() built (once per process)", build))
    print("| way of choosing the thread count | us per call |")
    print("|---|---:|")
    for name, cost in rows:
        print(f"| {name} | {cost:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rounds = 2
    load = os.getloadavg()
    print(f"## BLAS threads per convolution ({os.cpu_count()} cores)")
    print()
    thread_choice(args.rounds, args.quick)
    print()
    overheads()
    print()
    print(
        "Load average (1, 5, 15 min): "
        f"{', '.join(f'{v:.1f}' for v in load)} at the start, "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())} at the end."
    )


if __name__ == "__main__":
    main()
