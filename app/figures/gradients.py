"""Gradients of a training run: kernel and embedding gradients as heatmaps, norms over epochs.

- ``power_of_ten(*arrays)``: the exponent the heatmaps write their numbers in (gradients are
  often 1e-6 or smaller; a cell holds "3.54", the title says "× 1e-6").
- ``gradient_figure(values, name, *, title, exponent, colour_bound)``: one parameter's gradient
  (a 1D kernel (width, in, out), a 2D kernel (height, width, in, out) or an embedding table
  (words, size) with ``words``), one panel per output channel (and input channel), numbers in
  the cells, blue positive and red negative, on an explicit colour range so that two figures
  (the whole gradient and one example's share) compare colour for colour.
- ``norms_figure(epochs, layers, norms, *, log_scale)``: each layer's gradient norm against
  the epoch; ``mark_epoch(spec, epoch)`` marks the heatmaps' epoch on a copy of its spec.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import numpy as np
import plotly.graph_objects as go

from app.figures.base import Axes, Panel, panels_figure
from app.figures.panel_grid import PER_ROW, kernel_per_row

# Okabe-Ito colours and dashes, one per layer; none is the blue or red of the heatmaps' signs.
LAYER_STYLES: tuple[tuple[str, str], ...] = (
    ("#000000", "solid"),
    ("#E69F00", "dash"),
    ("#CC79A7", "dot"),
    ("#009E73", "dashdot"),
)


def power_of_ten(*arrays: np.ndarray) -> int:
    """``floor(log10(largest magnitude))`` over the arrays (0 when they are all zero)."""
    top = max((float(np.max(np.abs(a), initial=0.0)) for a in arrays), default=0.0)
    return math.floor(math.log10(top)) if top > 0 and math.isfinite(top) else 0


def scale_words(exponent: int) -> str:
    """How a figure says its numbers are scaled: "× 1e-6", or nothing for 10^0."""
    return f"× 1e{exponent}" if exponent else ""


def _panels(values: np.ndarray, words: Sequence[str] | None) -> tuple[list[Panel], Axes, int]:
    """The panels, their axes and how many go to a row: at most ``PER_ROW``, since the figures
    stand two side by side on a desktop, and four 2 x 2 panels in a row ran "0.0113" into
    "0.00761"."""
    if values.ndim == 2:  # an embedding table: one row per word
        labels = tuple(escape(w) for w in words) if words is not None else None
        cols = tuple(f"e{c}" for c in range(values.shape[1]))
        panel = Panel(values, "", row_labels=labels, col_labels=cols)
        return [panel], Axes("component", "word"), 1
    if values.ndim == 3:  # a 1D kernel (width, in, out): taps down, input channels across
        ins = tuple(f"e{c}" for c in range(values.shape[1]))
        panels = [
            Panel(values[:, :, out], f"channel {out}", col_labels=ins)
            for out in range(values.shape[2])
        ]
        return panels, Axes("input channel", "tap (word)"), PER_ROW
    ins, outs = values.shape[2], values.shape[3]
    panels = [
        Panel(values[:, :, i, out], f"channel {out}" if ins == 1 else f"in {i} → out {out}")
        for out in range(outs)
        for i in range(ins)
    ]
    return panels, Axes("kernel column", "kernel row"), kernel_per_row(ins, outs)


def gradient_figure(
    values: np.ndarray,
    *,
    title: str,
    exponent: int,
    colour_bound: float,
    words: Sequence[str] | None = None,
) -> go.Figure:
    """One parameter's gradient as annotated heatmaps, numbers written in units of 10^exponent.

    Parameters
    ----------
    values : ndarray
        (words, size) embedding, (width, in, out) 1D kernel or (height, width, in, out) 2D
        kernel gradient.
    exponent : int
        Cells (and the heatmap's ``z``) hold ``values / 10**exponent``.
    colour_bound : float
        The colour range is ``±colour_bound`` (in the scaled units); 0 means automatic.
    words : sequence of str, optional
        Row labels of an embedding table.
    """
    scaled = np.asarray(values, dtype=np.float64) / 10.0**exponent
    panels, axes, per_row = _panels(scaled, words)
    bound = colour_bound or float(np.max(np.abs(scaled), initial=0.0)) or 1.0
    suffix = scale_words(exponent)
    return panels_figure(
        panels,
        title=f"{title} ({suffix})" if suffix else title,
        axes=axes,
        colour_title=suffix or "gradient",
        colour_range=(-bound, bound),
        per_row=per_row,
    )


def norms_figure(
    epochs: Sequence[int],
    layers: Sequence[str],
    norms: np.ndarray,
    *,
    log_scale: bool,
    title: str = "Gradient norm per layer",
    height: int = 340,
) -> go.Figure:
    """Each layer's gradient norm against the epoch (epoch e: the gradient of update e).

    Parameters
    ----------
    epochs : sequence of int, shape (points,)
    layers : sequence of str
    norms : ndarray, shape (points, len(layers))
    log_scale : bool
        Log y axis (zeros are left out of it).
    """
    norms = np.asarray(norms, dtype=np.float64)
    x = [int(e) for e in epochs]
    traces = []
    for column, layer in enumerate(layers):
        colour, dash = LAYER_STYLES[column % len(LAYER_STYLES)]
        y = norms[:, column]
        if log_scale:
            y = np.where(y > 0, y, np.nan)
        traces.append(
            {
                "type": "scatter",
                "x": x,
                "y": [v if math.isfinite(v) else None for v in y.tolist()],
                "mode": "lines" if len(x) > 1 else "markers",
                "name": layer,
                "line": {"color": colour, "dash": dash, "width": 2},
                "marker": {"color": colour},
                "hovertemplate": f"{layer}<br>epoch %{{x}}<br>norm %{{y:.3g}}<extra></extra>",
            }
        )
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
        "xaxis": {"title": {"text": "epoch"}, "range": [0, max(max(x, default=0), 1)]},
        "yaxis": {
            "title": {"text": "gradient norm" + (" (log scale)" if log_scale else "")},
            "type": "log" if log_scale else "linear",
            "exponentformat": "power",
        },
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left"},
    }
    return go.Figure(data=traces, layout=layout)


def mark_epoch(spec: Mapping[str, Any], epoch: int) -> dict[str, Any]:
    """A copy of a ``norms_figure`` spec (``chart_spec.spec_of``) with ``epoch`` marked by a
    dotted line; ``spec`` itself is not changed (it may be a cached, shared one)."""
    last = max((max(trace["x"], default=0) for trace in spec["data"]), default=0)
    line = {
        "type": "line", "xref": "x", "yref": "paper", "x0": epoch, "x1": epoch, "y0": 0,
        "y1": 1, "line": {"color": "#555555", "width": 1, "dash": "dot"},
    }  # fmt: skip
    label = {
        # Inside the plot, on the side of the line with more room: never clipped.
        "xref": "x", "yref": "paper", "x": epoch, "y": 0.98, "yanchor": "top",
        "xanchor": "right" if epoch > last / 2 else "left", "text": f" epoch {epoch} ",
        "showarrow": False, "font": {"size": 11, "color": "#555555"},
    }  # fmt: skip
    return {**spec, "layout": {**spec["layout"], "shapes": [line], "annotations": [label]}}
