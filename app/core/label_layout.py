"""Readable point labels for the learned-vector plots: coincident points share one label, and
every label goes where it covers no other label and no point.

Plain Python and NumPy (no Plotly): ``app.figures.vectors`` turns the result into annotations.
Positions come in as data coordinates; the plot is assumed square in pixels (equal axis
scales, as the vector plots draw them) and ``plot_px`` wide, so a label's size in characters
can be set against the distances between points. Offsets come out in pixels, the way Plotly
places an annotation's text relative to the point its arrow ends on (y down).

Usage::

    series = [LabelSeries(xs, ys, names, "bigram"), LabelSeries(xs2, ys2, names2, "sentence")]
    for label in place_labels(series, x_range=(-0.1, 1.1), y_range=(-0.1, 1.1)):
        ...  # label.x, label.y, label.text, label.dx, label.dy, label.members
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

PLOT_PX = 250
"""Width (= height) of the plotting area assumed: a phone's, the smallest the app is read on
(page 7's vector plot measured 258 px at 390 px; at 280 two of its three-line labels touched)."""
FONT_PX = 11
MARKER_PX = 7  # half the width of a point's marker, with its white edge
COINCIDENT_PX = 6
"""Points closer than this (in both directions) share one label."""
MAX_LISTED = 3
"""A group of more points than this is labelled by its count; hovering lists them all."""
# Where a label may go, as (dx, dy) directions from its point: above, below, right, left,
# the diagonals, then in between; each tried close first, then farther out (with a leader
# line to the point).
_DIRECTIONS = (
    (0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1),
    (0.5, -1), (-0.5, -1), (0.5, 1), (-0.5, 1), (1, -0.5), (-1, -0.5), (1, 0.5), (-1, 0.5),
)  # fmt: skip
_DISTANCES = (1.0, 1.6, 2.2, 2.8, 3.4, 4.5)


@dataclass(frozen=True)
class LabelSeries:
    """Points of one kind (one colour): ``xs``, ``ys`` and a name per point, and the noun a
    count of them is written with ("3 bigrams")."""

    xs: Sequence[float]
    ys: Sequence[float]
    names: Sequence[str]
    noun: str


@dataclass(frozen=True)
class PlacedLabel:
    """One label: the point it names (``x``, ``y``, data units), the series it belongs to,
    the names it stands for, its text and where its centre sits, in pixels from the point
    (``dx`` right, ``dy`` down), and the box it takes in the plot's pixels."""

    series: int
    x: float
    y: float
    members: tuple[str, ...]
    text: str
    dx: float
    dy: float
    box: tuple[float, float, float, float]  # left, top, right, bottom in the plot's pixels


def group_text(members: Sequence[str], noun: str) -> str:
    """One label for coincident points: the names one per line, or how many there are."""
    if len(members) <= MAX_LISTED:
        return "<br>".join(members)
    return f"{len(members)} {noun}s"


def coincident_groups(points_px: np.ndarray, within: float = COINCIDENT_PX) -> list[list[int]]:
    """Indices of points that lie within ``within`` pixels of each other (in x and y),
    chained: a group holds every point reachable through such neighbours, in input order.

    Parameters
    ----------
    points_px : ndarray, shape (n, 2)
    """
    n = len(points_px)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    close = np.all(np.abs(points_px[:, None, :] - points_px[None, :, :]) <= within, axis=2)
    for i, j in zip(*np.nonzero(np.triu(close, 1)), strict=True):
        parent[root(int(i))] = root(int(j))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _size_px(text: str) -> tuple[float, float]:
    lines = text.split("<br>")
    width = 0.6 * FONT_PX * max(len(line) for line in lines) + 4
    return width, 1.3 * FONT_PX * len(lines) + 2


def _overlap(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Total overlap area of each box (k, 4: left, top, right, bottom) with ``others`` (m, 4)."""
    if len(others) == 0:
        return np.zeros(len(boxes))
    width = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(
        boxes[:, None, 0], others[None, :, 0]
    )
    height = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(
        boxes[:, None, 1], others[None, :, 1]
    )
    return (np.clip(width, 0, None) * np.clip(height, 0, None)).sum(axis=1)


def _outside(boxes: np.ndarray, size: float) -> np.ndarray:
    """Area of each box beyond the plotting area [0, size]^2 (a label cut at the edge)."""
    width = boxes[:, 2] - boxes[:, 0]
    height = boxes[:, 3] - boxes[:, 1]
    inside_w = np.clip(np.minimum(boxes[:, 2], size) - np.maximum(boxes[:, 0], 0), 0, None)
    inside_h = np.clip(np.minimum(boxes[:, 3], size) - np.maximum(boxes[:, 1], 0), 0, None)
    return width * height - inside_w * inside_h


def place_labels(
    series: Sequence[LabelSeries],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    plot_px: float = PLOT_PX,
    obstacles: Sequence[tuple[float, float]] = (),
) -> list[PlacedLabel]:
    """Group each series' coincident points and place one label per group; ``obstacles``
    are points drawn without a label (a path's), which labels keep clear of too.

    Labels are placed greedily, biggest groups first: each takes the first spot, close to its
    point before farther out, that overlaps no label placed before it, no point and no edge of
    the plot; when none is free, the spot with the least overlap.
    """
    span = max(x_range[1] - x_range[0], y_range[1] - y_range[0]) or 1.0
    scale = plot_px / span

    def to_px(xs: Sequence[float], ys: Sequence[float]) -> np.ndarray:
        x = (np.asarray(xs, dtype=float) - x_range[0]) * scale
        y = (y_range[1] - np.asarray(ys, dtype=float)) * scale
        return np.stack([x, y], axis=1).reshape(-1, 2)

    pending = []
    all_points = []
    for index, one in enumerate(series):
        points = to_px(one.xs, one.ys)
        all_points.append(points)
        for group in coincident_groups(points):
            members = tuple(one.names[i] for i in group)
            anchor = points[group[0]]
            pending.append((index, group[0], anchor, members, group_text(members, one.noun)))
    if len(obstacles):
        all_points.append(to_px([x for x, _ in obstacles], [y for _, y in obstacles]))
    points = np.concatenate(all_points) if all_points else np.zeros((0, 2))
    markers = np.concatenate([points - MARKER_PX, points + MARKER_PX], axis=1)
    pending.sort(key=lambda p: (-len(p[3]), p[2][1], p[2][0]))
    placed_boxes = np.zeros((0, 4))
    labels = []
    for index, first, anchor, members, text in pending:
        width, height = _size_px(text)
        offsets = np.array(
            [
                (ux * (width / 2 + MARKER_PX + 1) * d, uy * (height / 2 + MARKER_PX + 1) * d)
                for d in _DISTANCES
                for ux, uy in _DIRECTIONS
            ]
        )
        centres = anchor + offsets
        boxes = np.concatenate(
            [centres - (width / 2, height / 2), centres + (width / 2, height / 2)], axis=1
        )
        cost = (
            10 * _overlap(boxes, placed_boxes)
            + _overlap(boxes, markers)
            + 5 * _outside(boxes, plot_px)
        )
        best = int(np.argmin(cost))  # the first of equal costs: the closest spot
        placed_boxes = np.vstack([placed_boxes, boxes[best]])
        one = series[index]
        labels.append(
            PlacedLabel(
                index,
                float(one.xs[first]),
                float(one.ys[first]),
                members,
                text,
                float(offsets[best][0]),
                float(offsets[best][1]),
                tuple(float(v) for v in boxes[best]),  # type: ignore[arg-type]
            )
        )
    return labels
