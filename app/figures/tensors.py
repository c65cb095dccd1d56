"""Tensors as heatmaps: sequences, vectors, kernels, outputs, grids and pictures (no Streamlit).

Every builder draws through :func:`app.figures.base.panels_figure` and follows its conventions
(rows read like the tables, values written in the cells, one panel per channel, the kernel's
window and the output cell outlined, padding cells blank and labelled "pad").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.figures.base import (
    DIVERGING,
    GREYS,
    Axes,
    Cell,
    Panel,
    cell_rects,
    index_labels,
    padded,
    panels_figure,
    scale_list,
    window_rects,
)


def sequence_figure(
    sequence: np.ndarray,
    *,
    title: str,
    padding: tuple[int, int] = (0, 0),
    window_rows: Sequence[int] = (),
    outlined: Sequence[Cell] = (),
    marked: Sequence[Cell] = (),
) -> go.Figure:
    """A sequence of vectors (positions, channels) as a grid: rows = positions, like its table.

    ``window_rows`` are row indices of the *padded* sequence covered by the kernel (padding rows
    come first, so with ``padding=(1, 0)`` input position 0 is row 1). ``outlined`` and
    ``marked`` cells, ``(position, channel)`` of the sequence itself, get a solid or a dashed
    outline.
    """
    sequence = np.asarray(sequence, dtype=np.float64)
    if sequence.ndim != 2:
        raise ValueError(f"a sequence must be (positions, channels), got shape {sequence.shape}")
    n, channels = sequence.shape
    values = padded(sequence, *padding, axis=0)
    outlines = window_rects(window_rows, range(channels)) if len(window_rows) else ()
    shift = (padding[0], 0)
    panel = Panel(
        values,
        title="",
        outlines=(*outlines, *cell_rects(outlined, shift)),
        marks=cell_rects(marked, shift),
        row_labels=index_labels(n, *padding),
    )
    return _positions_figure(panel, title, n, channels, Axes("channel", "position"))


def _positions_figure(panel: Panel, title: str, n: int, channels: int, axes: Axes) -> go.Figure:
    """One panel of positions x channels, its size under the title."""
    return panels_figure(
        [panel],
        title=f"{title}<br><sup>{n} positions × {channels} channels</sup>",
        axes=axes,
        per_row=1,
    )


def vector_figure(
    values: np.ndarray,
    *,
    title: str,
    padding: tuple[int, int] = (0, 0),
    window_cols: Sequence[int] = (),
    selected: int | None = None,
    x_title: str = "position",
) -> go.Figure:
    """A vector of scalars as one row of cells (positions left to right), for the 1-channel case.

    ``window_cols`` are positions of the *padded* vector to outline (the kernel's taps);
    ``selected`` outlines one cell (an output).
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"a vector must be one-dimensional, got shape {values.shape}")
    n = values.shape[0]
    row = padded(values[None, :], *padding, axis=1)
    outlines = window_rects([0], window_cols) if len(window_cols) else ()
    if selected is not None:
        outlines = (*outlines, (0, selected, 0, selected))
    panel = Panel(
        row,
        title="",
        outlines=outlines,
        row_labels=("",),
        col_labels=index_labels(n, *padding),
    )
    return panels_figure([panel], title=title, axes=Axes(x_title, ""), per_row=1, cell_px=40)


def kernel1d_figure(
    kernel: np.ndarray,
    *,
    title: str,
    selected_out: int | None = None,
    outlined: Sequence[Cell] = (),
    marked: Sequence[Cell] = (),
) -> go.Figure:
    """A 1D kernel (width, in, out): one panel per output channel, rows = kernel positions.

    ``outlined`` / ``marked``: ``(tap, in, out)`` cells outlined solid / dashed."""
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 3:
        raise ValueError(f"a 1D kernel must be (width, in, out), got shape {kernel.shape}")
    out_channels = kernel.shape[2]
    panels = [
        Panel(
            kernel[:, :, o],
            title=f"out {o}" + (" · selected" if o == selected_out and out_channels > 1 else ""),
            emphasised=o == selected_out and out_channels > 1,
            outlines=cell_rects(outlined, panel=o),
            marks=cell_rects(marked, panel=o),
        )
        for o in range(out_channels)
    ]
    return panels_figure(
        panels, title=title, axes=Axes("input channel", "kernel position"), per_row=3
    )


def output1d_figure(
    output: np.ndarray,
    *,
    title: str,
    selected: tuple[int, int] | None = None,
    marked: Sequence[Cell] = (),
) -> go.Figure:
    """A 1D result (positions, out channels) with the selected (position, channel) outlined and
    the ``marked`` ones dashed."""
    output = np.asarray(output, dtype=np.float64)
    if output.ndim != 2:
        raise ValueError(f"a 1D result must be (positions, channels), got shape {output.shape}")
    n, channels = output.shape
    outlines = () if selected is None else ((selected[0], selected[1], selected[0], selected[1]),)
    panel = Panel(output, title="", outlines=outlines, marks=cell_rects(marked))
    return _positions_figure(panel, title, n, channels, Axes("output channel", "output position"))


