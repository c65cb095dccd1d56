"""Figure builders for the image pages (sections 5-8): arrays -> Plotly figures, no Streamlit.

- ``image_set_figure(images, labels, probabilities=None, ...)``: the whole set as thumbnails
  (ink dark, rows top to bottom), each with its label and, after training, the predicted
  probability of label 1; wrong answers get a thick vermilion frame and a "✗", undecided
  ones (P shows 0.5000) a grey frame.
- ``image_figure(image, title=...)``: one binary image with 0/1 written in its cells.
- ``feature_maps_figure(maps, title=...)``: a conv layer's output for one image, one annotated
  panel per channel (sigmoid outputs on the sequential 0..1 scale);
  ``app.core.image_analysis.regions_text`` says which 2x2 window each output cell reads.
- ``region_vectors_animation(snapshots, names, targets, ...)``: the 2-vector of every distinct
  2x2 region, labelled by its bit string, and the pooled vector of every image, moving in the
  unit square over training. A thin wrapper round the vectors animation (not a copy), with the
  image pages' names.

The numbers the pages write out about a run (names, regions, pooling stories) are in
``app.core.image_analysis``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.core.decision_lines import DecisionLine
from app.core.image_analysis import as_pixels, display_name
from app.core.verdicts import verdicts
from app.figures import base
from app.figures.titles import TITLE_LINE_PX, title_lines, wrap_title
from app.figures.vectors import vectors_animation

INK = "#1b1f24"
PAPER = "#ffffff"
WRONG = "#D55E00"  # Okabe-Ito vermilion: stands out for every common colour-vision deficiency
RIGHT = "#009E73"  # Okabe-Ito bluish green
UNDECIDED = "#777777"  # P shows 0.5000: neither right nor wrong
FRAME = "#9aa5b1"  # every thumbnail's thin frame
THUMB_PX = 22  # one pixel of a thumbnail on screen


def image_set_figure(
    images: np.ndarray,
    labels: Sequence[int],
    probabilities: Sequence[float] | None = None,
    *,
    title: str = "The images",
    per_row: int = 6,
) -> go.Figure:
    """Every image as a thumbnail with its label (and probability of label 1, if given).

    Parameters
    ----------
    images : ndarray, shape (n, height, width), 0/1
    labels : n ints (0/1)
    probabilities : n floats, optional
        The model's P(label 1); images on the wrong side of 0.5 are framed in vermilion.

    Returns
    -------
    go.Figure with one heatmap (all thumbnails in one mosaic, blank between them), one text
    trace under the thumbnails, a line trace framing every thumbnail in thin grey, and a
    thick frame shape per wrong or undecided answer.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must be (n, height, width) with n >= 1; got {images.shape}")
    n, h, w = images.shape
    if len(labels) != n or (probabilities is not None and len(probabilities) != n):
        raise ValueError("need one label (and one probability) per image")
    per_row = max(1, min(per_row, n))
    grid_rows = math.ceil(n / per_row)
    cell_w, cell_h = w + 1, h + 2  # a blank column right of each image, two text rows under it
    mosaic = np.full((grid_rows * cell_h, per_row * cell_w - 1), np.nan)
    xs, ys, texts, colours, shapes = [], [], [], [], []
    frame_xs: list = []
    frame_ys: list = []
    found = None if probabilities is None else verdicts(probabilities, np.asarray(labels))
    marks = {"right": ("✓", RIGHT), "wrong": ("✗", WRONG), "undecided": ("undecided", UNDECIDED)}
    for i in range(n):
        gr, gc = divmod(i, per_row)
        top, left = gr * cell_h, gc * cell_w
        mosaic[top : top + h, left : left + w] = images[i]
        x0, x1, y0, y1 = left - 0.5, left + w - 0.5, top - 0.5, top + h - 0.5
        frame_xs += [x0, x1, x1, x0, x0, None]
        frame_ys += [y0, y0, y1, y1, y0, None]
        text = f"#{i} label {int(labels[i])}"
        colour = INK
        if found is not None:
            mark, colour = marks[found[i]]
            text += f"<br>p={float(probabilities[i]):.3f} {mark}"
            if found[i] != "right":  # framed: wrong in vermilion, undecided in grey
                shapes.append(_frame(top, left, h, w, colour, 4))
        xs.append(left + (w - 1) / 2)
        ys.append(top + h - 0.3)
        texts.append(text)
        colours.append(colour)
    if found is not None:
        title = f"{title}: {int(np.sum(found == 'right'))} of {n} on the right side of 0.5"
    heatmap = {
        "type": "heatmap",
        "z": [[None if math.isnan(v) else v for v in row] for row in mosaic.tolist()],
        "zmin": 0,
        "zmax": 1,
        "colorscale": [[0, PAPER], [1, INK]],
        "showscale": False,
        "xgap": 1,
        "ygap": 1,
        "hoverinfo": "skip",
    }
    text_trace = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "text",
        "text": texts,
        "textposition": "bottom center",
        "textfont": {"size": 10, "color": colours},
        "hoverinfo": "skip",
    }
    # A thin frame round every thumbnail: the blank image is then a white square, not a gap.
    frames = {
        "type": "scatter",
        "x": frame_xs,
        "y": frame_ys,
        "mode": "lines",
        "line": {"color": FRAME, "width": 1},
        "hoverinfo": "skip",
    }
    height = grid_rows * cell_h * THUMB_PX + 90
    layout = {
        "title": {"text": wrap_title(title), "x": 0, "xanchor": "left", "font": {"size": 16}},
        "height": height + TITLE_LINE_PX * (title_lines(wrap_title(title)) - 1),
        "margin": {
            "l": 10,
            "r": 10,
            "t": 30 + TITLE_LINE_PX * title_lines(wrap_title(title)),
            "b": 10,
        },
        "plot_bgcolor": PAPER,
        "xaxis": {
            "title": {"text": "images in data order (dark = 1)"},
            "visible": False,
            "range": [-0.6, per_row * cell_w - 1.4],
            "fixedrange": True,
            "constrain": "domain",
        },
        "yaxis": {
            "title": {"text": "image rows"},
            "visible": False,
            "autorange": "reversed",
            "scaleanchor": "x",
            "fixedrange": True,
        },
        "shapes": shapes,
        "showlegend": False,
    }
    return go.Figure(data=[heatmap, text_trace, frames], layout=layout, _validate=False)


