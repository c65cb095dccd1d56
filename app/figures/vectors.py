"""Learned vectors in the plane (sections 3-8): window and example vectors as labelled points.

``vectors_animation(epochs, window_vectors, example_vectors=None, example_labels=(), targets=(),
*, channels=(0, 1), ...)``
    The 2-vectors of the windows (bigrams / regions) and of the examples (sentences / images)
    as labelled points, one animation frame per snapshot, with a play button and a slider.
    Examples whose vector has more than two numbers (flattened models: positions x channels)
    are drawn as a path through their position vectors. With ``decision`` (one
    ``app.core.decision_lines.DecisionLine`` per snapshot) the dense layer's P = 0.5 line and
    its two shaded sides move with the frames (``app.figures.decision``).

Usage::

    from app.figures.vectors import vectors_animation
    run = ...  # a TrainingRun from app.core.training_jobs
    fig = vectors_animation(
        [s.epoch for s in run.snapshots],
        [s.window_vectors for s in run.snapshots],
        [s.example_vectors for s in run.snapshots],
        run.data.names, run.data.targets,
    )
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from app.core.decision_lines import DecisionLine
from app.core.label_layout import LabelSeries, PlacedLabel, place_labels
from app.figures.decision import decision_traces
from app.figures.titles import TITLE_LINE_PX, title_lines, wrap_title
from app.figures.training import LABEL_COLOURS, epoch_slider, thin

WINDOW_COLOUR = "#4d4d4d"
LEADER_COLOUR = "#9aa5b1"  # the line from a label moved away from its point
MAX_LABEL_BYTES = 100_000
"""When the labels of all frames would take more than this (long sentences, many of them),
only the last frame is labelled and the others show none (hovering still names every point):
else a page's largest data set goes over the websocket's budget (tests/test_message_size.py)."""


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
        # Names are written by ``_label_annotations`` (grouped, placed clear of each other);
        # the trace keeps them for hovering.
        "mode": "markers",
        "text": labels,
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
                "mode": "markers" if positions == 1 else "lines+markers",
                "text": texts,
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


def _label_annotations(
    data: Sequence[dict],
    window_name: str,
    example_name: str,
    axis_range: Sequence[float],
) -> list[dict]:
    """The names of the points of one frame as annotations: coincident points under one label,
    each label placed clear of the others and of every point (``app.core.label_layout``)."""
    pooled = len(data) > 1 and "lines" not in data[1]["mode"]
    kinds = [(data[0], WINDOW_COLOUR, window_name)]
    if pooled:  # flattened examples are paths: hover names their positions
        kinds += [(trace, LABEL_COLOURS[value], example_name)
                  for trace, value in zip(data[1:3], (1, 0), strict=True)]  # fmt: skip
    series = [LabelSeries(t["x"], t["y"], t["text"], noun) for t, _, noun in kinds]
    paths = [] if pooled else [
        (x, y) for t in data[1:3] for x, y in zip(t["x"], t["y"], strict=True) if x is not None
    ]  # fmt: skip
    bounds = (axis_range[0], axis_range[1])
    return [
        point_label(label, kinds[label.series][1])
        for label in place_labels(series, x_range=bounds, y_range=bounds, obstacles=paths)
    ]


def point_label(label: PlacedLabel, colour: str) -> dict:
    """A label placed by ``app.core.label_layout`` as a Plotly annotation: its text where the
    layout put it, a leader line to its point, and hovering lists the names it stands for."""
    # Short: one per point per frame, the bulk of a big animation (Plotly's defaults draw the
    # arrow, 1 px wide).
    return {
        "x": round(label.x, 4),
        "y": round(label.y, 4),
        "text": label.text,
        "ax": round(label.dx),
        "ay": round(label.dy),
        "arrowhead": 0,
        "arrowcolor": LEADER_COLOUR,
        "standoff": 5,
        "font": {"size": 11, "color": colour},
        "hovertext": ", ".join(label.members),
        "showarrow": True,
    }


def _same_length(frames: list[dict]) -> None:
    """Pad every frame's labels to one length with empty ones: Plotly merges a frame's
    annotations into the shown ones item by item, so a frame with fewer labels than the one
    before would leave the surplus on screen. Empty, not hidden: an animation step without a
    redraw does not take a label off the screen when it turns invisible. (Every label sets
    every key a frame may change.)"""
    longest = max(len(frame["layout"]["annotations"]) for frame in frames)
    hidden = {"x": 0, "y": 0, "text": "", "hovertext": "", "showarrow": False}
    for frame in frames:
        labels = frame["layout"]["annotations"]
        labels.extend(dict(hidden) for _ in range(longest - len(labels)))


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
    height: int = 650,
    decision: Sequence[DecisionLine] | None = None,
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
    decision : sequence of DecisionLine, length m, optional
        The dense layer's decision line at each snapshot, in the plane of ``channels``.
    """
    if len(epochs) != len(window_vectors) or len(epochs) == 0:
        raise ValueError("need one window-vector dict per epoch, and at least one snapshot")
    if decision is not None and len(decision) != len(epochs):
        raise ValueError("need one decision line per epoch")
    picks = thin(len(epochs))
    n_channels = _n_channels(window_vectors[0])
    arrays = [np.array(list(w.values())) for w in window_vectors]
    if example_vectors is not None:
        arrays += [np.asarray(e) for e in example_vectors]
    axis_range = _axis_range(arrays)
    frames = []
    full_data: list[dict] = []
    for i in picks:
        examples = None if example_vectors is None else example_vectors[i]
        full_data = _frame_data(
            window_vectors[i], examples, example_labels, targets, channels,
            window_name, example_name, n_channels,
        )  # fmt: skip
        annotations = _label_annotations(full_data, window_name, example_name, axis_range)
        if decision is not None:
            # Last, so the points keep their trace numbers; the washes are light enough to
            # lie over them. Drawn far past the axis range: with equal scales the plot shows
            # more of one axis than asked for, and the sides must fill all of it.
            span = axis_range[1] - axis_range[0]
            wide = [axis_range[0] - 4 * span, axis_range[1] + 4 * span]
            full_data += decision_traces(decision[i], wide, wide)
        # Frames carry only the coordinates: Plotly merges them into the traces, so labels,
        # colours and hover text are sent once (this keeps the figure small and quick to send).
        frames.append(
            {
                "name": str(epochs[i]),
                "data": [
                    {"type": "scatter", "x": trace["x"], "y": trace["y"]} for trace in full_data
                ],
                "layout": {
                    "title": {"text": wrap_title(f"{title} — epoch {epochs[i]}")},
                    "annotations": annotations,
                },
            }
        )
    if len(json.dumps([frame["layout"]["annotations"] for frame in frames])) > MAX_LABEL_BYTES:
        for frame in frames[:-1]:
            frame["layout"]["annotations"] = []
    _same_length(frames)
    slider = epoch_slider([frame["name"] for frame in frames], 40, {"duration": 0, "redraw": False})
    buttons = {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": -0.24,
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
    lines = max(title_lines(frame["layout"]["title"]["text"]) for frame in frames)
    figure = go.Figure(
        data=full_data,
        frames=frames,
        layout={
            "title": last["layout"]["title"],
            "annotations": last["layout"]["annotations"],
            "xaxis": {"title": {"text": f"channel {channels[0]}"}, "range": axis_range},
            "yaxis": {
                "title": {"text": f"channel {channels[1]}"},
                "range": axis_range,
                "scaleanchor": "x",
                "scaleratio": 1,
            },  # fmt: skip
            "height": height,
            "updatemenus": [buttons],
            # The slider on a row of its own under the buttons: beside them, on a phone, the
            # buttons covered its "epoch N" label.
            "sliders": [
                {**slider, "x": 0.0, "len": 1.0, "y": -0.37, "yanchor": "top", "pad": {"t": 0}}
            ],  # fmt: skip
            "legend": {"orientation": "h", "y": -0.72, "yanchor": "top", "x": 0},
            "margin": {"l": 60, "r": 20, "t": 30 + TITLE_LINE_PX * lines, "b": 300},
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
