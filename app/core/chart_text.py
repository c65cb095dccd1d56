"""A chart's numbers as text: the text alternative shown beside every Plotly chart.

Plain Python (no Plotly, no Streamlit): reads a figure's JSON (what the browser receives,
``app.figures.chart_spec.spec_of``), so one reader serves every builder. Each heatmap panel
becomes a table (rows and columns named by its tick labels, cells as written in the cells or
hovered), each set of points, lines or bars a table of (name, x, y); a shaded region, a text
layer written over a heatmap and a decorative mosaic are left out, the numbers they show being
in the other tables. A long series is sampled (first, evenly spaced, last) and said to be.

Usage::

    for table in chart_tables(spec):
        table.caption, table.header, table.rows  # plain strings, not yet escaped for Markdown
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.numbers import format_value

MAX_ROWS = 30
"""Rows per table at most; a longer series is sampled evenly (first and last kept)."""
MAX_COLUMNS = 16
# Only the tags Plotly draws: a sentence's "<PAD>" is text.
_TAG = re.compile(r"</?(?:b|i|em|sup|sub|span|a|s|u|br)(?:\s[^>]*)?/?>", re.IGNORECASE)
_DTYPES = {"f8": "<f8", "f4": "<f4", "i1": "<i1", "i2": "<i2", "i4": "<i4", "u1": "<u1",
           "u2": "<u2", "u4": "<u4"}  # fmt: skip


@dataclass(frozen=True)
class ChartTable:
    """One table of a chart's text alternative (plain strings)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def plain_text(value: Any) -> str:
    """Plotly's text without its markup (``<br>``, ``<b>``...: Plotly's own tags), as one line."""
    text = str(value if value is not None else "")
    return " ".join(_TAG.sub(" ", text).split())


def title_of(spec: Mapping[str, Any]) -> str:
    """The figure's title as plain text ("chart" when it has none)."""
    title = spec.get("layout", {}).get("title", {})
    text = title.get("text", "") if isinstance(title, Mapping) else title
    return plain_text(text) or "chart"


def _values(value: Any) -> list:
    """A trace's array as nested lists, whether plain or in Plotly's base64 form."""
    if isinstance(value, Mapping) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=_DTYPES[value["dtype"]])
        shape = value.get("shape")
        if shape:
            array = array.reshape([int(n) for n in str(shape).split(",")])
        return array.tolist()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return list(value) if value is not None else []


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return plain_text(value)
    return format_value(float(value)) if math.isfinite(value) else ""


def _sample(count: int) -> list[int]:
    if count <= MAX_ROWS:
        return list(range(count))
    return sorted({round(i * (count - 1) / (MAX_ROWS - 1)) for i in range(MAX_ROWS)})


def _axis(layout: Mapping[str, Any], axis: str) -> Mapping[str, Any]:
    """Layout of trace axis ``axis`` ("x", "y2", ...)."""
    return layout.get(f"{axis[0]}axis{axis[1:]}", {})


def _axis_title(layout: Mapping[str, Any], axis: str, fallback: str) -> str:
    title = _axis(layout, axis).get("title", {})
    text = title.get("text", "") if isinstance(title, Mapping) else title
    return plain_text(text) or fallback


def _ticks(layout: Mapping[str, Any], axis: str, count: int) -> list[str]:
    """Names of positions 0..count-1 on ``axis`` ("x", "x2", ...): its tick text, else indices."""
    settings = _axis(layout, axis)
    vals, text = _values(settings.get("tickvals")), _values(settings.get("ticktext"))
    if len(text) == len(vals) == count and vals == list(range(count)):
        return [plain_text(t) for t in text]
    return [str(i) for i in range(count)]


