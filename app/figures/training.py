"""Training figures (sections 3-8): the error curve, probability bars, a weights heatmap.

Arrays -> Plotly figures, no Streamlit.

Every builder is generic over the section: labels are plain strings (a bigram ``"i like"``, a
2x2 region ``"1100"``, a sentence, an image's rows joined by ``"/"``), vectors are NumPy arrays
and targets are 0/1. They return validated ``go.Figure`` objects; a page that redraws the same
figure on every rerun should keep the figure (e.g. in ``st.session_state`` next to the training
run it comes from), because building a figure with animation frames costs tens of
milliseconds while drawing a finished one costs a few.

Builders
--------
``error_curve(errors, *, log_scale=False, epochs_target=None, title=...)``
    Training error per epoch with the ln 2 reference line (the error of a model that says 0.5
    for everything, which is where every run starts).
``probability_bars(labels, probabilities, targets, *, epochs=None, history=None, ...)``
    Predicted probability of label 1 per example, the 0.5 decision line, wrong answers marked
    (hatched, red outline, "✗" in the text), undecided ones (P shows 0.5000) outlined grey;
    with ``history`` an animation over snapshots.
``weights_heatmap(values, row_labels, col_labels, *, title, ...)``
    A small signed matrix (e.g. dense weights per position and channel) with written values.

The learned-vector plots are in :mod:`app.figures.vectors`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.core.numbers import fixed, format_value
from app.core.verdicts import verdicts
from app.figures.base import DIVERGING
from app.figures.titles import TITLE_LINE_PX, title_lines, wrap_title

LN2 = math.log(2.0)
"""Mean cross-entropy of a model that answers 0.5 for every example: where training starts."""

# Okabe-Ito colours (distinguishable with every common colour-vision deficiency).
LABEL_COLOURS = {1: "#0072B2", 0: "#D55E00"}
WRONG_COLOUR = "#cc0000"
CURVE_COLOUR = "#0072B2"
MAX_FRAMES = 60
"""Animation frames at most; longer snapshot lists are thinned evenly (first and last kept)."""


def epoch_slider(frame_names: Sequence[str], pad_top: int, frame: dict) -> dict:
    """An animation slider with one step per frame (named by its epoch), the last one active;
    ``frame`` is Plotly's frame option of each step (its duration, and whether to redraw)."""
    return {
        "active": len(frame_names) - 1,
        "currentvalue": {"prefix": "epoch "},
        "pad": {"t": pad_top},
        "steps": [
            {
                "label": name,
                "method": "animate",
                "args": [
                    [name],
                    {"mode": "immediate", "frame": dict(frame), "transition": {"duration": 0}},
                ],
            }
            for name in frame_names
        ],
    }


def thin(count: int, limit: int = MAX_FRAMES) -> list[int]:
    """Indices of at most ``limit`` items spread evenly over ``count``, first and last kept."""
    if count <= limit:
        return list(range(count))
    picks = np.unique(np.round(np.linspace(0, count - 1, limit)).astype(int))
    return picks.tolist()


# --- Error curve ----------------------------------------------------------------------------------


