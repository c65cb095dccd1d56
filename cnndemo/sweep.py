"""One setup, many seeds: how often does training learn every example?

The first weights decide a lot in the tutorial's tiny models: with max pooling some seeds stall,
the pooled image models never learn the blank image, the flattened one learns it about half the
time. A single run cannot show that; a sweep over seeds can. Each seed trains exactly as a
Train click with that seed would (same model, same data, same numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cnndemo.diagnose import verdicts
from cnndemo.models import build_model, model_spec
from cnndemo.train import make_data, train

__all__ = ["MAX_SEEDS", "SweepResult", "seed_sweep"]

MAX_SEEDS = 100
"""Most seeds one sweep trains (a sweep costs one training per seed)."""


@dataclass(frozen=True)
class SweepResult:
    """The outcome of every seed.

    Attributes
    ----------
    seeds : tuple of int
        The seeds trained (fewer than asked for when stopped early).
    names : tuple of str
        The examples, in data order.
    targets : ndarray, shape (examples,)
    probabilities : ndarray, shape (seeds, examples)
        Final P(label 1) of every seed's run.
    final_errors : ndarray, shape (seeds,)
    """

    seeds: tuple[int, ...]
    names: tuple[str, ...]
    targets: np.ndarray
    probabilities: np.ndarray
    final_errors: np.ndarray

    @property
    def verdicts(self) -> np.ndarray:
        """``"right"``/``"wrong"``/``"undecided"`` per seed and example."""
        if not self.seeds:
            return np.empty((0, len(self.names)), dtype=object)
        return np.array([verdicts(p, self.targets) for p in self.probabilities])

    @property
    def learned_all(self) -> np.ndarray:
        """Per seed: every example right."""
        return np.all(self.verdicts == "right", axis=1)

    def failures(self) -> dict[str, int]:
        """How many seeds got each example wrong or undecided, by example name."""
        bad = self.verdicts != "right"
        return {name: int(bad[:, i].sum()) for i, name in enumerate(self.names)}

    def histogram(self, bins: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Counts of final errors in ``bins`` equal bins from 0 to the largest (``np.histogram``)."""
        finite = self.final_errors[np.isfinite(self.final_errors)]
        top = max(float(finite.max()) if finite.size else 1.0, 1e-9)
        return np.histogram(finite, bins=bins, range=(0.0, top))


def seed_sweep(
    section: int,
    seeds: Sequence[int],
    *,
    sentences: Sequence[str] | None = None,
    images: Sequence[Any] | None = None,
    labels: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    **hyperparameters: Any,
) -> SweepResult:
    """Train the same setup once per seed and collect every run's outcome.

    Parameters
    ----------
    section : {3, 4, 5, 6, 7, 8}
    seeds : sequence of int
        At most :data:`MAX_SEEDS`.
    sentences, images, labels : optional
        The data (the tutorial's by default), as :func:`cnndemo.train.make_data`.
    progress : callable (done, total), optional
        Called after each seed.
    should_stop : callable, optional
        Polled before each seed; True ends the sweep with the seeds done so far.
    **hyperparameters
        Everything but ``seed``, as :func:`cnndemo.models.build_model`.
    """
    seeds = [int(s) for s in seeds]
    if not 1 <= len(seeds) <= MAX_SEEDS:
        raise ValueError(f"a sweep trains 1 to {MAX_SEEDS} seeds; got {len(seeds)}")
    if "seed" in hyperparameters:
        raise ValueError("the sweep chooses the seeds; pass the others only")
    data = make_data(section, sentences=sentences, images=images, labels=labels)
    spec = model_spec(section)
    sizes = data.inputs.shape[1 : 1 + spec.spatial_axes]
    vocabulary = getattr(data, "vocabulary", None)
    done, probabilities, errors = [], [], []
    for number, seed in enumerate(seeds):
        if should_stop is not None and should_stop():
            break
        model = build_model(
            section, vocabulary=vocabulary, input_size=sizes, seed=seed, **hyperparameters
        )
        result = train(model, data)
        done.append(seed)
        probabilities.append(result.final.probabilities)
        errors.append(result.final.error)
        if progress is not None:
            progress(number + 1, len(seeds))
    return SweepResult(
        tuple(done),
        tuple(data.names),
        data.targets,
        np.array(probabilities).reshape(len(done), len(data.names)),
        np.array(errors, dtype=np.float64),
    )
