"""Clickable heatmaps: an invisible marker on every real cell, so that a click picks the cell.

Streamlit reports clicks on a chart (``st.plotly_chart(..., on_select="rerun",
selection_mode="points")``) through Plotly's point selection, which scatter traces have and
heatmaps do not. ``clickable(spec)`` lays one invisible scatter trace over each heatmap panel of a
figure made by :func:`app.figures.base.panels_figure` (every tensor and pooling figure): a point
at the centre of every real cell (padding cells get none). The points are small and the
figure's ``hoverdistance`` large, so a click anywhere in a cell reaches the nearest centre, which
is the cell's own (large markers would overlap on narrow cells, and Plotly would then pick any
of the overlapping points).
Each point's ``customdata`` is ``[panel, row, column]``, the row and column being the tensor's
own indices, read from the axis tick labels that name them ("pad" labels are skipped). The
point repeats the heatmap's hover text, so hovering reads as before.

Works on the JSON form of a figure (``app.figures.chart_spec.spec_of``), so cached specs can be
made clickable without rebuilding them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MARKER_PX = 6
"""Marker diameter: smaller than any cell, so that markers never overlap."""

HOVER_PX = 90
"""How far (in pixels) from a point a click still picks it: wider than half of the widest cell,
and nearer than the heatmap, whose points Plotly always puts at this distance."""


def _indices(axis: Mapping[str, Any]) -> list[tuple[int, int]]:
    """``(position, index)`` of each tick whose label is a whole number (not "pad")."""
    return [
        (int(position), int(label))
        for position, label in zip(axis.get("tickvals", ()), axis.get("ticktext", ()), strict=True)
        if str(label).isdigit()
    ]


def _axis(layout: Mapping[str, Any], ref: str, kind: str) -> Mapping[str, Any]:
    return layout.get(f"{kind}axis{ref[1:]}", {})


def _fixed(axis: Mapping[str, Any], cells: int) -> dict:
    """The axis with its range fixed to its cells: left to autorange, Plotly would widen it to
    make room for the (large, invisible) markers."""
    if "range" in axis:
        return dict(axis)
    fixed = {key: value for key, value in axis.items() if key != "autorange"}
    edges = [-0.5, cells - 0.5]
    fixed["range"] = edges[::-1] if axis.get("autorange") == "reversed" else edges
    return fixed


def clickable(spec: Mapping[str, Any]) -> dict:
    """``spec`` with a click layer over each heatmap panel (the module docstring says how)."""
    data = list(spec["data"])
    layout = dict(spec["layout"])
    heatmaps = [trace for trace in data if trace.get("type") == "heatmap"]
    for panel, trace in enumerate(heatmaps):
        x_ref, y_ref = trace.get("xaxis", "x"), trace.get("yaxis", "y")
        for ref, kind in ((x_ref, "x"), (y_ref, "y")):
            layout[f"{kind}axis{ref[1:]}"] = _fixed(_axis(layout, ref, kind), len(trace[kind]))
        rows = _indices(_axis(layout, y_ref, "y"))
        cols = _indices(_axis(layout, x_ref, "x"))
        text = trace.get("text")
        xs, ys, custom, hover = [], [], [], []
        for y, row in rows:
            for x, col in cols:
                xs.append(x)
                ys.append(y)
                custom.append([panel, row, col])
                hover.append(text[y][x] if isinstance(text, list) else "")
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": xs,
                "y": ys,
                "xaxis": x_ref,
                "yaxis": y_ref,
                "customdata": custom,
                "text": hover,
                "hovertemplate": trace.get("hovertemplate", "%{text}<extra></extra>"),
                "marker": {"size": MARKER_PX, "color": "rgba(0,0,0,0)"},
                "name": trace.get("name", ""),
                "showlegend": False,
            }
        )
    layout.setdefault("hoverdistance", HOVER_PX)
    return {**spec, "data": data, "layout": layout}
