"""Learned vectors in the plane (sections 3-8): window and example vectors as labelled points.

``vectors_animation(epochs, window_vectors, example_vectors=None, example_labels=(), targets=(),
*, channels=(0, 1), ...)``
    The 2-vectors of the windows (bigrams / regions) and of the examples (sentences / images)
    as labelled points, one animation frame per snapshot, with a play button and a slider.
    Examples whose vector has more than two numbers (flattened models: positions x channels)
    are drawn as a path through their position vectors.

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

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from app.figures.training import LABEL_COLOURS, epoch_slider, thin

WINDOW_COLOUR = "#4d4d4d"


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
    slider = epoch_slider([frame["name"] for frame in frames], 40, {"duration": 0, "redraw": False})
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


def _unit_square(figure: go.Figure) -> None:
    """Outline [0, 1]^2, where sigmoid outputs live."""
    figure.add_shape(
        type="rect", x0=0, y0=0, x1=1, y1=1,
        line={"color": "#999999", "width": 1, "dash": "dot"}, layer="below",
    )  # fmt: skip