def _heatmap_table(trace: Mapping[str, Any], layout: Mapping[str, Any], index: int) -> ChartTable:
    z = _values(trace.get("z"))
    written = _values(trace.get("text"))
    use_text = len(written) == len(z) and all(
        isinstance(row, list) and len(row) == len(z_row)
        for row, z_row in zip(written, z, strict=True)
    )
    grid = written if use_text else z
    xs, ys = _values(trace.get("x")), _values(trace.get("y"))
    n_cols = len(z[0]) if z else 0
    cols = (
        [plain_text(x) for x in xs]
        if xs and not all(isinstance(x, int | float) for x in xs)
        else _ticks(layout, trace.get("xaxis", "x"), n_cols)
    )
    rows = (
        [plain_text(y) for y in ys]
        if ys and not all(isinstance(y, int | float) for y in ys)
        else _ticks(layout, trace.get("yaxis", "y"), len(z))
    )
    keep = _sample(len(grid))
    body = tuple(
        (rows[r], *(_cell(v) for v in grid[r][:MAX_COLUMNS])) for r in keep if r < len(rows)
    )
    name = plain_text(trace.get("name")) or f"panel {index + 1}"
    note = "" if len(keep) == len(grid) else f" (every {len(grid) // len(keep)}th row)"
    corner = _axis_title(layout, trace.get("yaxis", "y"), "row")
    return ChartTable(f"{name}{note}", (corner, *cols[:MAX_COLUMNS]), body)


def _points_table(trace: Mapping[str, Any], layout: Mapping[str, Any], index: int) -> ChartTable:
    xs, ys = _values(trace.get("x")), _values(trace.get("y"))
    names = _values(trace.get("text")) or _values(trace.get("hovertext"))
    points = [
        (i, x, y) for i, (x, y) in enumerate(zip(xs, ys, strict=False)) if x is not None
    ]  # None breaks a path between examples
    keep = _sample(len(points))
    named = len(names) >= len(xs) and any(plain_text(n) for n in names)
    body = []
    for k in keep:
        i, x, y = points[k]
        row = (_cell(x), _cell(y))
        body.append((plain_text(names[i]), *row) if named else row)
    name = plain_text(trace.get("name")) or f"series {index + 1}"
    note = "" if len(keep) == len(points) else f" ({len(keep)} of {len(points)} points)"
    header = (
        _axis_title(layout, trace.get("xaxis", "x"), "x"),
        _axis_title(layout, trace.get("yaxis", "y"), "y"),
    )
    return ChartTable(f"{name}{note}", ("name", *header) if named else header, tuple(body))


def chart_tables(spec: Mapping[str, Any]) -> list[ChartTable]:
    """The numbers of a figure (its JSON) as tables, one per panel or series.

    Parameters
    ----------
    spec : the figure as plain JSON (``layout`` and ``data``; frames are not read: the data
        is the frame on show).
    """
    layout = spec.get("layout", {})
    traces = list(spec.get("data", []))
    tables: list[ChartTable] = []
    read_axes = set()
    for index, trace in enumerate(traces):
        if trace.get("type") == "heatmap" and trace.get("hoverinfo") != "skip":
            tables.append(_heatmap_table(trace, layout, index))
            read_axes.add((trace.get("xaxis", "x"), trace.get("yaxis", "y")))
    for index, trace in enumerate(traces):
        kind, mode = trace.get("type", "scatter"), trace.get("mode", "")
        axes = (trace.get("xaxis", "x"), trace.get("yaxis", "y"))
        if trace.get("visible") is False:
            continue
        if kind in ("bar", "histogram"):
            tables.append(_points_table(trace, layout, index))
        elif kind == "scatter":
            if trace.get("fill") not in (None, "none"):
                continue  # a shaded region
            if trace.get("hoverinfo") == "skip" and mode != "text":
                continue  # a frame or guide line, drawn for the eye only
            if mode == "text":
                if axes not in read_axes:  # labels of their own (a mosaic's captions)
                    tables.append(_labels_table(trace, index))
                continue  # else the values written over a heatmap: already in its table
            tables.append(_points_table(trace, layout, index))
    return tables


def _labels_table(trace: Mapping[str, Any], index: int) -> ChartTable:
    labels = [plain_text(t) for t in _values(trace.get("text"))]
    name = plain_text(trace.get("name")) or f"labels {index + 1}"
    return ChartTable(name, ("label",), tuple((label,) for label in labels if label))