def _frame(top: int, left: int, h: int, w: int, colour: str, width: float) -> dict:
    """A rectangle just inside the thumbnail at (top, left) of size h x w cells."""
    return {
        "type": "rect",
        "x0": left - 0.45,
        "x1": left + w - 0.55,
        "y0": top - 0.45,
        "y1": top + h - 0.55,
        "line": {"color": colour, "width": width},
        "layer": "above",
    }


def image_figure(image: np.ndarray, *, title: str) -> go.Figure:
    """One binary image, its 0/1 values written in the cells (rows top to bottom)."""
    values = as_pixels(image)
    panel = base.Panel(values, title=f"{values.shape[0]} x {values.shape[1]} pixels")
    return base.panels_figure(
        [panel],
        title=title,
        axes=base.Axes("column", "row"),
        colour_range=(0.0, 1.0),
        scale=(PAPER, INK),
        colour_title="pixel",
        cell_px=40,
    )


def feature_maps_figure(
    maps: np.ndarray, *, title: str, channel_prefix: str = "channel"
) -> go.Figure:
    """A conv layer's output for one image: a panel per channel, values written in the cells.

    Parameters
    ----------
    maps : ndarray, shape (out_h, out_w, channels)
        Sigmoid outputs are drawn on the sequential 0..1 scale with its colour bar; others
        (ReLU, tanh) on the signed scale symmetric around 0. ``regions_text`` says which input window each cell reads.
    """
    maps = np.asarray(maps, dtype=np.float64)
    if maps.ndim != 3:
        raise ValueError(f"feature maps must be (height, width, channels); got {maps.shape}")
    in_unit = bool(np.all((maps >= 0) & (maps <= 1)))
    panels = [
        base.Panel(maps[:, :, c], title=f"{channel_prefix} {c}") for c in range(maps.shape[2])
    ]
    figure = base.panels_figure(
        panels,
        title=title,
        axes=base.Axes("output column", "output row"),
        colour_range=(0.0, 1.0) if in_unit else None,
        scale=base.SEQUENTIAL if in_unit else base.DIVERGING,
        colour_title="activation",
        cell_px=44,
    )
    return with_unit_bar(figure) if in_unit else figure


UNIT_BAR_PX = 50
"""Room the 0..1 colour bar takes under the panels: the bar, its ticks and its title."""


def with_unit_bar(figure: go.Figure) -> go.Figure:
    """``figure`` with its colour bar shown (a 0..1 scale tells nothing without it), across
    under the panels: beside them it took 70 px of a phone's width from the cells, and
    "0.000524" ran into its neighbour. The figure grows by ``UNIT_BAR_PX`` at the bottom, so
    its panels keep their size and place."""
    layout = figure.layout
    height = layout.height or 300
    bottom = layout.margin.b if layout.margin.b is not None else 40
    layout.height = height + UNIT_BAR_PX
    layout.margin.b = bottom + UNIT_BAR_PX
    plot_px = layout.height - (layout.margin.t or 0) - layout.margin.b
    layout.coloraxis.showscale = True
    layout.coloraxis.colorbar.update(
        orientation="h", x=0, xanchor="left", lenmode="pixels", len=180, thickness=10,
        # Its top just under the lowest panels' axis titles (in fractions of the plot area).
        y=-(bottom + 8) / plot_px, yanchor="top",
        title={"side": "right"},
    )  # fmt: skip
    return figure


def region_vectors_animation(
    epochs: Sequence[int],
    region_vectors: Sequence[dict[str, np.ndarray]],
    image_vectors: Sequence[np.ndarray] | None,
    names: Sequence[str],
    targets: Sequence[float],
    *,
    title: str = "2x2 region vectors (◆) and pooled image vectors (●) during training",
    channels: tuple[int, int] = (0, 1),
    decision: Sequence[DecisionLine] | None = None,
) -> go.Figure:
    """Region vectors labelled by bit string, and image vectors, over training.

    Pass ``image_vectors`` None to show only the regions (e.g. flattened models, whose image
    vectors have more than two numbers); ``decision``: the dense layer's line per snapshot.
    """
    return vectors_animation(
        list(epochs),
        list(region_vectors),
        None if image_vectors is None else list(image_vectors),
        [display_name(n) for n in names],
        list(targets),
        channels=channels,
        window_name="region",
        example_name="image",
        title=title,
        decision=decision,
    )
