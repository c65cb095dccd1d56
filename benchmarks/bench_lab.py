"""The training lab's heavy buttons, timed: a 20-seed sweep per section and the 512-image table.

    python -m benchmarks.bench_lab [--seeds 20] [--repeats 3]

Prints the median wall-clock time of each (target: under 2 s on this 2-core machine) in a default
process, with the machine's load average before and after, since timings here are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from cnndemo import all_images
from cnndemo.sweep import seed_sweep
from cnndemo.train import train_section


def median_seconds(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| what | median s | target |\n|---|---:|---:|")
    for section in (3, 4, 5, 6, 7, 8):
        seconds = median_seconds(lambda s=section: seed_sweep(s, range(args.seeds)), args.repeats)
        print(f"| section {section}: sweep of {args.seeds} seeds | {seconds:.2f} | 2.0 |")
    for section in (5, 6, 7, 8):
        model = train_section(section).model
        seconds = median_seconds(lambda m=model: all_images.evaluate_all(m), args.repeats)
        print(f"| section {section}: all 512 images | {seconds:.3f} | 2.0 |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
