"""A receptive field drawn map by map: the image, each layer's output, the selected top cell.

``paths_grid_figure(counts, *, title, box, top, rows)``: one map as a grid, every cell coloured
by how many paths lead from it to the selected cell (palest: none) with the count written in
it, and ``box`` outlined (the highlighted region of the image, or the selected cell). A view
draws one figure per map, side by side on a wide screen and stacked on a phone; giving each the
same ``top`` (colour range) and ``rows`` (the tallest map's) keeps colours and cell sizes alike.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.figures.base import colour_at, scale_list, text_colour_for, text_trace

# ColorBrewer Purples (sequential, colour-blind safe) from a pale grey: the count of paths.
# Not the heatmaps' red-blue, which means a sign elsewhere; the first colour is not white so
# that every cell of a grid stays visible.
PATHS: tuple[str, ...] = (
    "#f0f0f3", "#e4e2ef", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f",
    "#3f007d",
)  # fmt: skip
ZERO_TEXT = "#6b7079"
OUTLINE = "#e66100"  # orange: the field's bounding box and the selected cell, nothing else
CELL = 46  # pixels per cell row on screen


def paths_grid_figure(
    counts: np.ndarray,
    *,
    title: str,
    box: tuple[tuple[int, int], tuple[int, int]],
    top: int,
    rows: int,
    selected: bool = False,
) -> go.Figure:
    """One map of a receptive field, each cell's path count written in it.

    Parameters
    ----------
    counts : ndarray of int, shape (map rows, map columns)
        Paths from each cell to the selected cell (the selected map: 1 at the cell).
    title : str
    box : ((first row, last row), (first column, last column))
        Outlined: the cells with a path on the image, the selected cell on the top map.
    top : int
        Count drawn in the darkest colour (the same for every map of one field).
    rows : int
        Rows of the tallest map: the y axis spans that many, so cells are the same size in
        every figure of the field.
    selected : bool
        The top map: its cell is marked ✓ instead of a count.
    """
    top = max(int(top), 1)
    values = np.asarray(counts, dtype=np.float64)
    n_rows, n_cols = values.shape
    xs, ys, labels, colours = [], [], [], []
    for (r, c), v in np.ndenumerate(values):
        xs.append(c)
        ys.append(r)
        labels.append("✓" if selected and v else str(int(v)))
        colours.append(text_colour_for(colour_at(PATHS, min(v / top, 1.0))) if v else ZERO_TEXT)
    heatmap = {
        "type": "heatmap", "z": values.tolist(), "colorscale": scale_list(PATHS), "zmin": 0,
        "zmax": top, "showscale": False, "xgap": 2, "ygap": 2, "name": title,
        "hovertemplate": "row %{y}, column %{x}: %{z} path(s)<extra></extra>",
    }  # fmt: skip
    (r0, r1), (c0, c1) = box
    outline = {
        "type": "rect", "xref": "x", "yref": "y", "layer": "above", "x0": c0 - 0.5,
        "x1": c1 + 0.5, "y0": r0 - 0.5, "y1": r1 + 0.5, "line": {"color": OUTLINE, "width": 3},
    }  # fmt: skip
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 14}},
        "height": rows * CELL + 110,
        "margin": {"l": 45, "r": 10, "t": 40, "b": 50},
        "plot_bgcolor": "#ffffff",
        "showlegend": False,
        "xaxis": {
            "range": [-0.5, n_cols - 0.5], "tickvals": list(range(n_cols)),
            "title": {"text": "column", "standoff": 10}, "showgrid": False, "zeroline": False,
            "fixedrange": True, "constrain": "domain",
        },
        # Square cells: the y axis spans the tallest map's rows, at the x axis' scale.
        "yaxis": {
            "range": [rows - 0.5, -0.5], "tickvals": list(range(n_rows)),
            "title": {"text": "row", "standoff": 2}, "showgrid": False, "zeroline": False,
            "fixedrange": True, "scaleanchor": "x", "scaleratio": 1, "constrain": "domain",
            "constraintoward": "top",
        },
        "shapes": [outline],
    }  # fmt: skip
    text = text_trace("x", "y", xs, ys, labels, colours)
    return go.Figure(data=[heatmap, text], layout=layout, _validate=False)
