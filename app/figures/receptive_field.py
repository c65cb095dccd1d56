"""A receptive field drawn through the layers: the image, each map, the selected top cell.

``receptive_field_figure(counts, titles, *, region)``: one grid per map, left to right (the
image first, the selected map last), every cell coloured by how many paths lead from it to the
selected cell (white: none) with the count written in it, cells square and the same size in
every grid; the highlighted region of the image and the selected cell are outlined.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.figures.base import CELL_PX, colour_at, scale_list, text_colour_for, text_trace

# ColorBrewer Purples (sequential, colour-blind safe): the count of paths, 0 = white. Not the
# heatmaps' red-blue, which means a sign elsewhere.
PATHS: tuple[str, ...] = (
    "#ffffff", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f",
    "#3f007d",
)  # fmt: skip
ZERO_TEXT = "#8a8f98"
OUTLINE = "#e66100"  # orange: the field's bounding box and the selected cell, nothing else
GAP_CELLS = 1.2


def _box(x_ref: str, y_ref: str, rows: tuple[int, int], cols: tuple[int, int]) -> dict:
    return {
        "type": "rect", "xref": x_ref, "yref": y_ref, "layer": "above",
        "x0": cols[0] - 0.5, "x1": cols[1] + 0.5, "y0": rows[0] - 0.5, "y1": rows[1] + 0.5,
        "line": {"color": OUTLINE, "width": 3},
    }  # fmt: skip


def receptive_field_figure(
    counts: Sequence[np.ndarray],
    titles: Sequence[str],
    *,
    region: tuple[tuple[int, int], tuple[int, int]],
    title: str = "Paths from each cell to the selected cell",
) -> go.Figure:
    """The maps of a receptive field, each cell's path count written in it.

    Parameters
    ----------
    counts : sequence of ndarray of int, each (rows, cols)
        Image first, the selected map last (1 at the selected cell).
    titles : sequence of str
        One per map.
    region : ((first row, last row), (first column, last column))
        The image cells with a path: outlined on the first grid.
    """
    top = max(max(int(c.max(initial=0)) for c in counts[:-1]), 1)
    widths = [c.shape[1] for c in counts]
    total = sum(widths) + GAP_CELLS * (len(counts) - 1)
    rows_max = max(c.shape[0] for c in counts)
    height = rows_max * CELL_PX * 1.6 + 130
    traces, shapes, annotations, layout = [], [], [], {}
    x0 = 0.0
    for index, (grid, name) in enumerate(zip(counts, titles, strict=True)):
        suffix = "" if index == 0 else str(index + 1)
        x_ref, y_ref = f"x{suffix}", f"y{suffix}"
        rows, cols = grid.shape
        domain = [x0 / total, (x0 + cols) / total]
        x0 += cols + GAP_CELLS
        last = index == len(counts) - 1
        values = grid.astype(np.float64)
        traces.append(
            {
                "type": "heatmap", "z": values.tolist(), "xaxis": x_ref, "yaxis": y_ref,
                "colorscale": scale_list(PATHS), "zmin": 0, "zmax": top, "showscale": False,
                "xgap": 1, "ygap": 1, "name": name,
                "hovertemplate": f"{name}<br>row %{{y}}, column %{{x}}: %{{z}} path(s)<extra></extra>",
            }
        )  # fmt: skip
        xs, ys, labels, colours = [], [], [], []
        for (r, c), v in np.ndenumerate(grid):
            xs.append(c)
            ys.append(r)
            labels.append("✓" if last and v else str(int(v)))
            background = colour_at(PATHS, min(v / top, 1.0))
            colours.append(text_colour_for(background) if v else ZERO_TEXT)
        traces.append(text_trace(x_ref, y_ref, xs, ys, labels, colours))
        # Square cells, the same size in every grid: each y axis spans the tallest grid's rows.
        layout[f"xaxis{suffix}"] = {
            "domain": domain, "anchor": y_ref, "range": [-0.5, cols - 0.5],
            "tickvals": list(range(cols)), "title": {"text": "column", "standoff": 2},
            "showgrid": False, "zeroline": False, "fixedrange": True, "constrain": "domain",
        }  # fmt: skip
        layout[f"yaxis{suffix}"] = {
            "domain": [0, 1], "anchor": x_ref, "range": [rows_max - 0.5, -0.5],
            "tickvals": list(range(rows)), "title": {"text": "row" if index == 0 else ""},
            "showgrid": False, "zeroline": False, "fixedrange": True,
            "scaleanchor": x_ref, "scaleratio": 1,
        }  # fmt: skip
        annotations.append(
            {
                "text": f"<b>{name}</b>", "xref": f"{x_ref} domain", "yref": "paper",
                "x": 0, "y": 1, "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                "font": {"size": 12},
            }
        )  # fmt: skip
        if index == 0:
            shapes.append(_box(x_ref, y_ref, region[0], region[1]))
        elif last:
            (r,), (c,) = np.nonzero(grid)
            shapes.append(_box(x_ref, y_ref, (int(r), int(r)), (int(c), int(c))))
    layout.update(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        height=int(height),
        margin={"l": 50, "r": 10, "t": 80, "b": 50},
        plot_bgcolor="#ffffff",
        showlegend=False,
        shapes=shapes,
        annotations=annotations,
    )
    return go.Figure(data=traces, layout=layout, _validate=False)
