"""What a run learned, drawn: conv kernels, word embeddings, one example's feature maps.

Signed weights use the diverging scale of every other weight figure (``app.figures.base``:
negative red, zero white, positive blue, values written in the cells).

``kernel_figure(kernel, *, title, tap_labels=None)``
    A 1D kernel (width, in, out): rows = taps, a column per (output, input) channel pair. A 2D
    kernel (height, width, in, out): a panel per (input, output) channel pair.
``embedding_figure(weights, words, *, title)``
    The embedding table (vocabulary, size) with a row per word.
``embedding_points(weights, words, *, dims=(0, 1), title)``
    Each word at its vector (two of its numbers) in the plane; words at one spot share a label.
``positions_figure(maps, labels, *, title)``
    One sentence's conv output (positions, channels), rows labelled by their bigrams; sigmoid
    outputs on the sequential 0..1 scale with its colour bar.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.core.label_layout import LabelSeries, place_labels
from app.figures.base import DIVERGING, SEQUENTIAL, Axes, Panel, panels_figure
from app.figures.images import with_unit_bar
from app.figures.panel_grid import kernel_per_row
from app.figures.vectors import point_label

WORD_COLOUR = "#4d4d4d"


def kernel_figure(
    kernel: np.ndarray, *, title: str, tap_labels: Sequence[str] | None = None
) -> go.Figure:
    """A learned conv kernel, channels last: (width, in, out) or (height, width, in, out)."""
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim == 3:
        # One panel, the output channels side by side: the tap labels are words, and panels
        # side by side (or stacked, on a phone) would collide with them.
        width, n_in, n_out = kernel.shape
        rows = tuple(tap_labels) if tap_labels is not None else tuple(map(str, range(width)))
        columns = tuple(f"out {o} · in {i}" for o in range(n_out) for i in range(n_in))
        matrix = kernel.transpose(0, 2, 1).reshape(width, n_out * n_in)
        panels = [Panel(matrix, title="", row_labels=rows, col_labels=columns)]
        axes = Axes("output channel · embedding number it weighs", "kernel tap")
        per_row = 1
    elif kernel.ndim == 4:
        n_in, n_out = kernel.shape[2:]
        panels = [
            Panel(kernel[:, :, i, o], title=f"out {o}" if n_in == 1 else f"in {i} → out {o}")
            for o in range(n_out)
            for i in range(n_in)
        ]
        axes = Axes("kernel column", "kernel row")
        per_row = kernel_per_row(n_in, n_out)
    else:
        raise ValueError(f"a kernel has 3 or 4 axes (channels last); got shape {kernel.shape}")
    return panels_figure(panels, title=title, axes=axes, colour_title="weight", per_row=per_row)


def embedding_figure(weights: np.ndarray, words: Sequence[str], *, title: str) -> go.Figure:
    """The embedding table: a row per word, a column per number of its vector."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or weights.shape[0] != len(words):
        raise ValueError(f"need one row per word; got {weights.shape} for {len(words)} words")
    panel = Panel(
        weights, title="", row_labels=tuple(words),
        col_labels=tuple(str(d) for d in range(weights.shape[1])),
    )  # fmt: skip
    return panels_figure(
        [panel], title=title, axes=Axes("number", "word"), colour_title="weight", per_row=1
    )


def embedding_points(
    weights: np.ndarray,
    words: Sequence[str],
    *,
    dims: tuple[int, int] = (0, 1),
    title: str,
    height: int = 360,
) -> go.Figure:
    """Each word as a point at two numbers of its vector. Words at one spot (an untrained
    vector, or words the model never told apart) share one label; every label is placed clear
    of the others and of the points (``app.core.label_layout``)."""
    weights = np.asarray(weights, dtype=np.float64)
    a, b = dims
    xs, ys = weights[:, a].tolist(), weights[:, b].tolist()
    top = float(np.abs(weights[:, [a, b]]).max(initial=0)) or 1.0
    span = (-1.25 * top, 1.25 * top)
    labels = place_labels([LabelSeries(xs, ys, list(words), "word")], x_range=span, y_range=span)
    figure = go.Figure(
        go.Scatter(
            x=xs, y=ys, text=list(words), mode="markers",
            marker={"size": 9, "color": WORD_COLOUR, "line": {"color": "#ffffff", "width": 1}},
            hovertemplate="%{text}: (%{x:.4f}, %{y:.4f})<extra></extra>", name="words",
        )
    )  # fmt: skip
    figure.update_layout(
        title={"text": title},
        xaxis={"title": {"text": f"number {a}"}, "range": list(span), "zeroline": True},
        yaxis={"title": {"text": f"number {b}"}, "range": list(span), "scaleanchor": "x"},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        showlegend=False,
        annotations=[point_label(label, WORD_COLOUR) for label in labels],
    )
    return figure


def positions_figure(maps: np.ndarray, labels: Sequence[str], *, title: str) -> go.Figure:
    """One sentence's conv output after the activation: a row per position (its bigram)."""
    maps = np.asarray(maps, dtype=np.float64)
    if maps.ndim != 2 or maps.shape[0] != len(labels):
        raise ValueError(f"need one label per position; got {maps.shape} for {len(labels)}")
    in_unit = bool(np.all((maps >= 0) & (maps <= 1)))
    panel = Panel(
        maps, title="", row_labels=tuple(labels),
        col_labels=tuple(f"ch {c}" for c in range(maps.shape[1])),
    )  # fmt: skip
    figure = panels_figure(
        [panel], title=title, axes=Axes("channel", "position (its bigram)"),
        colour_range=(0.0, 1.0) if in_unit else None, colour_title="activation", per_row=1,
        scale=SEQUENTIAL if in_unit else DIVERGING,
    )  # fmt: skip
    return with_unit_bar(figure) if in_unit else figure
