"""What every figure shares: the palette, panels of matrices, cell helpers and ``panels_figure``.

No Streamlit here, so everything is testable; the builders of :mod:`app.figures.tensors`,
:mod:`app.figures.pooling` and :mod:`app.figures.images` draw through ``panels_figure``.

Conventions every builder follows (so all pages look and read alike):

- Matrices read like tables: row 0 at the top (``yaxis.autorange = "reversed"``), column 0 at the
  left; tick labels are the row and column indices (or "pad" for padding cells).
- Values are written in the cells (up to ``limits.MAX_ANNOTATED_CELLS`` cells per figure), in black
  or white depending on how dark the cell is, so the figure is readable without hovering.
- Signed data use ColorBrewer's RdBu diverging scale (colour-blind safe) centred on 0: negative
  red, zero white, positive blue. Values from 0 to 1 (sigmoid outputs, probabilities) use a
  sequential scale of their own (``SEQUENTIAL``) with a colour bar. Pictures use a grey scale.
- A tensor with channels is drawn as one panel per channel, all sharing one colour scale.
- The current kernel window and the current output cell are outlined (a white halo under a black
  line, visible on dark and light cells alike); cells related to a selection (the outputs an
  input cell feeds, the cells a gradient sum reads) get the same outline, dashed.
- Padding cells (SAME padding) are left blank on a grey background and labelled "pad"; the
  value written in them is 0, which is what the convolution reads there.
- Every figure has a title and axis titles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from app.core import limits
from app.core.numbers import format_value
from app.figures import panel_grid as grid

# ColorBrewer RdBu (11 classes), low = red, high = blue. Listed explicitly because the named
# "RdBu" scales of plotly.js and plotly.express run in opposite directions.
DIVERGING: tuple[str, ...] = (
    "#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7",
    "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061",
)  # fmt: skip
GREYS: tuple[str, ...] = ("#000000", "#ffffff")
# ColorBrewer Purples (0 = white, 1 = dark) for values in [0, 1]: no hue that reads as a sign.
SEQUENTIAL: tuple[str, ...] = ("#fcfbfd", "#dadaeb", "#9e9ac8", "#6a51a3", "#3f007d")
PAD_BACKGROUND = "#dde1e6"
PAD_TEXT = "#59606b"
HALO = "#ffffff"
OUTLINE = "#111111"
CELL_PX = 30  # height of one matrix row on screen

Rect = tuple[int, int, int, int]
"""Inclusive cell range (top_row, left_col, bottom_row, right_col) to outline."""

Cell = tuple[int, ...]
"""A cell of a tensor by its full index: (row, column) of a one-panel figure, or with the
panel's channel as well (last, or as the builder says)."""


@dataclass(frozen=True)
class Panel:
    """One matrix to draw: ``values`` (rows, cols), NaN where a cell is padding."""

    values: np.ndarray
    title: str
    outlines: tuple[Rect, ...] = ()
    marks: tuple[Rect, ...] = ()  # drawn dashed: cells related to the selection
    row_labels: tuple[str, ...] | None = None
    col_labels: tuple[str, ...] | None = None
    emphasised: bool = False  # draw a frame round the whole panel (e.g. the selected channel)


@dataclass(frozen=True)
class Axes:
    """Axis titles shared by every panel of a figure."""

    x_title: str
    y_title: str
    extra: dict = field(default_factory=dict)


# --- Small pure helpers -------------------------------------------------------------------------


