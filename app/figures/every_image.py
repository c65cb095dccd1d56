"""Every small image at once: a wall of thumbnails, those the model gets wrong tinted.

``image_wall(images, probabilities, lines, *, title, per_row=32)``: hundreds of binary images
(``cnndemo.all_images``: all 512 of 3x3) in one heatmap mosaic, ink dark, a blank column and
row between thumbnails. An image whose answer disagrees with the real rule (a line called "not
a line", or the other way round) has its paper tinted vermilion, the colour of wrong answers on
the image pages. Hovering a pixel tells the image's P(line).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.figures.images import INK, PAPER

TILE_PAPER = "#e4e6ea"  # light grey: each thumbnail stands out from the page's white
WRONG_PAPER = "#f5b38f"  # vermilion washed out, so the ink stays readable on it
# Three levels: 0 paper, 0.5 paper of a wrong answer, 1 ink (a step scale, no blending).
STEPS = [[0.0, TILE_PAPER], [0.25, TILE_PAPER], [0.25, WRONG_PAPER], [0.75, WRONG_PAPER],
         [0.75, INK], [1.0, INK]]  # fmt: skip


def image_wall(
    images: np.ndarray,
    probabilities: Sequence[float],
    lines: Sequence[bool],
    *,
    title: str,
    per_row: int = 32,
    cell_px: float = 6.5,
) -> go.Figure:
    """Thumbnails of ``images`` (n, height, width) in the given order, wrong answers tinted.

    ``probabilities`` are the model's P(line) (> 0.5 means it calls the image a line),
    ``lines`` the real rule. ``cell_px`` is a pixel's expected size on screen (the figure's
    height follows from it; the width is the page's).
    """
    images = np.asarray(images, dtype=np.float64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if images.ndim != 3 or not len(images) == len(probabilities) == len(lines):
        raise ValueError("need (n, height, width) images and one probability and rule per image")
    n, h, w = images.shape
    per_row = max(1, min(per_row, max(n, 1)))
    rows = max(1, math.ceil(n / per_row))
    mosaic = np.full((rows * (h + 1) - 1, per_row * (w + 1) - 1), np.nan)
    odds = np.full(mosaic.shape, np.nan)
    wrong = (probabilities > 0.5) != np.asarray(lines, dtype=bool)
    for i in range(n):
        top, left = divmod(i, per_row)
        top, left = top * (h + 1), left * (w + 1)
        paper = 0.5 if wrong[i] else 0.0
        mosaic[top : top + h, left : left + w] = np.where(images[i] > 0, 1.0, paper)
        odds[top : top + h, left : left + w] = probabilities[i]
    heatmap = {
        "type": "heatmap",
        "z": [[None if math.isnan(v) else v for v in row] for row in mosaic.tolist()],
        "customdata": [[None if math.isnan(v) else round(v, 4) for v in row]
                       for row in odds.tolist()],  # fmt: skip
        "zmin": 0, "zmax": 1, "colorscale": STEPS, "showscale": False,
        "hovertemplate": "P(line) = %{customdata:.4f}<extra></extra>",
    }  # fmt: skip
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "height": int(rows * (h + 1) * cell_px) + 60,
        "margin": {"l": 10, "r": 10, "t": 45, "b": 10},
        "plot_bgcolor": PAPER,
        "xaxis": {"visible": False, "fixedrange": True, "constrain": "domain",
                  "range": [-0.5, per_row * (w + 1) - 1.5]},
        "yaxis": {"visible": False, "fixedrange": True, "autorange": "reversed",
                  "scaleanchor": "x"},
        "showlegend": False,
    }  # fmt: skip
    return go.Figure(data=[heatmap], layout=layout, _validate=False)
