"""Whole reference training of sections 3-8: cnndemo against PyTorch eager, measured in one run.

    python benchmarks/bench_training.py [--repeats 3] [--sections 3 4 5 6 7 8]

For each section both engines train the reference setup (1000 or 2000 full-batch epochs of
momentum SGD) from scratch; each time is the best of ``--repeats`` runs, with a pause between
the engines so one does not run in the other's thermal or scheduling wake. PyTorch runs with
``torch.set_num_threads(2)`` (``--threads``). Also timed: cnndemo taking a snapshot every 10 epochs (what a page
animating the training does). The target is ratio <= 0.15. Columns after "cpu:" repeat the
comparison in CPU time (time.process_time, all threads), steadier on a busy machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cnndemo.train import train_section  # noqa: E402


def best_of(repeats: int, run) -> tuple[float, float]:
    """Minimum wall-clock and minimum CPU time (this process, all threads) over the repeats.

    The minimum is the run least disturbed by other processes. CPU time is reported as well
    because on a shared machine wall-clock time mostly measures the other processes.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sections", type=int, nargs="+", default=[3, 4, 5, 6, 7, 8])
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between engines")
    parser.add_argument(
        "--threads", type=int, default=2, help="PyTorch threads (1 is steadier on a busy machine)"
    )
    args = parser.parse_args()

    import torch
    import torch_replica

    torch.set_num_threads(args.threads)
    header = (
        f"{'section':>7} {'epochs':>6} {'cnndemo s':>10} {'us/epoch':>9} {'+snap/10 s':>10} "
        f"{'torch s':>8} {'ratio':>6} {'cpu: cnndemo s':>14} {'torch s':>8} {'ratio':>6}"
    )
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(header)
    print("-" * len(header))
    for section in args.sections:
        epochs = 1000 if section in (3, 4) else 2000
        train_section(section, epochs=20)  # warm-up: imports, plan caches
        ours = best_of(args.repeats, lambda s=section: train_section(s))
        snapped = best_of(args.repeats, lambda s=section: train_section(s, every=10))
        time.sleep(args.pause)
        x, y = torch_replica.dataset(section)
        torch_replica.train(torch_replica.build(section, 0), x, y, 20)  # warm-up

        def run_torch(s=section, x=x, y=y, epochs=epochs) -> None:
            torch_replica.train(torch_replica.build(s, 0), x, y, epochs)

        reference = best_of(args.repeats, run_torch)
        time.sleep(args.pause)
        print(
            f"{section:>7} {epochs:>6} {ours[0]:>10.3f} {ours[0] / epochs * 1e6:>9.0f} "
            f"{snapped[0]:>10.3f} {reference[0]:>8.3f} {ours[0] / reference[0]:>6.3f} "
            f"{ours[1]:>14.3f} {reference[1]:>8.3f} {ours[1] / reference[1]:>6.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