def _hex_to_rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def colour_at(scale: Sequence[str], t: float) -> tuple[float, float, float]:
    """Colour (r, g, b in 0..1) of an evenly spaced hex scale at position ``t`` in [0, 1]."""
    t = min(max(t, 0.0), 1.0) * (len(scale) - 1)
    low = min(int(t), len(scale) - 2)
    frac = t - low
    a, b = _hex_to_rgb(scale[low]), _hex_to_rgb(scale[low + 1])
    return tuple(x + (y - x) * frac for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_colour_for(background: tuple[float, float, float]) -> str:
    """Black or white, whichever has the higher WCAG contrast ratio on ``background``."""
    lum = relative_luminance(background)
    contrast_black = (lum + 0.05) / 0.05
    contrast_white = 1.05 / (lum + 0.05)
    return "#000000" if contrast_black >= contrast_white else "#ffffff"


def cell_runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Split sorted indices into runs of consecutive ones: [0, 1, 2, 5] -> [(0, 2), (5, 5)]."""
    runs: list[tuple[int, int]] = []
    for i in sorted(set(indices)):
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def window_rects(rows: Sequence[int], cols: Sequence[int]) -> tuple[Rect, ...]:
    """Outlines covering the cells ``rows x cols``: one box if contiguous, else one per block.

    With dilation the kernel taps are spread out, so the window is several separate boxes.
    """
    return tuple(
        (top, left, bottom, right)
        for top, bottom in cell_runs(rows)
        for left, right in cell_runs(cols)
    )


def cell_rects(
    cells: Sequence[Cell], shift: tuple[int, int] = (0, 0), panel: int | None = None
) -> tuple[Rect, ...]:
    """One-cell rectangles for ``cells``: ``(row, col)``, or ``(row, col, panel)`` keeping those
    of ``panel``; ``shift`` adds the padding rows and columns drawn before the tensor's own."""
    rects = []
    for cell in cells:
        if panel is not None and cell[2] != panel:
            continue
        row, col = cell[0] + shift[0], cell[1] + shift[1]
        rects.append((row, col, row, col))
    return tuple(rects)


def padded(values: np.ndarray, before: int, after: int, axis: int) -> np.ndarray:
    """``values`` with NaN rows/columns added along ``axis`` to mark padding."""
    widths = [(0, 0)] * values.ndim
    widths[axis] = (before, after)
    return np.pad(values.astype(np.float64), widths, constant_values=np.nan)


def index_labels(n: int, before: int = 0, after: int = 0) -> tuple[str, ...]:
    """Tick labels 0..n-1, with "pad" for the padding positions around them."""
    return ("pad",) * before + tuple(str(i) for i in range(n)) + ("pad",) * after


# --- The general builder ------------------------------------------------------------------------


def panels_figure(
    panels: Sequence[Panel],
    *,
    title: str,
    axes: Axes,
    colour_title: str = "value",
    centre_zero: bool = True,
    colour_range: tuple[float, float] | None = None,
    scale: Sequence[str] = DIVERGING,
    per_row: int = grid.PER_ROW,
    show_values: bool | None = None,
    cell_px: int = CELL_PX,
    new_row_at: int | None = None,
) -> go.Figure:
    """Draw matrices side by side with one shared colour scale, numbers, and outlines.

    Parameters
    ----------
    panels : the matrices, each (rows, cols); all panels should have the same shape.
    title : figure title.
    axes : x (columns) and y (rows) axis titles, repeated on every panel.
    centre_zero : symmetric colour range around 0 (diverging data); else data min..max.
    colour_range : explicit (min, max) colour range, overriding ``centre_zero``.
    per_row : panels per figure row before wrapping.
    show_values : write values in cells; default: only if the figure has few enough cells.
    new_row_at : the index of a panel that starts a new figure row (say, the first output
        after the inputs), so it sits at the left edge with its own row labels.

    Returns
    -------
    go.Figure with one heatmap trace and one text trace per panel, layout shapes for outlines.
    """
    if not panels:
        raise ValueError("panels_figure needs at least one panel")
    finite = np.concatenate([p.values[np.isfinite(p.values)].ravel() for p in panels])
    if colour_range is not None:
        cmin, cmax = colour_range
    elif centre_zero:
        top = float(np.max(np.abs(finite))) if finite.size else 0.0
        cmin, cmax = -(top or 1.0), top or 1.0
    else:
        cmin = float(finite.min()) if finite.size else 0.0
        cmax = float(finite.max()) if finite.size else 1.0
        if cmax <= cmin:
            cmin, cmax = cmin - 1.0, cmax + 1.0
    if show_values is None:
        show_values = sum(p.values.size for p in panels) <= limits.MAX_ANNOTATED_CELLS
    places = grid.grid_places(len(panels), max(1, per_row), new_row_at)
    n_rows = places[-1][0] + 1
    rows, cols = panels[0].values.shape
    panel_px = max(rows, 1) * cell_px + grid.ROW_GAP_PX  # cells, then titles and x labels
    row_labels = [p.row_labels or index_labels(np.shape(p.values)[0]) for p in panels]
    col_labels = [p.col_labels or index_labels(np.shape(p.values)[1]) for p in panels]
    first_column = [labels for labels, at in zip(row_labels, places, strict=True) if at[1] == 0]
    margin, labels_fixed = grid.fixed_margins(first_column, col_labels, bool(axes.y_title))
    height = int(n_rows * panel_px + 30 + margin["b"])  # the cells keep their size
    domains = grid.panel_domains(places, height, margin["t"] + margin["b"])

    traces: list[dict] = []
    layout: dict = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "height": height,
        "margin": margin,
        "plot_bgcolor": PAD_BACKGROUND,
        "paper_bgcolor": "#ffffff",
        "coloraxis": {
            "colorscale": scale_list(scale),
            "cmin": cmin,
            "cmax": cmax,
            "colorbar": {"title": {"text": colour_title}, "thickness": 12, "len": 0.8},
            "showscale": False,
        },
        "annotations": [],
        "shapes": [],
        "showlegend": False,
    }
    for index, panel in enumerate(panels):
        grid_col = places[index][1]
        x_domain, y_domain = domains[index]
        suffix = "" if index == 0 else str(index + 1)
        values = np.asarray(panel.values, dtype=np.float64)
        p_rows, p_cols = values.shape
        x_ref, y_ref = f"x{suffix}", f"y{suffix}"
        layout[f"xaxis{suffix}"] = {
            "domain": x_domain,
            "anchor": y_ref,
            "title": {"text": axes.x_title, "standoff": 4},
            **labels_fixed,
            "tickvals": list(range(p_cols)),
            "ticktext": list(col_labels[index]),
            "range": [-0.5, p_cols - 0.5],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        }
        layout[f"yaxis{suffix}"] = {
            "domain": y_domain,
            "anchor": x_ref,
            # Only the first panel of each figure row names the rows (its neighbours share
            # them): repeated titles and tick labels crowd the gaps between panels on a phone.
            "title": {"text": axes.y_title if grid_col == 0 else "", "standoff": 4},
            **labels_fixed,
            "tickvals": list(range(p_rows)),
            "ticktext": list(row_labels[index]),
            "showticklabels": grid_col == 0,
            # Reversed so row 0 is at the top, as in the tables the learner edits.
            "autorange": "reversed",
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        }
        if panel.title:
            layout["annotations"].append(
                {
                    "text": f"<b>{panel.title}</b>",
                    "xref": "paper",
                    "yref": "paper",
                    "x": x_domain[0],
                    "y": y_domain[1],
                    "xanchor": "left",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 12},
                }
            )
        text = [[format_value(v) for v in row] for row in values.tolist()]
        traces.append(
            {
                "type": "heatmap",
                # NaN -> None: JSON has no NaN, and plotly leaves None cells blank (padding).
                "z": [[v if math.isfinite(v) else None for v in row] for row in values.tolist()],
                "x": list(range(p_cols)),
                "y": list(range(p_rows)),
                "xaxis": x_ref,
                "yaxis": y_ref,
                "coloraxis": "coloraxis",
                "xgap": 1,
                "ygap": 1,
                "text": text,
                "name": panel.title,
                "hovertemplate": (
                    f"{axes.y_title} %{{y}}, {axes.x_title} %{{x}}: %{{text}}<extra>"
                    f"{panel.title}</extra>"
                ),
            }
        )
        if show_values:
            traces.append(_value_text_trace(values, text, x_ref, y_ref, scale, cmin, cmax))
        for top, left, bottom, right in panel.outlines:
            layout["shapes"].extend(outline_shapes(x_ref, y_ref, left, top, right, bottom))
        for top, left, bottom, right in panel.marks:
            layout["shapes"].extend(
                outline_shapes(x_ref, y_ref, left, top, right, bottom, dashed=True)
            )
        if panel.emphasised:
            layout["shapes"].append(
                {
                    "type": "rect",
                    "xref": f"{x_ref} domain",
                    "yref": f"{y_ref} domain",
                    "x0": -0.02,
                    "x1": 1.02,
                    "y0": -0.02,
                    "y1": 1.02,
                    "line": {"color": OUTLINE, "width": 2, "dash": "dot"},
                }
            )
    # With the numbers written in the cells a colour bar only takes room from them.
    layout["coloraxis"]["showscale"] = not show_values
    # Built from plain dicts without plotly's per-property validation: it costs ~30 ms for a
    # three-panel figure, a third of a rerun. tests/app/figures/ validates every builder.
    return go.Figure(data=traces, layout=layout, _validate=False)


