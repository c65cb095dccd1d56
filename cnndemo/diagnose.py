"""What went wrong in a training run, in plain words, from the run's own numbers.

A learner who presses Train and sees a flat error curve learns nothing from it unless someone
says why. These are the states the tutorial's models meet (docs/lesson.md, sections 3-8):

- ``"diverged"``: the error or a probability became NaN or infinite (the steps were too big);
- ``"rising"``: the error bounces: it ended well above its lowest, or above ln 2;
- ``"stuck"``: the error sits at ln 2 = 0.6931 and every probability at 0.5: the first
  weights are so small that every example looks the same, and the gradient is nearly zero;
- ``"identical"``: examples with different labels reach the dense layer with (nearly) the
  same vector, so no dense layer can answer them differently;
- ``"blank_image"``: a pooled image model calls the blank image a line (or cannot decide);
- ``"undecided"``: a probability so close to 0.5 that it is neither right nor wrong.

Each finding comes with remedies: control settings a page can apply with one click.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "LN2",
    "UNDECIDED_MARGIN",
    "Finding",
    "Remedy",
    "confusable_groups",
    "diagnose",
    "verdicts",
]

LN2 = math.log(2.0)
"""The error of a model that answers 0.5 for everything."""

UNDECIDED_MARGIN = 0.5e-4
"""A probability within this of 0.5 shows as 0.5000: neither right nor wrong."""


def verdicts(probabilities: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """``"right"``, ``"wrong"`` or ``"undecided"`` per example (undecided: P shows as 0.5000)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    right = (probabilities > 0.5) == (targets > 0.5)
    out = np.where(right, "right", "wrong").astype(object)
    undecided = ~np.isfinite(probabilities) | (np.abs(probabilities - 0.5) < UNDECIDED_MARGIN)
    out[undecided] = "undecided"
    return out


@dataclass(frozen=True)
class Remedy:
    """A change of settings a learner can apply with one click."""

    label: str
    settings: Mapping[str, Any]
    why: str


