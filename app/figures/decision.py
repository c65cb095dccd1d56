"""The dense layer's decision line drawn in a 2-D vector plot: the line and its two shaded sides.

``decision_traces(line, x_range, y_range) -> list of 3 trace dicts``: the label-1 side (light
blue, where P > 0.5), the label-0 side (light vermilion) and the dashed line itself, clipped to
the plot's box. The traces keep their count and kind whatever the line, so an animation frame
can replace their coordinates (``app.figures.vectors`` draws one set per snapshot).

The line comes from ``app.core.decision_lines`` (a x + b y + c = 0, P > 0.5 where positive).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.decision_lines import DecisionLine

SIDE_COLOURS = {1: "rgba(0, 114, 178, 0.12)", 0: "rgba(213, 94, 0, 0.12)"}
"""The label colours (blue 1, vermilion 0) as light washes."""
LINE_COLOUR = "#333333"

Point = tuple[float, float]


def _clip(box: Sequence[Point], line: DecisionLine, sign: int) -> list[Point]:
    """The part of the convex polygon ``box`` where ``sign * logit >= 0`` (one clipping pass of
    Sutherland-Hodgman)."""
    kept: list[Point] = []
    for k, here in enumerate(box):
        there = box[(k + 1) % len(box)]
        a, b = sign * line.logit(*here), sign * line.logit(*there)
        if a >= 0:
            kept.append(here)
        if (a >= 0) != (b >= 0):
            t = a / (a - b)
            kept.append((here[0] + t * (there[0] - here[0]), here[1] + t * (there[1] - here[1])))
    return kept


def _segment(box: Sequence[Point], line: DecisionLine) -> list[Point]:
    """Where the line crosses the box's edges (empty when it misses the box)."""
    points: list[Point] = []
    for k, here in enumerate(box):
        there = box[(k + 1) % len(box)]
        a, b = line.logit(*here), line.logit(*there)
        if a == 0:
            points.append(here)
        elif a * b < 0:
            t = a / (a - b)
            points.append((here[0] + t * (there[0] - here[0]), here[1] + t * (there[1] - here[1])))
    return points[:2] if len(points) >= 2 else []


def _polygon(points: list[Point]) -> tuple[list, list]:
    if not points:
        return [], []
    xs = [p[0] for p in points] + [points[0][0]]
    ys = [p[1] for p in points] + [points[0][1]]
    return xs, ys


def decision_traces(
    line: DecisionLine, x_range: Sequence[float], y_range: Sequence[float]
) -> list[dict]:
    """The two shaded sides and the line, as Plotly scatter trace dicts clipped to the box."""
    (x0, x1), (y0, y1) = x_range, y_range
    box = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    traces = []
    for label in (1, 0):
        xs, ys = _polygon(_clip(box, line, 1 if label == 1 else -1))
        traces.append({
            "type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself",
            "fillcolor": SIDE_COLOURS[label], "line": {"width": 0},
            "name": f"P > 0.5: answers label {label}" if label else "P < 0.5: answers label 0",
            "hoverinfo": "skip",
        })  # fmt: skip
    ends = _segment(box, line)
    traces.append({
        "type": "scatter", "x": [p[0] for p in ends], "y": [p[1] for p in ends], "mode": "lines",
        "line": {"color": LINE_COLOUR, "width": 2, "dash": "dash"},
        "name": "P = 0.5 (decision line)", "hoverinfo": "skip",
    })  # fmt: skip
    return traces