def scale_list(scale: Sequence[str]) -> list[list]:
    """Plotly's ``colorscale`` form of an evenly spaced list of colours."""
    step = 1 / (len(scale) - 1)
    return [[round(i * step, 6), colour] for i, colour in enumerate(scale)]


def _value_text_trace(values, text, x_ref, y_ref, scale, cmin, cmax) -> dict:
    """A text-only trace writing each value in its cell, in the colour readable on that cell."""
    xs, ys, labels, colours = [], [], [], []
    span = cmax - cmin
    for r, row in enumerate(values.tolist()):
        for c, v in enumerate(row):
            xs.append(c)
            ys.append(r)
            if math.isfinite(v):
                labels.append(text[r][c])
                colours.append(text_colour_for(colour_at(scale, (v - cmin) / span)))
            else:  # a padding cell: the convolution reads a zero there
                labels.append("0")
                colours.append(PAD_TEXT)
    return text_trace(x_ref, y_ref, xs, ys, labels, colours)


def text_trace(x_ref: str, y_ref: str, xs, ys, labels, colours, size: int = 12) -> dict:
    """A text-only scatter trace (labels at data positions, no hover, no legend entry)."""
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "xaxis": x_ref,
        "yaxis": y_ref,
        "mode": "text",
        "text": labels,
        "textfont": {"color": colours, "size": size},
        "hoverinfo": "skip",
        "showlegend": False,
    }


def outline_shapes(
    x_ref: str, y_ref: str, left: int, top: int, right: int, bottom: int, dashed: bool = False
) -> list[dict]:
    """The outline of cells ``top..bottom`` x ``left..right`` of one panel: a white halo under a
    black line (dashed, inset a little: cells related to the selection)."""
    inset = 0.08 if dashed else 0.0  # inside the cell, so a solid outline round it stays clear
    box = {
        "type": "rect",
        "xref": x_ref,
        "yref": y_ref,
        "x0": left - 0.5 + inset,
        "x1": right + 0.5 - inset,
        "y0": top - 0.5 + inset,
        "y1": bottom + 0.5 - inset,
        "layer": "above",
    }
    if dashed:  # thinner, so that the number in a small cell stays readable
        return [{**box, "line": {"color": HALO, "width": 3.5}},
                {**box, "line": {"color": OUTLINE, "width": 1.8, "dash": "dash"}}]  # fmt: skip
    return [{**box, "line": {"color": HALO, "width": 6}},
            {**box, "line": {"color": OUTLINE, "width": 3}}]  # fmt: skip