@dataclass(frozen=True)
class Finding:
    """One state the run is in, explained with its numbers."""

    kind: str
    title: str
    detail: str
    examples: tuple[int, ...] = ()
    remedies: tuple[Remedy, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ConfusedGroup:
    """Examples whose dense-layer inputs are (nearly) the same but whose labels differ.

    ``best`` is the one probability that minimises their cross-entropy: the share of label 1.
    """

    indices: tuple[int, ...]
    best: float


def confusable_groups(
    vectors: np.ndarray, targets: np.ndarray, tolerance: float = 0.02
) -> list[ConfusedGroup]:
    """Groups of examples whose vectors (n, features) lie within ``tolerance`` of each other in
    every feature (chained), keeping only groups that mix labels; largest first."""
    vectors = np.asarray(vectors, dtype=np.float64).reshape(len(vectors), -1)
    targets = np.asarray(targets, dtype=np.float64)
    n = len(vectors)
    group_of = list(range(n))

    def root(i: int) -> int:
        while group_of[i] != i:
            i = group_of[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if np.max(np.abs(vectors[i] - vectors[j])) <= tolerance:
                group_of[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    groups = [
        ConfusedGroup(tuple(ix), float(np.mean(targets[ix])))
        for ix in members.values()
        if len(set(targets[ix].tolist())) > 1
    ]
    return sorted(groups, key=lambda g: -len(g.indices))


def diagnose(
    errors: Sequence[float],
    probabilities: np.ndarray,
    targets: np.ndarray,
    example_vectors: np.ndarray,
    names: Sequence[str],
    hyperparameters: Mapping[str, Any],
    *,
    pooled_images: bool = False,
    conv_gradient_norm: float | None = None,
) -> list[Finding]:
    """The findings of one run, most serious first (an empty list: nothing to explain).

    Parameters
    ----------
    errors : sequence of float
        The error of every epoch run (``TrainResult.errors``); may be empty (a loaded model).
    probabilities, targets : ndarray, shape (n,)
        The final state's P(label 1) and the labels.
    example_vectors : ndarray, shape (n, features)
        What the dense layer reads for each example.
    names : sequence of str
        How examples are shown (sentences, images as rows joined by "/").
    hyperparameters : mapping
        The run's settings (``learning_rate``, ``momentum``, ``optimizer``, ``init_scale``,
        ``seed``, and ``pool`` where the model has one).
    pooled_images : bool
        True for image models whose pooling covers the whole feature map (sections 5 and 8).
    conv_gradient_norm : float, optional
        The conv kernel's gradient norm at the final state, quoted when the run is stuck.
    """
    hp = dict(hyperparameters)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    errors = [float(e) for e in errors]
    final_error = errors[-1] if errors else float("nan")
    if not np.all(np.isfinite(errors)) or not np.all(np.isfinite(probabilities)):
        return [_diverged(errors, hp)]
    findings: list[Finding] = []
    if len(errors) > 1 and (errors[-1] > min(errors) + 0.05 or errors[-1] > LN2 + 0.05):
        findings.append(_rising(errors, hp))
    spread = float(np.max(np.abs(probabilities - 0.5))) if len(probabilities) else 0.0
    if errors and abs(final_error - LN2) < 1e-3 and spread < 0.01:
        findings.append(_stuck(final_error, spread, hp, conv_gradient_norm))
    stuck = any(f.kind == "stuck" for f in findings)
    for group in [] if stuck else confusable_groups(example_vectors, targets):
        # (A stuck run has every example at the same vector: one finding says it all.)
        findings.append(_identical(group, names, targets, probabilities, hp))
    if pooled_images:
        blank = next((i for i, name in enumerate(names) if "#" not in name), None)
        if blank is not None and targets[blank] == 0 and probabilities[blank] >= 0.5:
            findings.append(_blank(blank, probabilities[blank], hp))
    undecided = np.flatnonzero(verdicts(probabilities, targets) == "undecided")
    if len(undecided) and not stuck:
        shown = ", ".join(f"“{names[i]}”" for i in undecided[:6])
        findings.append(
            Finding(
                "undecided",
                f"{len(undecided)} example(s) undecided",
                f"{shown}: P(label 1) rounds to 0.5000, so the model has not decided; they "
                "count as neither right nor wrong.",
                tuple(int(i) for i in undecided),
            )
        )
    return findings


def _seed_remedy(hp: Mapping[str, Any]) -> Remedy:
    seed = int(hp.get("seed", 0))
    return Remedy(
        f"try seed {seed + 1}",
        {"seed": seed + 1},
        "other first weights start the descent somewhere else",
    )


def _diverged(errors: list[float], hp: Mapping[str, Any]) -> Finding:
    bad = next((i for i, e in enumerate(errors) if not math.isfinite(e)), None)
    where = f"at epoch {bad}" if bad is not None else "by the end"
    lr = float(hp.get("learning_rate", 1.0))
    detail = (
        f"The error became NaN or infinite {where}: with learning rate {lr:g}"
        + (f" and momentum {float(hp['momentum']):g}" if hp.get("optimizer") == "momentum" else "")
        + f" and init scale {float(hp.get('init_scale', 0.01)):g} the steps grew so large that "
        "the numbers overflowed. Smaller steps keep training on track."
    )
    return Finding(
        "diverged",
        "Training diverged",
        detail,
        remedies=(
            Remedy(
                f"learning rate {lr / 10:g}",
                {"learning_rate": max(lr / 10, 1e-4)},
                "ten times smaller steps",
            ),
            Remedy(
                "the tutorial's settings",
                {
                    "learning_rate": 1.0,
                    "momentum": 0.9,
                    "optimizer": "momentum",
                    "init_scale": 0.01,
                    # ReLU has no ceiling: at these settings it still overflows on sections 3-4.
                    "activation": "sigmoid",
                },
                "learning rate 1, momentum 0.9, init scale 0.01, sigmoid",
            ),
        ),
    )


def _rising(errors: list[float], hp: Mapping[str, Any]) -> Finding:
    lr = float(hp.get("learning_rate", 1.0))
    lowest = min(errors)
    worse = (
        f", worse than answering 0.5 for everything (ln 2 = {LN2:.4f})"
        if errors[-1] > LN2 + 0.05
        else ""
    )
    return Finding(
        "rising",
        "The error is not settling",
        f"The error ended at {errors[-1]:.4f}{worse}; its lowest was {lowest:.4f} at epoch "
        f"{errors.index(lowest)}. The steps overshoot: each update jumps past the bottom of the "
        "valley, so the error bounces instead of falling.",
        remedies=(
            Remedy(
                f"learning rate {lr / 10:g}",
                {"learning_rate": max(lr / 10, 1e-4)},
                "smaller steps that stay in the valley",
            ),
        ),
    )


def _stuck(error: float, spread: float, hp: Mapping[str, Any], norm: float | None) -> Finding:
    scale = float(hp.get("init_scale", 0.01))
    gradient = (
        f" The conv kernel's gradient is only {norm:.1e}, so each update barely moves it."
        if norm is not None
        else ""
    )
    pool = hp.get("pool")
    detail = (
        f"The error is {error:.4f}, which is ln 2 = {LN2:.4f}, and every probability is within "
        f"{spread:.4f} of 0.5: the model still answers every example the same way, as at the "
        f"start. With first weights of size {scale:g} the convolution's outputs all sit near "
        "the sigmoid's middle, so the examples look alike and the gradient is nearly zero."
        + gradient
        + (
            " Average pooling adds to that: it blends every position, so one telling bigram or "
            "region is diluted."
            if pool == "avg"
            else ""
        )
    )
    remedies = [
        Remedy(
            "init scale 0.5",
            {"init_scale": 0.5},
            "bigger first weights make examples differ from the start",
        ),
        _seed_remedy(hp),
        Remedy(
            "Adam, learning rate 0.05",
            {"optimizer": "adam", "learning_rate": 0.05},
            "Adam scales each weight's step by its own gradient history",
        ),  # fmt: skip
    ]
    if pool in ("avg", "min"):
        remedies.append(Remedy("max pooling", {"pool": "max"}, "one strong position decides"))
    return Finding("stuck", "Stuck at the start (error ln 2)", detail, remedies=tuple(remedies))


def _identical(
    group: ConfusedGroup,
    names: Sequence[str],
    targets: np.ndarray,
    probabilities: np.ndarray,
    hp: Mapping[str, Any],
) -> Finding:
    shown = ", ".join(f"“{names[i]}” (label {int(targets[i])})" for i in group.indices)
    answers = ", ".join(f"{probabilities[i]:.4f}" for i in group.indices)
    detail = (
        f"{shown} reach the dense layer with the same vector (to within 0.02 in every number), "
        f"so no dense layer can answer them differently: the best it can do is the share of "
        f"label 1 among them, {group.best:.2f}. Their answers: {answers}."
    )
    remedies = [_seed_remedy(hp)]
    if hp.get("pool") in ("avg", "min"):
        remedies.append(Remedy("max pooling", {"pool": "max"}, "keeps the strongest position"))
    return Finding(
        "identical",
        "Examples the dense layer cannot tell apart",
        detail,
        group.indices,
        tuple(remedies),
    )


def _blank(index: int, probability: float, hp: Mapping[str, Any]) -> Finding:
    return Finding(
        "blank_image",
        "The blank image looks like a line",
        f"The blank image gets P(line) = {probability:.4f}. Pooling keeps one number per channel "
        "for the whole image, and every 2x2 region of the blank image is blank (0000); the "
        "lines along the edges hold blank regions too, so what the pooled vector says about the "
        "blank image it partly says about those lines. In the tutorial's runs the pooled models "
        "never learn the blank image; the flattened model (section 6) keeps positions and "
        "sometimes does.",
        (index,),
        (_seed_remedy(hp),),
    )