def error_curve(
    errors: Sequence[float],
    *,
    log_scale: bool = False,
    epochs_target: int | None = None,
    title: str = "Training error (mean cross-entropy)",
    height: int = 320,
    max_points: int | None = None,
    mark_epoch: int | None = None,
) -> go.Figure:
    """Error against epoch (epoch e = before the e-th update), with the ln 2 line.

    Parameters
    ----------
    errors : sequence of float
        One per epoch run.
    log_scale : bool
        Log y axis: the late, slow part of training becomes visible.
    epochs_target : int, optional
        Fixes the x range to the planned epochs, so a live curve grows from left to right.
    max_points : int, optional
        Draw at most this many points, evenly spaced, last one kept (a live curve is redrawn
        many times a second; its shape needs a few hundred points, not thousands).
    mark_epoch : int, optional
        A vertical line at this epoch: the one the page shows when looking back.
    """
    values = np.asarray(errors, dtype=np.float64)
    epochs = np.arange(len(values))
    if max_points is not None and len(values) > max_points:
        keep = np.unique(np.linspace(0, len(values) - 1, max_points).round().astype(int))
        epochs, values = epochs[keep], values[keep]
    figure = go.Figure(
        go.Scatter(
            x=epochs.tolist(),
            y=values.tolist(),
            mode="lines",
            name="error",
            line={"color": CURVE_COLOUR, "width": 2},
            hovertemplate="epoch %{x}<br>error %{y:.6f}<extra></extra>",
        )
    )
    # A layout shape and annotation rather than add_hline, which costs ~20 ms per call.
    reference_line = {
        "type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": LN2, "y1": LN2,
        "line": {"dash": "dash", "color": "#777777", "width": 1},
    }  # fmt: skip
    reference_text = {
        "xref": "paper", "x": 1, "y": LN2, "xanchor": "right", "yanchor": "bottom",
        "text": "ln 2 ≈ 0.693 (always answering 0.5)", "showarrow": False,
        "font": {"size": 11, "color": "#555555"},
    }  # fmt: skip
    if log_scale:
        reference_text["y"] = math.log10(LN2)  # annotations sit on the axis' log coordinates
    x_max = max(epochs_target or 0, len(errors) - 1, 1)
    # A diverged run ends in NaN: the axes follow the finite part, which shows the blow-up.
    top = float(values[np.isfinite(values)].max(initial=0))
    yaxis: dict = {"title": {"text": "error" + (" (log scale)" if log_scale else "")}}
    if log_scale:
        yaxis["type"] = "log"
        positive = values[values > 0]
        low = float(positive.min()) if positive.size else 1e-3
        yaxis["range"] = [
            math.log10(min(low, LN2) / 1.5),
            math.log10(max(LN2, top) * 1.5),
        ]
    else:
        yaxis["range"] = [0, max(LN2, top) * 1.1]
    shapes, annotations = [reference_line], [reference_text]
    if mark_epoch is not None:
        shapes.append({
            "type": "line", "yref": "paper", "x0": mark_epoch, "x1": mark_epoch, "y0": 0,
            "y1": 1, "line": {"color": "#333333", "width": 2},
        })  # fmt: skip
        annotations.append({
            "yref": "paper", "x": mark_epoch, "y": 1, "yanchor": "bottom", "showarrow": False,
            "text": f"shown: epoch {mark_epoch}", "font": {"size": 11},
        })  # fmt: skip
    figure.update_layout(
        title={"text": title},
        xaxis={"title": {"text": "epoch"}, "range": [0, x_max]},
        yaxis=yaxis,
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        showlegend=False,
        shapes=shapes,
        annotations=annotations,
    )
    return figure


# --- Probabilities --------------------------------------------------------------------------------


UNDECIDED_COLOUR = "#777777"
BAR_MARKS = {"right": "✓", "wrong": "✗ wrong", "undecided": "undecided"}
BAR_SYMBOLS = {"right": "✓", "wrong": "✗", "undecided": "?"}
BAR_TEXT_PX = 12
MAX_WORDED_BARS = 8
"""Up to this many bars each is labelled with its probability and verdict; with more, only a
symbol fits above each bar at a readable size (hover and the chart's text give the numbers)."""


def _bar_trace(labels: Sequence[str], probabilities: np.ndarray, targets: np.ndarray) -> dict:
    # Wrong: hatched, red outline. Undecided (P shows 0.5000): grey outline, neither.
    found = verdicts(probabilities, targets)
    colours = [LABEL_COLOURS[int(t > 0.5)] for t in targets]
    outline = {"right": "rgba(0,0,0,0)", "wrong": WRONG_COLOUR, "undecided": UNDECIDED_COLOUR}
    return {
        "type": "bar",
        "x": list(labels),
        "y": probabilities.tolist(),
        # Two short lines, never shrunk to the bar's width (the tag was 6 px tall), and drawn
        # past the top of the axis when a bar reaches 1.
        "text": [
            f"{fixed(p)}<br> {BAR_MARKS[v]}" if len(labels) <= MAX_WORDED_BARS else BAR_SYMBOLS[v]
            for p, v in zip(probabilities, found, strict=True)
        ],
        "textposition": "outside",
        "textfont": {
            "size": BAR_TEXT_PX,
            "color": [
                {"wrong": WRONG_COLOUR, "undecided": UNDECIDED_COLOUR}.get(v, "#333333")
                for v in found
            ],
        },  # fmt: skip
        "constraintext": "none",
        "cliponaxis": False,
        "marker": {
            "color": colours,
            "line": {
                "color": [outline[v] for v in found],
                "width": [0 if v == "right" else 3 for v in found],
            },
            "pattern": {"shape": ["/" if v == "wrong" else "" for v in found], "fgcolor": "white"},
        },
        "customdata": [int(t) for t in targets],
        "hovertemplate": "%{x}<br>target %{customdata}<br>P(label 1) = %{y:.4f}<extra></extra>",
        "name": "P(label 1)",
    }


