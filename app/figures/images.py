"""Figure builders for the image pages (sections 5-8): arrays -> Plotly figures, no Streamlit.

- ``image_set_figure(images, labels, probabilities=None, ...)``: the whole set as thumbnails
  (ink dark, rows top to bottom), each with its label and, after training, the predicted
  probability of label 1; wrong answers get a thick vermilion frame and a "✗".
- ``image_figure(image, title=...)``: one binary image with 0/1 written in its cells.
- ``feature_maps_figure(maps, title=...)``: a conv layer's output for one image, one annotated
  panel per channel (sigmoid outputs on a 0..1 scale, white at 0.5);
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

from app.core.image_analysis import as_pixels, display_name
from app.figures import base
from app.figures.vectors import vectors_animation

INK = "#1b1f24"
PAPER = "#ffffff"
WRONG = "#D55E00"  # Okabe-Ito vermilion: stands out for every common colour-vision deficiency
RIGHT = "#009E73"  # Okabe-Ito bluish green
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
    trace under the thumbnails, and a frame shape per wrong answer.
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
    wrong_count = 0
    for i in range(n):
        gr, gc = divmod(i, per_row)
        top, left = gr * cell_h, gc * cell_w
        mosaic[top : top + h, left : left + w] = images[i]
        text = f"#{i} label {int(labels[i])}"
        colour = INK
        if probabilities is not None:
            p = float(probabilities[i])
            wrong = (p > 0.5) != (int(labels[i]) == 1)
            wrong_count += wrong
            text += f"<br>p={p:.3f} {'✗' if wrong else '✓'}"
            colour = WRONG if wrong else RIGHT
            if wrong:
                shapes.append(
                    {
                        "type": "rect",
                        "x0": left - 0.45,
                        "x1": left + w - 0.55,
                        "y0": top - 0.45,
                        "y1": top + h - 0.55,
                        "line": {"color": WRONG, "width": 4},
                        "layer": "above",
                    }
                )
        xs.append(left + (w - 1) / 2)
        ys.append(top + h - 0.3)
        texts.append(text)
        colours.append(colour)
    if probabilities is not None:
        title = f"{title}: {n - wrong_count} of {n} on the right side of 0.5"
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
    height = grid_rows * cell_h * THUMB_PX + 90
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
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
    return go.Figure(data=[heatmap, text_trace], layout=layout, _validate=False)


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
        Sigmoid outputs are drawn on a 0..1 scale with 0.5 (undecided) white; others on a
        scale symmetric around 0. ``regions_text`` says which input window each cell reads.
    """
    maps = np.asarray(maps, dtype=np.float64)
    if maps.ndim != 3:
        raise ValueError(f"feature maps must be (height, width, channels); got {maps.shape}")
    in_unit = bool(np.all((maps >= 0) & (maps <= 1)))
    panels = [
        base.Panel(maps[:, :, c], title=f"{channel_prefix} {c}") for c in range(maps.shape[2])
    ]
    return base.panels_figure(
        panels,
        title=title,
        axes=base.Axes("output column", "output row"),
        colour_range=(0.0, 1.0) if in_unit else None,
        colour_title="activation",
        per_row=max(1, min(maps.shape[2], 4)),
        cell_px=44,
    )


def region_vectors_animation(
    epochs: Sequence[int],
    region_vectors: Sequence[dict[str, np.ndarray]],
    image_vectors: Sequence[np.ndarray] | None,
    names: Sequence[str],
    targets: Sequence[float],
    *,
    title: str = "2x2 region vectors (◆) and pooled image vectors (●) during training",
    channels: tuple[int, int] = (0, 1),
) -> go.Figure:
    """Region vectors labelled by bit string, and image vectors, over training.

    Pass ``image_vectors`` None to show only the regions (e.g. flattened models, whose image
    vectors have more than two numbers).
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
    )
