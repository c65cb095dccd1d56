"""What the reference setups learn over many seeds: cnndemo against the PyTorch replica.

    python benchmarks/seed_outcomes.py [--seeds 20] [--sections 3 4 5 6 7 8] [--engine both]

For each section and engine prints how many seeds learn every example (probability on the
right side of 0.5), how many miss exactly the blank image, the blank image's mean score, and
(text sections) where the failing runs stall. The two engines draw their initial weights from
different generators, so only the counts are comparable, not individual seeds.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cnndemo import data as cnn_data  # noqa: E402
from cnndemo.train import train_section  # noqa: E402

BLANK = cnn_data.IMAGES.index(("   ", "   ", "   "))


def outcome(section: int, probabilities: np.ndarray, final_error: float) -> dict:
    targets = np.array(cnn_data.TEXT_LABELS if section in (3, 4) else cnn_data.IMAGE_LABELS)
    wrong = np.flatnonzero((probabilities > 0.5) != (targets == 1)).tolist()
    return {
        "learned_all": not wrong,
        "only_blank_wrong": section >= 5 and wrong == [BLANK],
        "blank": float(probabilities[BLANK]) if section >= 5 else None,
        "final_error": final_error,
        "wrong": wrong,
    }


def ours(section: int, seed: int) -> dict:
    result = train_section(section, seed=seed)
    return outcome(section, result.final.probabilities, result.final.error)


def replica(section: int, seed: int) -> dict:
    import torch
    import torch_replica

    torch.set_num_threads(1)  # tiny tensors: threads only add overhead here
    x, y = torch_replica.dataset(section)
    model = torch_replica.build(section, seed)
    epochs = 1000 if section in (3, 4) else 2000
    torch_replica.train(model, x, y, epochs)
    p = torch_replica.probabilities(model, x)
    with torch.no_grad():
        error = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y).item()
    return outcome(section, p, error)


def summarise(section: int, runs: list[dict]) -> str:
    n = len(runs)
    learned = sum(r["learned_all"] for r in runs)
    parts = [f"learned all {learned}/{n}"]
    if section >= 5:
        only_blank = sum(r["only_blank_wrong"] for r in runs)
        blank = np.mean([r["blank"] for r in runs])
        parts.append(f"missed only the blank {only_blank}/{n}, blank scores {blank:.2f} on average")
    else:
        stalls = collections.Counter(
            f"{r['final_error']:.3f}" for r in runs if not r["learned_all"]
        )
        if stalls:
            parts.append("others end at error " + ", ".join(f"{e} x{c}" for e, c in stalls.items()))
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--sections", type=int, nargs="+", default=[3, 4, 5, 6, 7, 8])
    parser.add_argument("--engine", choices=("both", "cnndemo", "torch"), default="both")
    args = parser.parse_args()
    engines = {"cnndemo": ours, "torch": replica}
    if args.engine != "both":
        engines = {args.engine: engines[args.engine]}
    for section in args.sections:
        for name, run in engines.items():
            runs = [run(section, seed) for seed in range(args.seeds)]
            print(f"section {section} {name:8s} {summarise(section, runs)}", flush=True)


if __name__ == "__main__":
    main()
