"""The training lab's heavy buttons, timed: a 20-seed sweep per section and the 512-image table.

    python -m benchmarks.bench_lab [--seeds 20] [--repeats 3] [--busy 2]

Target: each under 2 s on this 2-core machine. Timings here are noisy (the machine is shared),
so every line gives the median wall-clock time *and* the CPU time of the same work (which a
busy machine barely changes), with the load average before and after.

1. The engine alone: ``cnndemo.sweep.seed_sweep`` per section, ``evaluate_all`` per image model.
2. As the page runs it: the sweep in chunks (``app.core.sweep_jobs``), each chunk holding one
   of the server's training slots (``app.server.training_slot``), while ``--busy`` other
   "learners" (threads) train the page's default model through the same slots. The sweep takes
   turns with them, so its wall time grows with them; what must stay short is how long any
   of them waits for a slot (one chunk, about 0.12 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

from app.core import sweep_jobs
from app.core.run_actions import new_job
from app.core.training_jobs import fingerprint, train_chunk
from app.server import training_slot
from cnndemo import all_images
from cnndemo import data as data_mod
from cnndemo.models import default_hyperparameters
from cnndemo.sweep import seed_sweep
from cnndemo.train import train_section


def timed(action, repeats: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``action()``."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def data_of(section: int):
    return data_mod.text_data() if section in (3, 4) else data_mod.image_data()


REDRAW = 0.02
"""Seconds between two chunks: the page redraws its progress (a fragment rerun) in between,
which is when a waiting learner takes the slot."""


def sweep_through_slots(section: int, seeds: int) -> float:
    """Wall seconds of a page's sweep: chunk after chunk, each in a training slot."""
    data, hp = data_of(section), default_hyperparameters(section)
    job = sweep_jobs.new_sweep(section, data, hp, 0, seeds, "bench")
    start = time.perf_counter()
    while not job.finished:
        with training_slot(lambda: None):
            sweep_jobs.sweep_chunk(job)
        time.sleep(REDRAW)
    return time.perf_counter() - start


def learner(section: int, stop: threading.Event, waits: list[float]) -> None:
    """Another learner: presses Train again and again, one chunk per slot, like the panel."""
    data, hp = data_of(section), default_hyperparameters(section)
    while not stop.is_set():
        job = new_job(section, data, hp, fingerprint(section, data, hp), watch=False)
        while len(job.errors) < job.epochs and not stop.is_set():
            asked = time.perf_counter()
            with training_slot(lambda: None):
                waits.append(time.perf_counter() - asked)
                train_chunk(job)
            time.sleep(REDRAW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--busy", type=int, default=2, help="other learners training meanwhile")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| what | median wall s | CPU s | target s |\n|---|---:|---:|---:|")
    for section in (3, 4, 5, 6, 7, 8):
        wall, cpu = timed(lambda s=section: seed_sweep(s, range(args.seeds)), args.repeats)
        print(f"| section {section}: sweep of {args.seeds} seeds | {wall:.2f} | {cpu:.2f} | 2.0 |")
    for section in (5, 6, 7, 8):
        model = train_section(section).model
        wall, cpu = timed(lambda m=model: all_images.evaluate_all(m), args.repeats)
        print(f"| section {section}: all 512 images | {wall:.3f} | {cpu:.3f} | 2.0 |")
    for section in (3, 8):
        wall = sweep_through_slots(section, args.seeds)
        print(f"| section {section}: sweep in chunks through the slots, alone | {wall:.2f} | | |")
        stop, waits = threading.Event(), []
        others = [
            threading.Thread(target=learner, args=(section, stop, waits), daemon=True)
            for _ in range(args.busy)
        ]
        for thread in others:
            thread.start()
        time.sleep(0.5)
        waits.clear()
        wall = sweep_through_slots(section, args.seeds)
        stop.set()
        for thread in others:
            thread.join()
        longest = max(waits, default=0.0)
        print(
            f"| section {section}: the same with {args.busy} learners training | {wall:.2f} | | "
            f"|\n| section {section}: their longest wait for a slot meanwhile | {longest:.2f} | | |"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
