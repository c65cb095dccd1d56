"""A kernel walking over its input as a Plotly animation: one frame per output, played and
stepped in the browser (no server round trip per step).

``window_animation(inputs, outputs, steps, ...)`` draws the input and output panels once
(``app.figures.base.panels_figure``) and adds a frame per ``app.core.window_steps.WindowStep``.
The window's and the output cell's outlines are line traces, not layout shapes, so a frame only
moves those lines: Plotly applies it without redrawing the figure (``redraw: false``, which
ignores layout changes), fast enough for 20 frames a second. The slider under the figure picks
a frame and shows the engine's sum for it; play and pause buttons run through the frames at
``step_ms`` per frame.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
from PIL import Image

from app.core.window_steps import WindowStep
from app.figures.base import (
    HALO,
    OUTLINE,
    PAD_BACKGROUND,
    Axes,
    Panel,
    Rect,
    colour_at,
    index_labels,
    padded,
    panels_figure,
    window_rects,
)
from app.figures.chart_spec import SpecFigure

STEP_MS = 30
"""Milliseconds between frames when playing. Plotly adds the time it takes to draw a frame (about
16 ms in headless Chromium on this machine at load 7), so this plays 20-30 steps a second."""

CONTROLS_PX = 160
"""Room under the panels for the slider's value, the slider and, under it, the play/pause
buttons."""

INVISIBLE = "rgba(0, 0, 0, 0)"

CELL_PIXELS = 48
"""Side of one cell in the pictures that stand for the heatmaps (the browser stretches them)."""


def _ref(panel: int) -> tuple[str, str]:
    """The axes of panel ``panel`` (``panels_figure`` numbers them from 1, the first unnamed)."""
    suffix = "" if panel == 0 else str(panel + 1)
    return f"x{suffix}", f"y{suffix}"


def outline_path(rects: Sequence[Rect]) -> tuple[list, list]:
    """x and y of closed lines round each ``(top, left, bottom, right)`` cell range, separated
    by gaps (None); ``[None]`` each when there is nothing to outline."""
    xs: list = []
    ys: list = []
    for top, left, bottom, right in rects:
        x0, x1, y0, y1 = left - 0.5, right + 0.5, top - 0.5, bottom + 0.5
        xs += [x0, x1, x1, x0, x0, None]
        ys += [y0, y0, y1, y1, y0, None]
    return (xs or [None]), (ys or [None])


def step_paths(
    inputs: Sequence[Panel], n_outputs: int, step: WindowStep
) -> list[tuple[list, list]]:
    """One outline path per panel for ``step``: the window on every input panel, the output cell
    on its own output panel (nothing on the others)."""
    paths = []
    for panel in inputs:
        cols = step.cols or range(panel.values.shape[1])
        paths.append(outline_path(window_rects(step.rows, cols)))
    out_panel, row, col = step.out_cell
    for index in range(n_outputs):
        paths.append(outline_path([(row, col, row, col)] if index == out_panel else []))
    return paths


def _outline_traces(paths: Sequence[tuple[list, list]]) -> list[dict]:
    """A white halo under a black line for each panel's path (as ``base.outline_shapes``)."""
    traces = []
    for panel, (xs, ys) in enumerate(paths):
        x_ref, y_ref = _ref(panel)
        for colour, width in ((HALO, 6), (OUTLINE, 3)):
            traces.append(
                {"type": "scatter", "mode": "lines", "x": xs, "y": ys, "xaxis": x_ref,
                 "yaxis": y_ref, "line": {"color": colour, "width": width},
                 "hoverinfo": "skip", "showlegend": False}
            )  # fmt: skip
    return traces


