"""Where the dense layer answers 0.5: its decision line in the plane of two channels.

Every tutorial model ends in P = sigmoid(w . v + b), where v is the vector the dense layer
reads (a sentence's or an image's pooled vector). P = 0.5 exactly where w . v + b = 0. In the
plane of two of v's channels (x = v[i], y = v[j]) that is the line

    w[i] x + w[j] y + (b + sum of w[k] v[k] over the other channels k) = 0,

with P > 0.5 on the side where the left-hand side is positive. When v has only those two
channels the line is the whole decision; with more it is a slice: the other channels are held
at a value (here their mean over the examples at that epoch), and an example whose other
channels differ from it may sit on the other side of its own line.

The dense layer reads one such vector only in the pooled models (sections 3, 5, 8 when its pool
leaves one cell) and in section 7, whose second conv layer leaves one cell; the flattened models
read several positions' vectors at once, so no single line in one position's plane exists:
``decision_lines`` returns None for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cnndemo.models import Model
from cnndemo.train import Snapshot

__all__ = ["DecisionLine", "decision_line", "decision_lines", "slice_words"]


@dataclass(frozen=True)
class DecisionLine:
    """``a x + b y + c = 0``; P(label 1) > 0.5 where ``a x + b y + c > 0``.

    ``held`` maps each channel left out of the plane to the value it is held at (empty when
    the plane holds every channel the dense layer reads).
    """

    a: float
    b: float
    c: float
    held: dict[int, float]

    def logit(self, x: float, y: float) -> float:
        """The dense layer's logit at (x, y) of the plane (its sign is the answer)."""
        return self.a * x + self.b * y + self.c


def decision_line(
    weights: np.ndarray, bias: float, pair: tuple[int, int], held: dict[int, float]
) -> DecisionLine:
    """The line P = 0.5 in channels ``pair`` of a dense layer with ``weights`` (features,).

    Parameters
    ----------
    weights : ndarray, shape (features,)
    bias : float
    pair : (int, int)
        The channels on the x and y axes.
    held : dict of int to float
        The value of every other channel.
    """
    weights = np.asarray(weights, dtype=np.float64).reshape(-1)
    i, j = pair
    rest = sum(float(weights[k]) * value for k, value in held.items())
    return DecisionLine(float(weights[i]), float(weights[j]), float(bias) + rest, dict(held))


def decision_lines(
    model: Model, snapshots: Sequence[Snapshot], pair: tuple[int, int], channels: int
) -> list[DecisionLine] | None:
    """The decision line of every snapshot, or None when the dense layer does not read one
    ``channels``-vector per example (flattened models) or a snapshot lacks its weights.

    Parameters
    ----------
    model : Model
        The run's model (its layout names the snapshots' flat weights).
    snapshots : sequence of Snapshot
    pair : (int, int)
        The plotted channels.
    channels : int
        Numbers per plotted vector.
    """
    if not snapshots or any(s.parameters is None for s in snapshots):
        return None
    if snapshots[0].example_vectors.shape[1] != channels:
        return None
    lines = []
    for shot in snapshots:
        named = model.unflatten(shot.parameters)
        means = shot.example_vectors.mean(axis=0)
        held = {k: float(means[k]) for k in range(channels) if k not in pair}
        lines.append(
            decision_line(named["dense.weights"][:, 0], float(named["dense.bias"][0]), pair, held)
        )
    return lines


def slice_words(pair: tuple[int, int], channels: int, features: int, example: str) -> str:
    """The caption saying where the plot's decision line is, which channels it shows and, with
    more, that the line is a slice; or why a flattened model has no line in this plane.

    ``channels``: numbers per plotted vector; ``features``: numbers the dense layer reads.
    """
    if features != channels:
        return (
            f"No decision line here: the dense layer reads {features} numbers per {example} "
            f"(every position's {channels} channels in a row), so its P = 0.5 boundary lives in "
            f"{features} dimensions, not in the plane of one position."
        )
    if channels <= 2:
        return (
            f"The dashed line is where the dense layer answers exactly 0.5: each {example} "
            "vector in the blue half gets P(label 1) > 0.5, in the vermilion half < 0.5. It "
            "moves with the epoch slider."
        )
    others = ", ".join(str(k) for k in range(channels) if k not in pair)
    return (
        f"This plot shows channels {pair[0]} and {pair[1]} of {channels}; the dense layer reads "
        f"all {channels}. The dashed line is a slice: where P(label 1) = 0.5 with channel(s) "
        f"{others} held at their mean over the {example}s at that epoch. A {example} whose "
        "other channels differ from that mean has its own line, shifted."
    )
