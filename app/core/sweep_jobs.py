"""A seed sweep run in chunks, like a training: the page's setup trained once per seed.

``cnndemo.sweep.seed_sweep`` trains each seed exactly as a Train click with that seed would.
Here it runs a few seeds at a time (about ``CHUNK_SECONDS`` each, at least one seed), so the
page can redraw its progress bar, let a Stop click land and hand the training slot to other
learners between chunks.

- ``SweepJob``, ``new_sweep(section, data, hp, first_seed, count, fp)``;
- ``sweep_chunk(job)``: train the next seeds; ``job.done`` / ``job.total``;
- ``sweep_result(job) -> SweepResult``: every seed trained so far;
- ``sweep_fingerprint(section, data, hp, count)``: the setup a result belongs to;
- ``example_counts(result)``: per example, the seeds that got it right, wrong, undecided.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.core import limits
from app.core.training_jobs import CHUNK_SECONDS, Data, fingerprint
from cnndemo import data as data_mod
from cnndemo.sweep import SweepResult, seed_sweep

__all__ = [
    "SweepJob",
    "example_counts",
    "new_sweep",
    "sweep_chunk",
    "sweep_fingerprint",
    "sweep_result",
]


@dataclass
class SweepJob:
    """A sweep in progress (kept in session state between fragment reruns)."""

    section: int
    data: Data
    hyperparameters: dict[str, Any]  # without the seed
    seeds: list[int]
    fingerprint: str
    probabilities: list[np.ndarray] = field(default_factory=list)
    final_errors: list[float] = field(default_factory=list)
    seconds: float = 0.0
    stop_requested: bool = False

    @property
    def done(self) -> int:
        return len(self.final_errors)

    @property
    def total(self) -> int:
        return len(self.seeds)

    @property
    def finished(self) -> bool:
        return self.stop_requested or self.done >= self.total


def sweep_fingerprint(section: int, data: Data, hp: Mapping[str, Any], count: int) -> str:
    """What a sweep's result belongs to: the data, every hyper-parameter (the first seed among
    them) and the number of seeds."""
    return fingerprint(section, data, {**hp, "sweep_seeds": int(count)})


def new_sweep(
    section: int, data: Data, hp: Mapping[str, Any], first_seed: int, count: int, fp: str
) -> SweepJob:
    """A sweep over seeds ``first_seed`` .. ``first_seed + count - 1`` (count bounded by
    ``limits.MAX_SWEEP_SEEDS``) with every other hyper-parameter of ``hp``."""
    count = min(max(int(count), 1), limits.MAX_SWEEP_SEEDS)
    others = {k: v for k, v in hp.items() if k != "seed"}
    seeds = list(range(int(first_seed), int(first_seed) + count))
    return SweepJob(section, data, others, seeds, fp)


def _data_arguments(data: Data) -> dict[str, Any]:
    """The data as ``seed_sweep`` takes it (it builds the same dataset from these)."""
    labels = data.targets.astype(int).tolist()
    if isinstance(data, data_mod.TextData):
        return {"sentences": list(data.sentences), "labels": labels}
    return {"images": data.inputs[..., 0], "labels": labels}


def sweep_chunk(job: SweepJob) -> None:
    """Train the next seeds until about ``CHUNK_SECONDS`` have passed (at least one seed)."""
    if job.finished:
        return
    start = time.perf_counter()
    trained = iter(range(job.total + 1))

    def should_stop() -> bool:
        # Polled before each seed: the first always runs.
        return next(trained) > 0 and time.perf_counter() - start > CHUNK_SECONDS

    part = seed_sweep(
        job.section, job.seeds[job.done :], should_stop=should_stop,
        **_data_arguments(job.data), **job.hyperparameters,
    )  # fmt: skip
    job.probabilities.extend(part.probabilities)
    job.final_errors.extend(part.final_errors.tolist())
    job.seconds += time.perf_counter() - start


def sweep_result(job: SweepJob) -> SweepResult:
    """Every seed trained so far, as ``cnndemo.sweep.SweepResult``."""
    names = tuple(job.data.names)
    return SweepResult(
        tuple(job.seeds[: job.done]), names, job.data.targets,
        np.array(job.probabilities).reshape(job.done, len(names)),
        np.array(job.final_errors, dtype=np.float64),
    )  # fmt: skip


def example_counts(result: SweepResult) -> dict[str, np.ndarray]:
    """Per example (data order): how many seeds got it right, wrong and undecided."""
    marks = result.verdicts
    return {kind: np.sum(marks == kind, axis=0) for kind in ("right", "wrong", "undecided")}