def probability_bars(
    labels: Sequence[str],
    probabilities: Sequence[float],
    targets: Sequence[float],
    *,
    epochs: Sequence[int] | None = None,
    history: Sequence[Sequence[float]] | None = None,
    title: str = "Predicted probability of label 1",
    height: int = 380,
) -> go.Figure:
    """Bars of P(label 1) per example, coloured by target; wrong side of 0.5 = hatched + red.

    With ``epochs`` and ``history`` (one probability list per snapshot) the bars animate over
    training (play button and slider); ``probabilities`` is then the last frame shown.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if not len(labels) == len(probabilities) == len(targets):
        raise ValueError("labels, probabilities and targets must have the same length")
    found = verdicts(probabilities, targets)
    summary = f"{int(np.sum(found == 'right'))} of {len(labels)} on the right side of 0.5"
    if np.any(found == "undecided"):
        summary += f" ({int(np.sum(found == 'undecided'))} undecided at 0.5000)"
    layout: dict = {
        "title": {
            "text": title,
            # The decision line is named here, not beside the line, where it ran into the
            # labels of bars that stop at 0.5; two lines, so neither is cut on a phone.
            "subtitle": {
                "text": f"{summary}<br>colour = target: blue 1, vermilion 0 · dashed: 0.5, "
                "the decision line"
            },
        },
        "xaxis": {"automargin": True},
        "yaxis": {"title": {"text": "P(label 1)"}, "range": [0, 1.25]},
        "height": height,
        "showlegend": False,
        "margin": {"l": 60, "r": 20, "t": 100, "b": 40},
        "shapes": [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": 0.5,
                "y1": 0.5,
                "line": {"dash": "dash", "color": "#333333", "width": 1},
            },
        ],  # fmt: skip
    }
    frames = []
    if history is not None and epochs is not None and len(history) > 1:
        for i in thin(len(history)):
            bars = _bar_trace(labels, np.asarray(history[i], dtype=float), targets)
            frames.append(
                {
                    "name": str(epochs[i]),
                    "data": [
                        {
                            "type": "bar",
                            "y": bars["y"],
                            "text": bars["text"],
                            "marker": bars["marker"],
                        }
                    ],
                }
            )
        layout["sliders"] = [epoch_slider([f["name"] for f in frames], 90, {"duration": 0})]
        layout["margin"]["b"] = 190
        layout["height"] = height + 120
    figure = go.Figure(data=[_bar_trace(labels, probabilities, targets)], frames=frames or None,
                       layout=layout)  # fmt: skip
    return figure


# --- Weights ----------------------------------------------------------------------------------


def weights_heatmap(
    values: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str,
    x_title: str = "channel",
    y_title: str = "position",
    height: int | None = None,
) -> go.Figure:
    """A small signed matrix, rows top to bottom, values written in the cells (RdBu, 0 = white)."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (len(row_labels), len(col_labels)):
        raise ValueError(f"values of shape {values.shape} do not fit the labels")
    bound = float(np.abs(values).max(initial=0)) or 1.0
    scale = [[i / (len(DIVERGING) - 1), c] for i, c in enumerate(DIVERGING)]
    figure = go.Figure(
        go.Heatmap(
            z=values.tolist(),
            x=list(col_labels),
            y=list(row_labels),
            zmin=-bound,
            zmax=bound,
            colorscale=scale,
            text=[[format_value(v) for v in row] for row in values],
            texttemplate="%{text}",
            hovertemplate=f"{y_title} %{{y}}, {x_title} %{{x}}: %{{z:.4f}}<extra></extra>",
            colorbar={"title": {"text": "weight"}},
        )
    )
    # Wrapped: "Dense weights: one row per position of the conv output" ran off a phone.
    title = wrap_title(title)
    extra = TITLE_LINE_PX * (title_lines(title) - 1)
    figure.update_layout(
        title={"text": title},
        xaxis={"title": {"text": x_title}, "type": "category"},
        yaxis={"title": {"text": y_title}, "type": "category", "autorange": "reversed"},
        height=(height or 120 + 45 * len(row_labels)) + extra,
        margin={"l": 70, "r": 20, "t": 50 + extra, "b": 50},
    )
    return figure
