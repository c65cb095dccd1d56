"""Down-sampling (2D pooling) made visible: Plotly figures of the windows, the winners and the
pooled grid, no Streamlit (section 8's page draws them). The pooling itself is worked out by
``app.core.pool_windows.explain_pool``.

What the learner should see at a glance:

- every pooling window (group) of the input in its own colour, from the Okabe-Ito palette
  (distinguishable with the common colour-vision deficiencies), the same colour in every
  channel panel and on the output cell the group becomes;
- non-overlapping windows tint their cells; overlapping ones (stride < size) are drawn as
  outlines, each inset a little differently so that shared edges stay visible, and only the
  selected window is tinted; cells that no window reads (VALID drops the leftovers) stay white;
- the selected window outlined in black, and in each channel the cell that won its max or min
  circled: the winners of one output vector may sit at different positions;
- every number written in its cell; output cells also say where their value came from.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.core import limits
from app.core.numbers import format_value
from app.core.pool_windows import KIND_WORDS, PoolResult, PoolWindow
from app.figures.base import (
    HALO,
    OUTLINE,
    PAD_TEXT,
    Axes,
    Cell,
    Panel,
    index_labels,
    outline_shapes,
    padded,
    panels_figure,
    text_trace,
)

# Okabe & Ito (2008), without black: eight colours chosen to stay distinct for deuteranopes,
# protanopes and tritanopes. Black is kept for the selected window's outline.
WINDOW_COLOURS: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
)
TINT_STRENGTH = 0.45
"""How much of a window's colour goes into its cells' fill (the rest is white), so that black
numbers stay readable on every tint (checked in the tests with the WCAG contrast rule)."""
UNCOVERED = "#ffffff"
WINNER_RING = "#000000"


# --- Colours ------------------------------------------------------------------------------------


def window_colour_index(out_row: int, out_col: int) -> int:
    """Colour of the window making output (row, col): 3 r + c (mod 7) differs between any two
    windows that are side by side, one above the other or diagonal neighbours."""
    return (3 * out_row + out_col) % len(WINDOW_COLOURS)


def tint(colour: str, strength: float = TINT_STRENGTH) -> str:
    """``colour`` mixed with white: the fill of the window's cells."""
    colour = colour.lstrip("#")
    rgb = [int(colour[i : i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(255 - (255 - v) * strength) for v in rgb]
    return "#" + "".join(f"{v:02x}" for v in mixed)


TINTS: tuple[str, ...] = tuple(tint(c) for c in WINDOW_COLOURS)
UNCOLOURED_WINDOW = "#9aa5b1"
"""Outline of a window that gets no colour of its own (see ``window_colours``)."""


def every_window_coloured(out_shape: tuple[int, int], overlapping: bool) -> bool:
    """Whether each window gets a colour (see ``window_colours``), or only the selected one."""
    return not overlapping or out_shape[0] * out_shape[1] <= len(WINDOW_COLOURS)


def window_colours(
    out_shape: tuple[int, int], overlapping: bool, selected: tuple[int, int] | None = None
) -> dict[tuple[int, int], int | None]:
    """Colour index of each window by its output (row, col); None: drawn grey, uncoloured.

    No two pooled cells may share a colour where that would mislead: while there are at most
    as many windows as colours each gets its own; with more, non-overlapping windows keep
    ``window_colour_index`` (neighbours differ and each tints its own block of the input), but
    overlapping ones would leave two output cells of one colour with nothing to tell their
    windows apart, so only the selected window is coloured.
    """
    cells = [(r, c) for r in range(out_shape[0]) for c in range(out_shape[1])]
    selected = None if selected is None else (int(selected[0]), int(selected[1]))
    colours = {cell: window_colour_index(*cell) for cell in cells}
    if len(cells) <= len(WINDOW_COLOURS):
        unique = len(set(colours.values())) == len(cells)
        return colours if unique else {cell: i for i, cell in enumerate(cells)}
    if every_window_coloured(out_shape, overlapping):
        return colours
    return {cell: colours[cell] if cell == selected else None for cell in cells}


def _fill_scale() -> list[str]:
    """Colour scale for fill indices -1 (no window), 0..6 (a window's tint)."""
    return [UNCOVERED, *TINTS]


def _fill_range() -> tuple[float, float]:
    # panels_figure spaces the scale's colours evenly over this range, so whole indices land
    # exactly on a colour.
    return (-1.0, float(len(TINTS) - 1))


# --- Figures ------------------------------------------------------------------------------------


def _window_inset(w: PoolWindow) -> float:
    """Outline inset (in cells) by the window's row and column parity, so that neighbouring
    windows' edges never lie on top of each other."""
    return 0.05 + 0.05 * (2 * (w.out_row % 2) + (w.out_col % 2))


def _rect(x_ref: str, y_ref: str, top: float, left: float, bottom: float, right: float,
          colour: str, width: float, inset: float = 0.0) -> dict:  # fmt: skip
    return {
        "type": "rect",
        "xref": x_ref,
        "yref": y_ref,
        "x0": left - 0.5 + inset,
        "x1": right + 0.5 - inset,
        "y0": top - 0.5 + inset,
        "y1": bottom + 0.5 - inset,
        "line": {"color": colour, "width": width},
        "layer": "above",
    }


def _plain(figure: go.Figure) -> tuple[list[dict], dict]:
    """A figure's traces and layout as plain dicts, to change before building the final figure:
    setting properties on a figure object validates each one, slower than the whole build."""
    spec = figure.to_plotly_json()
    spec["layout"]["coloraxis"]["showscale"] = False  # the fill colours encode windows, not values
    return spec["data"], spec["layout"]


def _refs(index: int) -> tuple[str, str]:
    suffix = "" if index == 0 else str(index + 1)
    return f"x{suffix}", f"y{suffix}"


def pool_input_figure(
    result: PoolResult,
    *,
    title: str,
    selected: tuple[int, int] | None = None,
    per_row: int = 3,
    marked: Sequence[Cell] = (),
) -> go.Figure:
    """The input grid, one panel per channel, with the pooling windows coloured.

    Parameters
    ----------
    result : from :func:`explain_pool`.
    selected : output (row, col) whose window is outlined in black and whose winners are ringed.
    marked : input (row, col) cells outlined dashed in every channel (a probed cell).

    Returns
    -------
    go.Figure with, per channel, a heatmap of fill colours (hover shows value and windows) and
    a text trace of the values; layout shapes: each window's coloured outline, the selected
    window's black outline, and a circle round each channel's winner in it.
    """
    grid = result.grid
    height, width, channels = grid.shape
    (top, bottom), (left, right) = result.pads
    fill = np.full((height, width), -1.0)
    window_index = window_colours(result.out_shape, result.overlapping, selected)
    if not result.overlapping:
        for w in result.windows:
            rows, cols = w.real_rows(height), w.real_cols(width)
            fill[rows.start : rows.stop, cols.start : cols.stop] = window_index[
                w.out_row, w.out_col
            ]
    elif selected is not None:
        w = result.window(*selected)
        rows, cols = w.real_rows(height), w.real_cols(width)
        fill[rows.start : rows.stop, cols.start : cols.stop] = window_index[selected]
    fill = padded(padded(fill[:, :, None], top, bottom, axis=0), left, right, axis=1)[:, :, 0]
    row_labels = index_labels(height, top, bottom)
    col_labels = index_labels(width, left, right)
    panels = [
        Panel(fill, title=f"channel {c}", row_labels=row_labels, col_labels=col_labels)
        for c in range(channels)
    ]
    data, layout = _plain(
        panels_figure(
            panels,
            title=title,
            axes=Axes("column (x)", "row (y)"),
            colour_range=_fill_range(),
            scale=_fill_scale(),
            per_row=per_row,
            show_values=False,
        )
    )
    coverage = result.coverage()
    show_values = grid.size <= limits.MAX_ANNOTATED_CELLS
    shapes: list[dict] = []
    extra: list[dict] = []
    for c in range(channels):
        x_ref, y_ref = _refs(c)
        hover = [["padding: never wins, left out of a mean"] * (width + left + right)
                 for _ in range(height + top + bottom)]  # fmt: skip
        xs, ys, labels, colours = [], [], [], []
        for r in range(height):
            for col in range(width):
                value = format_value(float(grid[r, col, c]))
                n = int(coverage[r, col])
                read = "in no window (dropped)" if n == 0 else f"read by {n} window(s)"
                hover[r + top][col + left] = f"value {value}, {read}"
                xs.append(col + left)
                ys.append(r + top)
                labels.append(value)
                colours.append(PAD_TEXT if n == 0 else "#000000")
        data[c]["text"] = hover
        data[c]["hovertemplate"] = f"row %{{y}}, column %{{x}}: %{{text}}<extra>channel {c}</extra>"
        if show_values:
            extra.append(text_trace(x_ref, y_ref, xs, ys, labels, colours))
        for w in result.windows:
            index = window_index[w.out_row, w.out_col]
            colour = UNCOLOURED_WINDOW if index is None else WINDOW_COLOURS[index]
            shapes.append(
                _rect(
                    x_ref,
                    y_ref,
                    w.top + top,
                    w.left + left,
                    w.bottom + top,
                    w.right + left,
                    colour,
                    2.5 if index is not None else 1.5,
                    _window_inset(w),
                )  # fmt: skip
            )
        for row, col in marked:
            shapes.extend(outline_shapes(x_ref, y_ref, col + left, row + top, col + left,
                                         row + top, dashed=True))  # fmt: skip
        if selected is not None:
            w = result.window(*selected)
            box = (w.top + top, w.left + left, w.bottom + top, w.right + left)
            shapes.append(_rect(x_ref, y_ref, *box, HALO, 7))
            shapes.append(_rect(x_ref, y_ref, *box, OUTLINE, 3.5))
            win_r, win_c = result.winners[selected[0], selected[1], c]
            if win_r >= 0:
                # A circle in data units (not a marker in pixels) scales with the cells, so it
                # stays inside its cell on a phone too.
                x, y = int(win_c) + left, int(win_r) + top
                shapes.append(
                    {
                        "type": "circle",
                        "xref": x_ref,
                        "yref": y_ref,
                        "x0": x - 0.36,
                        "x1": x + 0.36,
                        "y0": y - 0.36,
                        "y1": y + 0.36,
                        "line": {"color": WINNER_RING, "width": 2.5},
                        "layer": "above",
                        "name": f"{KIND_WORDS[result.kind]} of channel {c}",
                    }
                )
    layout["shapes"] = shapes
    return go.Figure(data=[*data, *extra], layout=layout, _validate=False)


def pool_output_figure(
    result: PoolResult,
    *,
    title: str,
    selected: tuple[int, int] | None = None,
    per_row: int = 3,
    marked: Sequence[Cell] = (),
) -> go.Figure:
    """The pooled grid, one panel per channel, each cell in its window's colour with its value
    and where it came from (``from 1,1`` for max/min, ``mean of 4`` for avg); ``marked``
    output (row, col) cells are outlined dashed in every channel."""
    output = result.output
    out_h, out_w, channels = output.shape
    colours = window_colours((out_h, out_w), result.overlapping, selected)
    fill = np.array(
        [[-1 if colours[r, c] is None else colours[r, c] for c in range(out_w)]
         for r in range(out_h)], dtype=float,
    )  # fmt: skip
    panels = [
        Panel(
            fill,
            title=f"channel {c}",
            outlines=((selected[0], selected[1], selected[0], selected[1]),) if selected else (),
            marks=tuple((r, c, r, c) for r, c in marked),
        )
        for c in range(channels)
    ]
    cell_px = 56 if out_h <= 6 else 30
    figure = panels_figure(
        panels,
        title=title,
        axes=Axes("output column", "output row"),
        colour_range=_fill_range(),
        scale=_fill_scale(),
        per_row=per_row,
        show_values=False,
        cell_px=cell_px,
    )
    data, layout = _plain(figure)
    show_values = output.size <= limits.MAX_ANNOTATED_CELLS
    # A second line on each cell only while cells are big enough to hold it.
    show_source = show_values and out_h <= 6 and out_w <= 6
    height, width = result.grid.shape[:2]
    extra: list[dict] = []
    for c in range(channels):
        x_ref, y_ref = _refs(c)
        hover, xs, ys, labels = [], [], [], []
        for r in range(out_h):
            hover_row = []
            for col in range(out_w):
                value = format_value(float(output[r, col, c]))
                w = result.window(r, col)
                rows, cols = w.real_rows(height), w.real_cols(width)
                span = f"rows {rows.start}–{rows.stop - 1}, columns {cols.start}–{cols.stop - 1}"
                win_r, win_c = result.winners[r, col, c]
                if win_r >= 0:
                    source = f"{win_r},{win_c}"
                    long = f"{KIND_WORDS[result.kind]} of {span}, taken from row {win_r}, column {win_c}"
                else:
                    source = f"mean of {len(rows) * len(cols)}"
                    long = f"mean of {span}"
                hover_row.append(f"{value}: {long}")
                xs.append(col)
                ys.append(r)
                labels.append(
                    f"<b>{value}</b><br><span style='font-size:10px'>{source}</span>"
                    if show_source
                    else value
                )
            hover.append(hover_row)
        data[c]["text"] = hover
        data[c]["hovertemplate"] = f"%{{text}}<extra>channel {c}</extra>"
        if show_values:
            extra.append(text_trace(x_ref, y_ref, xs, ys, labels, ["#000000"] * len(xs), 13))
    return go.Figure(data=[*data, *extra], layout=layout, _validate=False)