def grid_figure(
    grid: np.ndarray,
    *,
    title: str,
    padding: tuple[tuple[int, int], tuple[int, int]] = ((0, 0), (0, 0)),
    window: tuple[Sequence[int], Sequence[int]] | None = None,
    per_row: int = 3,
    outlined: Sequence[Cell] = (),
    marked: Sequence[Cell] = (),
) -> go.Figure:
    """A grid of vectors (height, width, channels): one panel per channel, rows top to bottom.

    ``window`` = (rows, cols) of the *padded* grid covered by the kernel, outlined on every panel;
    ``outlined`` / ``marked`` cells, ``(row, column, channel)`` of the grid itself, get a solid /
    dashed outline in their channel's panel.
    """
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 3:
        raise ValueError(f"a grid must be (height, width, channels), got shape {grid.shape}")
    h, w, channels = grid.shape
    (top, bottom), (left, right) = padding
    values = padded(padded(grid, top, bottom, axis=0), left, right, axis=1)
    outlines = window_rects(*window) if window is not None else ()
    panels = [
        Panel(
            values[:, :, c],
            title=f"channel {c}",
            outlines=(*outlines, *cell_rects(outlined, (top, left), panel=c)),
            marks=cell_rects(marked, (top, left), panel=c),
            row_labels=index_labels(h, top, bottom),
            col_labels=index_labels(w, left, right),
        )
        for c in range(channels)
    ]
    return panels_figure(panels, title=title, axes=Axes("column (x)", "row (y)"), per_row=per_row)


def kernel2d_figure(
    kernel: np.ndarray,
    *,
    title: str,
    out_channel: int = 0,
    per_row: int = 3,
    outlined: Sequence[Cell] = (),
    marked: Sequence[Cell] = (),
) -> go.Figure:
    """The slice of a 2D kernel (k_h, k_w, in, out) feeding one output channel: a panel per input
    channel (the weights that multiply that channel of the window). ``outlined`` / ``marked``:
    ``(row, column, in, out)`` cells (those of ``out_channel``) outlined solid / dashed."""
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 4:
        raise ValueError(f"a 2D kernel must be (height, width, in, out), got {kernel.shape}")
    if not 0 <= out_channel < kernel.shape[3]:
        raise ValueError(f"output channel {out_channel} does not exist (kernel {kernel.shape})")
    outlined = [cell[:3] for cell in outlined if cell[3] == out_channel]
    marked = [cell[:3] for cell in marked if cell[3] == out_channel]
    panels = [
        Panel(
            kernel[:, :, c, out_channel],
            title=f"in {c} → out {out_channel}",
            outlines=cell_rects(outlined, panel=c),
            marks=cell_rects(marked, panel=c),
        )
        for c in range(kernel.shape[2])
    ]
    return panels_figure(
        panels, title=title, axes=Axes("kernel column", "kernel row"), per_row=per_row
    )


def output2d_figure(
    output: np.ndarray,
    *,
    title: str,
    selected: tuple[int, int, int] | None = None,
    per_row: int = 3,
    marked: Sequence[Cell] = (),
) -> go.Figure:
    """A 2D result (height, width, out channels): a panel per channel, the selected
    (row, col, channel) cell outlined, the ``marked`` ones dashed."""
    output = np.asarray(output, dtype=np.float64)
    if output.ndim != 3:
        raise ValueError(f"a 2D result must be (height, width, channels), got {output.shape}")
    panels = []
    for c in range(output.shape[2]):
        is_selected = selected is not None and selected[2] == c
        outlines = ((selected[0], selected[1], selected[0], selected[1]),) if is_selected else ()
        panels.append(
            Panel(
                output[:, :, c],
                title=f"output channel {c}",
                outlines=outlines,
                marks=cell_rects(marked, panel=c),
            )
        )
    return panels_figure(
        panels, title=title, axes=Axes("output column", "output row"), per_row=per_row
    )


def image_figure(
    image: np.ndarray, *, title: str, signed: bool = False, height: int = 380
) -> go.Figure:
    """A picture (height, width) without numbers, square pixels, row 0 at the top.

    Grey scale 0..255, or with ``signed`` the diverging scale centred on 0 (a feature map, where
    an edge comes out negative on one side and positive on the other).
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"a picture must be (height, width), got shape {image.shape}")
    h, w = image.shape
    if signed:
        finite = image[np.isfinite(image)]
        top = float(np.max(np.abs(finite))) if finite.size else 0.0
        cmin, cmax, scale = -(top or 1.0), top or 1.0, DIVERGING
    else:
        cmin, cmax, scale = 0.0, 255.0, GREYS
    layout = {
        "title": {"text": f"{title}<br><sup>{h} × {w} pixels</sup>", "x": 0, "xanchor": "left"},
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 50, "b": 40},
        "coloraxis": {
            "colorscale": scale_list(scale),
            "cmin": cmin,
            "cmax": cmax,
            "colorbar": {"title": {"text": "value" if signed else "brightness"}, "thickness": 12},
        },
        "xaxis": {"title": {"text": "column (x)"}, "constrain": "domain", "showgrid": False},
        # Square pixels, row 0 at the top as in the picture.
        "yaxis": {
            "title": {"text": "row (y)"},
            "autorange": "reversed",
            "scaleanchor": "x",
            "showgrid": False,
        },
    }
    trace = {
        "type": "heatmap",
        # An array, not nested lists: a 96 x 96 picture as lists costs more to copy than to draw.
        "z": image,
        "coloraxis": "coloraxis",
        "hovertemplate": "row %{y}, column %{x}: %{z:.4g}<extra></extra>",
    }
    return go.Figure(data=[trace], layout=layout, _validate=False)
