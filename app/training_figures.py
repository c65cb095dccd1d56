"""Figure builders for the training pages (sections 3-8): arrays -> Plotly figures, no Streamlit.

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
``vectors_animation(epochs, window_vectors, example_vectors=None, example_labels=(),
targets=(), *, channels=(0, 1), ...)``
    The 2-vectors of the windows (bigrams / regions) and of the examples (sentences / images)
    as labelled points, one animation frame per snapshot, with a play button and a slider.
    Examples whose vector has more than two numbers (flattened models: positions x channels)
    are drawn as a path through their position vectors.
``vectors_figure(window_vectors, ...)``
    The same for one moment (no animation).
``probability_bars(labels, probabilities, targets, *, epochs=None, history=None, ...)``
    Predicted probability of label 1 per example, the 0.5 decision line, wrong answers marked
    (hatched, red outline, "✗" in the text); with ``history`` an animation over snapshots.
``weights_heatmap(values, row_labels, col_labels, *, title, ...)``
    A small signed matrix (e.g. dense weights per position and channel) with written values.

Usage::

    from app import training_figures as tf
    run = ...  # a TrainingRun from app.training_panel
    fig = tf.vectors_animation(
        [s.epoch for s in run.snapshots],
        [s.window_vectors for s in run.snapshots],
        [s.example_vectors for s in run.snapshots],
        run.data.names, run.data.targets,
    )
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from app.core.numbers import format_value
from app.figures import DIVERGING

LN2 = math.log(2.0)
"""Mean cross-entropy of a model that answers 0.5 for every example: where training starts."""

# Okabe-Ito colours (distinguishable with every common colour-vision deficiency).
LABEL_COLOURS = {1: "#0072B2", 0: "#D55E00"}
WINDOW_COLOUR = "#4d4d4d"
WRONG_COLOUR = "#cc0000"
CURVE_COLOUR = "#0072B2"
MAX_FRAMES = 60
"""Animation frames at most; longer snapshot lists are thinned evenly (first and last kept)."""


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
    yaxis: dict = {"title": {"text": "error" + (" (log scale)" if log_scale else "")}}
    if log_scale:
        yaxis["type"] = "log"
        positive = values[values > 0]
        low = float(positive.min()) if positive.size else 1e-3
        yaxis["range"] = [
            math.log10(min(low, LN2) / 1.5),
            math.log10(max(LN2, values.max(initial=0)) * 1.5),
        ]
    else:
        yaxis["range"] = [0, max(LN2, float(values.max(initial=0))) * 1.1]
    figure.update_layout(
        title={"text": title},
        xaxis={"title": {"text": "epoch"}, "range": [0, x_max]},
        yaxis=yaxis,
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        showlegend=False,
        shapes=[reference_line],
        annotations=[reference_text],
    )
    return figure


# --- Vectors in the unit square -----------------------------------------------------------------


def _axis_range(arrays: Sequence[np.ndarray]) -> list[float]:
    """[0, 1] (sigmoid outputs) widened to hold every value (ReLU, tanh), with a margin."""
    low = min([0.0, *(float(a.min()) for a in arrays if a.size)])
    high = max([1.0, *(float(a.max()) for a in arrays if a.size)])
    margin = 0.08 * (high - low)
    return [low - margin, high + margin]


def _window_trace(vectors: Mapping[str, np.ndarray], channels: tuple[int, int], name: str) -> dict:
    labels = list(vectors)
    points = np.array([np.asarray(vectors[k], dtype=np.float64) for k in labels]).reshape(
        len(labels), -1
    )
    a, b = channels
    return {
        "type": "scatter",
        "x": points[:, a].tolist() if len(labels) else [],
        "y": points[:, b].tolist() if len(labels) else [],
        "mode": "markers+text",
        "text": labels,
        "textposition": "top center",
        "textfont": {"size": 11, "color": WINDOW_COLOUR},
        "marker": {"symbol": "diamond", "size": 9, "color": WINDOW_COLOUR},
        "name": f"{name} vectors",
        "hovertemplate": f"{name} %{{text}}<br>(%{{x:.4f}}, %{{y:.4f}})<extra></extra>",
    }


def _example_traces(
    vectors: np.ndarray,
    labels: Sequence[str],
    targets: Sequence[float],
    channels: tuple[int, int],
    name: str,
    n_channels: int,
) -> list[dict]:
    """One trace per target class: a point per example, or a path over its positions."""
    vectors = np.asarray(vectors, dtype=np.float64).reshape(len(labels), -1)
    a, b = channels
    positions = vectors.shape[1] // n_channels
    traces = []
    for label_value in (1, 0):
        xs: list = []
        ys: list = []
        texts: list = []
        for row, text, target in zip(vectors, labels, targets, strict=True):
            if int(round(float(target))) != label_value:
                continue
            grid = row.reshape(positions, n_channels)
            xs += grid[:, a].tolist()
            ys += grid[:, b].tolist()
            if positions == 1:
                texts.append(text)
            else:
                texts += [f"{text} @{p}" for p in range(positions)]
                xs.append(None)  # break the path between examples
                ys.append(None)
                texts.append("")
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "markers+text" if positions == 1 else "lines+markers",
                "text": texts,
                "textposition": "bottom center",
                "textfont": {"size": 11, "color": LABEL_COLOURS[label_value]},
                "marker": {
                    "symbol": "circle",
                    "size": 12 if positions == 1 else 8,
                    "color": LABEL_COLOURS[label_value],
                    "line": {"width": 1, "color": "white"},
                },
                "line": {"color": LABEL_COLOURS[label_value], "width": 1, "dash": "dot"},
                "name": f"{name}s labelled {label_value}",
                "hovertemplate": f"{name} %{{text}}<br>(%{{x:.4f}}, %{{y:.4f}})<extra></extra>",
            }
        )
    return traces


def _frame_data(
    windows: Mapping[str, np.ndarray],
    examples: np.ndarray | None,
    example_labels: Sequence[str],
    targets: Sequence[float],
    channels: tuple[int, int],
    window_name: str,
    example_name: str,
    n_channels: int,
) -> list[dict]:
    data = [_window_trace(windows, channels, window_name)]
    if examples is not None:
        data += _example_traces(
            examples, example_labels, targets, channels, example_name, n_channels
        )
    return data


def _n_channels(windows: Mapping[str, np.ndarray]) -> int:
    first = next(iter(windows.values()), np.zeros(2))
    return int(np.asarray(first).size)


def vectors_animation(
    epochs: Sequence[int],
    window_vectors: Sequence[Mapping[str, np.ndarray]],
    example_vectors: Sequence[np.ndarray] | None = None,
    example_labels: Sequence[str] = (),
    targets: Sequence[float] = (),
    *,
    channels: tuple[int, int] = (0, 1),
    window_name: str = "bigram",
    example_name: str = "sentence",
    title: str = "Learned vectors during training",
    height: int = 520,
) -> go.Figure:
    """Window and example vectors moving over training: frames, a play button and a slider.

    Parameters
    ----------
    epochs : sequence of int, length m
        Epoch of each snapshot.
    window_vectors : sequence of {label: ndarray (channels,)}, length m
    example_vectors : sequence of ndarray (n, features), length m, optional
        ``features`` = channels (pooled models: one point per example) or positions x channels
        (flattened models: a dotted path through the example's position vectors).
    example_labels, targets : length n
        Point labels and 0/1 targets (colour: blue 1, vermilion 0).
    channels : (int, int)
        Which two channels go on the x and y axes.
    """
    if len(epochs) != len(window_vectors) or len(epochs) == 0:
        raise ValueError("need one window-vector dict per epoch, and at least one snapshot")
    picks = thin(len(epochs))
    n_channels = _n_channels(window_vectors[0])
    frames = []
    full_data: list[dict] = []
    for i in picks:
        examples = None if example_vectors is None else example_vectors[i]
        full_data = _frame_data(
            window_vectors[i], examples, example_labels, targets, channels,
            window_name, example_name, n_channels,
        )  # fmt: skip
        # Frames carry only the coordinates: Plotly merges them into the traces, so labels,
        # colours and hover text are sent once (this keeps the figure small and quick to send).
        frames.append(
            {
                "name": str(epochs[i]),
                "data": [
                    {"type": "scatter", "x": trace["x"], "y": trace["y"]} for trace in full_data
                ],
                "layout": {"title": {"text": f"{title} — epoch {epochs[i]}"}},
            }
        )
    arrays = [np.array(list(w.values())) for w in window_vectors]
    if example_vectors is not None:
        arrays += [np.asarray(e) for e in example_vectors]
    axis_range = _axis_range(arrays)
    slider = {
        "active": len(frames) - 1,
        "currentvalue": {"prefix": "epoch "},
        "pad": {"t": 40},
        "steps": [
            {
                "label": frame["name"],
                "method": "animate",
                "args": [
                    [frame["name"]],
                    {
                        "mode": "immediate",
                        "frame": {"duration": 0, "redraw": False},
                        "transition": {"duration": 0},
                    },
                ],  # fmt: skip
            }
            for frame in frames
        ],
    }
    buttons = {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": -0.2,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 0, "r": 10},
        "showactive": False,
        "buttons": [
            {
                "label": "▶ play",
                "method": "animate",
                "args": [
                    None,
                    {
                        "frame": {"duration": 120, "redraw": False},
                        "fromcurrent": True,
                        "transition": {"duration": 80},
                        "mode": "immediate",
                    },
                ],  # fmt: skip
            },
            {
                "label": "❚❚ pause",
                "method": "animate",
                "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
            },
        ],
    }
    last = frames[-1]
    figure = go.Figure(
        data=full_data,
        frames=frames,
        layout={
            "title": last["layout"]["title"],
            "xaxis": {"title": {"text": f"channel {channels[0]}"}, "range": axis_range},
            "yaxis": {
                "title": {"text": f"channel {channels[1]}"},
                "range": axis_range,
                "scaleanchor": "x",
                "scaleratio": 1,
            },  # fmt: skip
            "height": height,
            "updatemenus": [buttons],
            "sliders": [
                {**slider, "x": 0.36, "len": 0.64, "y": -0.2, "yanchor": "top", "pad": {"t": 0}}
            ],  # fmt: skip
            "legend": {"orientation": "h", "y": -0.42, "yanchor": "top", "x": 0},
            "margin": {"l": 60, "r": 20, "t": 50, "b": 170},
        },
    )
    _unit_square(figure)
    return figure


def vectors_figure(
    window_vectors: Mapping[str, np.ndarray],
    example_vectors: np.ndarray | None = None,
    example_labels: Sequence[str] = (),
    targets: Sequence[float] = (),
    *,
    channels: tuple[int, int] = (0, 1),
    window_name: str = "bigram",
    example_name: str = "sentence",
    title: str = "Learned vectors",
    height: int = 480,
) -> go.Figure:
    """One moment of :func:`vectors_animation` (no frames, no controls)."""
    n_channels = _n_channels(window_vectors)
    data = _frame_data(
        window_vectors, example_vectors, example_labels, targets, channels,
        window_name, example_name, n_channels,
    )  # fmt: skip
    arrays = [np.array(list(window_vectors.values()))]
    if example_vectors is not None:
        arrays.append(np.asarray(example_vectors))
    axis_range = _axis_range(arrays)
    figure = go.Figure(
        data=data,
        layout={
            "title": {"text": title},
            "xaxis": {"title": {"text": f"channel {channels[0]}"}, "range": axis_range},
            "yaxis": {
                "title": {"text": f"channel {channels[1]}"},
                "range": axis_range,
                "scaleanchor": "x",
                "scaleratio": 1,
            },  # fmt: skip
            "height": height,
            "legend": {"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0},
            "margin": {"l": 60, "r": 20, "t": 50, "b": 90},
        },
    )
    _unit_square(figure)
    return figure


def _unit_square(figure: go.Figure) -> None:
    """Outline [0, 1]^2, where sigmoid outputs live."""
    figure.add_shape(
        type="rect", x0=0, y0=0, x1=1, y1=1,
        line={"color": "#999999", "width": 1, "dash": "dot"}, layer="below",
    )  # fmt: skip


# --- Probabilities --------------------------------------------------------------------------------


def _bar_trace(labels: Sequence[str], probabilities: np.ndarray, targets: np.ndarray) -> dict:
    wrong = (probabilities > 0.5) != (targets > 0.5)
    colours = [LABEL_COLOURS[int(t > 0.5)] for t in targets]
    return {
        "type": "bar",
        "x": list(labels),
        "y": probabilities.tolist(),
        "text": [
            f"{p:.4f} ✗ wrong" if w else f"{p:.4f} ✓"
            for p, w in zip(probabilities, wrong, strict=True)
        ],
        "textposition": "outside",
        "marker": {
            "color": colours,
            "line": {
                "color": [WRONG_COLOUR if w else "rgba(0,0,0,0)" for w in wrong],
                "width": [3 if w else 0 for w in wrong],
            },
            "pattern": {"shape": ["/" if w else "" for w in wrong], "fgcolor": "white"},
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
    wrong = int(np.sum((probabilities > 0.5) != (targets > 0.5)))
    summary = f"{len(labels) - wrong} of {len(labels)} on the right side of 0.5"
    layout: dict = {
        "title": {
            "text": title,
            "subtitle": {"text": f"{summary} · colour = target: blue 1, vermilion 0"},
        },
        "xaxis": {"automargin": True},
        "yaxis": {"title": {"text": "P(label 1)"}, "range": [0, 1.15]},
        "height": height,
        "showlegend": False,
        "margin": {"l": 60, "r": 20, "t": 80, "b": 40},
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
        "annotations": [
            {
                "xref": "paper",
                "x": 1,
                "y": 0.5,
                "yanchor": "bottom",
                "xanchor": "right",
                "text": "0.5: decision line",
                "showarrow": False,
                "font": {"size": 11},
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
        layout["sliders"] = [
            {
                "active": len(frames) - 1,
                "currentvalue": {"prefix": "epoch "},
                "pad": {"t": 90},
                "steps": [
                    {
                        "label": f["name"],
                        "method": "animate",
                        "args": [
                            [f["name"]],
                            {
                                "mode": "immediate",
                                "frame": {"duration": 0},
                                "transition": {"duration": 0},
                            },
                        ],
                    }  # fmt: skip
                    for f in frames
                ],
            }
        ]
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
    figure.update_layout(
        title={"text": title},
        xaxis={"title": {"text": x_title}, "type": "category"},
        yaxis={"title": {"text": y_title}, "type": "category", "autorange": "reversed"},
        height=height or 120 + 45 * len(row_labels),
        margin={"l": 70, "r": 20, "t": 50, "b": 50},
    )
    return figure
