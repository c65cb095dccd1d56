"""Where one BLAS thread beats two for cnndemo's conv2d, and what choosing per call costs.

Times cnndemo's forward on one OpenBLAS thread, on two, and as cnndemo chooses (medians of
alternating rounds, in this default process) for convolutions from 0.8 to 150 million
multiply-adds, and names the choice (two lanes of its own, each on one BLAS thread, for work
from ``_blas.LANES_FROM`` whose blocks share well; one BLAS thread otherwise). Then times
the ways of changing the thread count around a call: threadpoolctl's ``threadpool_limits``,
a cached controller's ``limit``, and ``cnndemo._blas.blas_threads`` (lowering and restoring,
or nothing when the limit is already one).

Run: ``python benchmarks/blas_threads.py`` (``--rounds N``, ``--quick``).
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import call_times  # noqa: E402

from cnndemo import _blas, _windows, ops  # noqa: E402
from cnndemo._windows import Im2col  # noqa: E402
from cnndemo.conv import _ConvPlan  # noqa: E402

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


# The ways a forward can run: one BLAS thread, BLAS's two threads (cnndemo's own choice
# switched off), and as cnndemo chooses (one BLAS thread, or two lanes of one each).
WAYS = {
    "1 thread": (1, []),
    "2 BLAS threads": (2, [(_blas, "BLAS_ALONE", 1 << 62), (_windows, "SHARE_BLOCKS", 1 << 62)]),
    "as chosen": (2, []),
}


def chosen(work: int, shareable: bool) -> str:
    if shareable and work >= _blas.LANES_FROM:
        return "2 lanes"
    return "1 thread"


def thread_choice(rounds: int, quick: bool) -> None:
    rng = np.random.default_rng(0)
    print(
        "| input * kernel, stride, padding | M multiply-adds | 1 thread us | 2 BLAS threads us "
        "| as chosen us | 2 BLAS / 1 | chosen / 1 | chosen |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for x_shape, k_shape, stride, padding in CASES:
        x = rng.standard_normal(x_shape).astype(np.float32)
        kernel = rng.standard_normal(k_shape).astype(np.float32)

        def forward(x=x, kernel=kernel, stride=stride, padding=padding) -> np.ndarray:
            return ops.conv2d(x, kernel, stride, padding)

        out = forward()
        work = out.size * k_shape[0] * k_shape[1] * k_shape[2]
        repeats = max(5, int(2e8 / max(work, 1)) // (4 if quick else 1))
        repeats = min(repeats, 100 if quick else 300)
        times: dict[str, list[float]] = {way: [] for way in WAYS}
        for _ in range(rounds):
            for way, (threads, settings) in WAYS.items():
                time.sleep(PAUSE_S)
                saved = [(module, name, getattr(module, name)) for module, name, _ in settings]
                try:
                    for module, name, value in settings:
                        setattr(module, name, value)
                    with threadpool_limits(threads, user_api="blas"):
                        times[way] += call_times(forward, repeats)
                finally:
                    for module, name, value in saved:
                        setattr(module, name, value)
        one, two, ours = (statistics.median(times[way]) for way in WAYS)
        plan = _ConvPlan(x, kernel, stride, padding, 1, "conv2d", False)
        with plan.padded() as grid:
            im2col = Im2col(grid, *k_shape[:2], plan.out_h, plan.out_w, plan.steps)
            long_runs = _windows.run_bytes(k_shape[1], x_shape[3], 1, 4) >= _windows.MIN_RUN_BYTES
            shareable = long_runs and len(im2col.indices) >= _windows.SHARE_BLOCKS
        name = f"{x_shape} * {k_shape}, s{stride}, {padding}"
        print(
            f"| {name} | {work / 1e6:.1f} | {one * 1e6:.0f} | {two * 1e6:.0f} | {ours * 1e6:.0f} "
            f"| {two / one:.2f} | {ours / one:.2f} | {chosen(work, shareable)} |"
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