def cell_picture(values: np.ndarray, scale: Sequence[str], low: float, high: float) -> str:
    """A PNG (data URI) of the cells' colours, ``CELL_PIXELS`` a side with a white gap between
    cells, padding (NaN) in the padding grey: what the panel's heatmap shows."""
    rows, cols = values.shape
    rgb = np.empty((rows, cols, 3))
    for (r, c), value in np.ndenumerate(values):
        if np.isfinite(value):
            rgb[r, c] = colour_at(scale, (value - low) / ((high - low) or 1.0))
        else:
            rgb[r, c] = colour_at((PAD_BACKGROUND, PAD_BACKGROUND), 0.0)
    pixels = np.repeat(np.repeat(rgb, CELL_PIXELS, axis=0), CELL_PIXELS, axis=1)
    pixels[CELL_PIXELS - 1 :: CELL_PIXELS, :] = 1.0
    pixels[:, CELL_PIXELS - 1 :: CELL_PIXELS] = 1.0
    buffer = io.BytesIO()
    Image.fromarray(np.round(pixels * 255).astype(np.uint8)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _cells_as_pictures(data: list[dict], layout: dict, panels: Sequence[Panel]) -> list[dict]:
    """Each panel's heatmap drawn as a picture behind its axes instead; returns the traces with
    the heatmaps hidden.

    A frame drawn without a redraw replots only the traces it names and blanks a heatmap
    (plotly.js draws heatmaps only on a full redraw); a layout picture stays. The hidden
    heatmaps keep the numbers for the chart's text alternative (``app.core.chart_text``); the
    axes keep their cell coordinates."""
    colour_axis = layout["coloraxis"]
    scale = [colour for _, colour in colour_axis["colorscale"]]
    low, high = colour_axis["cmin"], colour_axis["cmax"]
    layout["images"] = []
    for index, panel in enumerate(panels):
        rows, cols = panel.values.shape
        x_ref, y_ref = _ref(index)
        y_axis = layout[f"yaxis{y_ref[1:]}"]
        y_axis.pop("autorange", None)
        y_axis["range"] = [rows - 0.5, -0.5]  # rows top to bottom, as the heatmap had them
        layout["images"].append(
            {"source": cell_picture(panel.values, scale, low, high), "xref": x_ref,
             "yref": y_ref, "x": -0.5, "y": -0.5, "sizex": cols, "sizey": rows,
             "sizing": "stretch", "xanchor": "left", "yanchor": "top", "layer": "below"}
        )  # fmt: skip
    return [{**trace, "visible": False} if trace["type"] == "heatmap" else trace for trace in data]


def window_animation(
    inputs: Sequence[Panel],
    outputs: Sequence[Panel],
    steps: Sequence[WindowStep],
    *,
    title: str,
    axes: Axes,
    output_axes: Axes,
    step_ms: int = STEP_MS,
) -> SpecFigure:
    """The panels side by side with one frame per step.

    Parameters
    ----------
    inputs, outputs : the input panels (padded, as ``WindowStep.rows``/``cols`` count) and the
        output panels (``WindowStep.out_cell`` names one of them).
    steps : the kernel's stops, in the order played (at least one).
    axes, output_axes : axis titles of the input and of the output panels.
    step_ms : milliseconds per frame when playing.
    """
    if not steps:
        raise ValueError("an animation needs at least one step")
    panels = [*inputs, *outputs]
    # Plain dicts from here on, unvalidated like panels_figure's own, and handed on as a
    # SpecFigure: even go.Figure(_validate=False) validates frames, seconds for 128 of them.
    # Inputs in rows of up to three, the outputs from a row of their own: side by side, seven
    # panels (six channels and an output) left a phone's cells too narrow for their numbers,
    # and an output's row labels and axis title fell in the gap over its left neighbour.
    base = panels_figure(panels, title=title, axes=axes, new_row_at=len(inputs)).to_dict()
    layout = base["layout"]
    for index in range(len(inputs), len(panels)):
        x_ref, y_ref = _ref(index)
        layout[f"xaxis{x_ref[1:]}"]["title"]["text"] = output_axes.x_title
        y_axis = layout[f"yaxis{y_ref[1:]}"]
        if y_axis["showticklabels"]:  # a row's first panel names its rows
            y_axis["title"]["text"] = output_axes.y_title
    data = _cells_as_pictures(base["data"], layout, panels)
    first = len(data)
    data += _outline_traces(step_paths(inputs, len(outputs), steps[0]))
    moving = list(range(first, len(data)))
    frames = [
        {"name": str(i), "data": _outline_traces(step_paths(inputs, len(outputs), step)),
         "traces": moving}
        for i, step in enumerate(steps)
    ]  # fmt: skip
    still = {"mode": "immediate", "transition": {"duration": 0}}
    play = {**still, "fromcurrent": True, "frame": {"duration": step_ms, "redraw": False}}
    layout["height"] += CONTROLS_PX
    layout["margin"]["b"] = CONTROLS_PX
    layout["sliders"] = [
        {
            # The whole width, on a row of its own: beside the buttons, a phone's slider began
            # under the pause button, which hid the handle at the first stop.
            "active": 0, "x": 0, "len": 1, "y": 0, "yanchor": "top", "pad": {"t": 50},
            # The step labels carry the sums for the value shown above the slider; under
            # every tick they would pile up, so the ticks' own labels are not drawn.
            "font": {"color": INVISIBLE},
            "currentvalue": {"prefix": "", "font": {"size": 14, "color": OUTLINE}},
            "steps": [
                {"label": step.caption, "method": "animate",
                 "args": [[str(i)], {**still, "frame": {"duration": 0, "redraw": False}}]}
                for i, step in enumerate(steps)
            ],
        }
    ]  # fmt: skip
    layout["updatemenus"] = [
        {
            "type": "buttons", "direction": "left", "showactive": False, "x": 0, "y": 0,
            "xanchor": "left", "yanchor": "top", "pad": {"t": 112},
            "buttons": [
                {"label": "▶ play", "method": "animate", "args": [None, play]},
                {"label": "❚❚ pause", "method": "animate",
                 "args": [[None], {**still, "frame": {"duration": 0, "redraw": False}}]},
            ],
        }
    ]  # fmt: skip
    return SpecFigure({"data": data, "layout": layout, "frames": frames})


def conv1d_animation(
    x: np.ndarray, out: np.ndarray, steps: Sequence[WindowStep], pad: tuple[int, int]
) -> SpecFigure:
    """A 1D convolution's stops: the input x (positions, channels; ``pad`` rows of padding
    before and after) and the output y (positions, out channels)."""
    n = x.shape[0]
    source = Panel(padded(x, *pad, axis=0), title="input x", row_labels=index_labels(n, *pad))
    return window_animation(
        [source], [Panel(np.asarray(out, dtype=np.float64), title="output y")], steps,
        title="Every stop of the kernel", axes=Axes("channel", "position"),
        output_axes=Axes("output channel", "output position"),
    )  # fmt: skip


def conv2d_animation(
    x: np.ndarray,
    out: np.ndarray,
    steps: Sequence[WindowStep],
    pads: tuple[tuple[int, int], tuple[int, int]],
) -> SpecFigure:
    """A 2D convolution's stops: one panel per input channel of x (height, width, in; padded
    by ``pads``) and one per output channel of y (height, width, out)."""
    (top, bottom), (left, right) = pads
    h, w = x.shape[:2]
    grid = padded(padded(x, top, bottom, axis=0), left, right, axis=1)
    inputs = [
        Panel(grid[:, :, c], title=f"x channel {c}", row_labels=index_labels(h, top, bottom),
              col_labels=index_labels(w, left, right))
        for c in range(x.shape[2])
    ]  # fmt: skip
    outputs = [Panel(out[:, :, c], title=f"y channel {c}") for c in range(out.shape[2])]
    return window_animation(
        inputs, outputs, steps, title="Every stop of the kernel",
        axes=Axes("column (x)", "row (y)"), output_axes=Axes("output column", "output row"),
    )  # fmt: skip
