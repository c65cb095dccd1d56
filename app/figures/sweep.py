"""A seed sweep's outcome: how often each example is answered right, and where runs end.

``outcome_bars(names, right, wrong, undecided, *, title)``
    One horizontal bar per example split into the seeds that got it right (green), wrong
    (red, hatched) and undecided (grey, P shown as 0.5000): the examples a setup never learns
    stand out at a glance.
``error_histogram(errors, *, bins=10, title)``
    How many seeds ended in each band of final error, with ln 2 (a run that never left the
    start) marked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.figures.training import CURVE_COLOUR, LN2, WRONG_COLOUR

RIGHT_COLOUR = "#009E73"  # Okabe-Ito bluish green: the ✓ of the image cards
UNDECIDED_COLOUR = "#999999"


def outcome_bars(
    names: Sequence[str],
    right: Sequence[int],
    wrong: Sequence[int],
    undecided: Sequence[int],
    *,
    title: str = "How often each example ends on the right side of 0.5",
) -> go.Figure:
    """Stacked horizontal bars: seeds right / wrong / undecided per example (data order, top
    to bottom)."""
    if not len(names) == len(right) == len(wrong) == len(undecided):
        raise ValueError("one count of each kind per example")
    labels = list(names)
    parts = (
        ("right", right, RIGHT_COLOUR, ""),
        ("wrong", wrong, WRONG_COLOUR, "/"),
        ("undecided (P = 0.5000)", undecided, UNDECIDED_COLOUR, "."),
    )
    traces = [
        go.Bar(
            y=labels, x=[int(v) for v in values], name=name, orientation="h",
            marker={"color": colour,
                    "pattern": {"shape": shape, "fgcolor": "white", "fillmode": "overlay"}},
            text=[str(int(v)) if v else "" for v in values], textposition="inside",
            hovertemplate=f"%{{y}}: {name} in %{{x}} seeds<extra></extra>",
        )
        for name, values, colour, shape in parts
    ]  # fmt: skip
    seeds = int(right[0]) + int(wrong[0]) + int(undecided[0]) if labels else 0
    figure = go.Figure(traces)
    figure.update_layout(
        title={"text": title},
        barmode="stack",
        xaxis={"title": {"text": f"seeds (of {seeds})"}, "range": [0, max(seeds, 1)]},
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
        height=120 + 26 * len(labels),
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0},
    )
    return figure


def error_histogram(
    errors: Sequence[float], *, bins: int = 10, title: str = "Final error of each seed's run"
) -> go.Figure:
    """Counts of seeds per band of final error (NaN or infinite errors counted apart)."""
    values = np.asarray(errors, dtype=np.float64)
    finite = values[np.isfinite(values)]
    top = max(float(finite.max()) if finite.size else 1.0, LN2 * 1.05)
    counts, edges = np.histogram(finite, bins=bins, range=(0.0, top))
    centres = ((edges[:-1] + edges[1:]) / 2).tolist()
    figure = go.Figure(
        go.Bar(
            x=centres, y=counts.tolist(), width=float(edges[1] - edges[0]) * 0.95,
            marker={"color": CURVE_COLOUR},
            customdata=[[float(a), float(b)] for a, b in zip(edges[:-1], edges[1:], strict=True)],
            hovertemplate="error %{customdata[0]:.3f} to %{customdata[1]:.3f}: %{y} seeds"
            "<extra></extra>",
        )
    )  # fmt: skip
    diverged = int(values.size - finite.size)
    subtitle = f"{diverged} run(s) diverged (NaN or infinite error)" if diverged else ""
    figure.update_layout(
        title={"text": title, "subtitle": {"text": subtitle}},
        xaxis={"title": {"text": "final error (mean cross-entropy)"}, "range": [0, top]},
        yaxis={"title": {"text": "seeds"}, "dtick": max(1, math.ceil(counts.max(initial=1) / 6))},
        height=300,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        showlegend=False,
        shapes=[{
            "type": "line", "yref": "paper", "x0": LN2, "x1": LN2, "y0": 0, "y1": 1,
            "line": {"dash": "dash", "color": "#777777", "width": 1},
        }],
        annotations=[{
            "yref": "paper", "x": LN2, "y": 1, "xanchor": "right", "yanchor": "bottom",
            "text": "ln 2: never left the start", "showarrow": False, "font": {"size": 11},
        }],
    )  # fmt: skip
    return figure
