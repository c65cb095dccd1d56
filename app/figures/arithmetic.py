"""Page 9's pictures of one axis: where every window of a convolution sits, and a row of numbers.

``windows_figure(axis)`` draws a :class:`cnndemo.explain.Axis` as a chart with one row per output
and one column per cell of the padded input: the cells a window's taps read are filled and named
``w0``, ``w1``, ... (the kernel tap), so stride, padding and dilation can be seen at once.
``strip_figure`` draws a 1D array as one row of cells (the steps of a transposed convolution).
Both follow the app's conventions (:mod:`app.figures.base`): padding cells grey and labelled
``pad``, blue for a positive number, red for a negative one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.core import limits
from app.figures.base import Axes, Panel, index_labels, panels_figure, text_trace

READ = 1.0
"""The value of a cell a tap reads: blue on the diverging scale, like any positive number."""


def windows_figure(
    axis, *, title: str, labels: Sequence[str] | None = None, cell_px: int = 26
) -> go.Figure:
    """Every window of ``axis`` (a :class:`cnndemo.explain.Axis`) over its padded input.

    Rows are outputs ``y0``, ``y1``, ...; columns the padded input's cells, labelled with the
    input's indices (or ``labels``, one per input cell) and ``pad``. A cell a window reads is
    filled and named after its tap; padding cells no window reads stay grey.
    """
    n, before, after = axis.n, axis.before, axis.after
    width = before + n + after
    values = np.zeros((max(axis.out, 1), width))
    values[:, :before] = np.nan
    values[:, before + n :] = np.nan
    names = [[""] * width for _ in range(values.shape[0])]
    for i in range(axis.out):
        for j, cell in enumerate(axis.taps(i)):
            values[i, cell + before] = READ
            names[i][cell + before] = f"w{j}"
    if axis.out == 0:
        values[:] = np.nan
    col_labels = index_labels(n, before, after)
    if labels is not None:
        col_labels = ("pad",) * before + tuple(labels) + ("pad",) * after
    panel = Panel(values, title="", row_labels=tuple(f"y{i}" for i in range(values.shape[0])),
                  col_labels=col_labels)  # fmt: skip
    figure = panels_figure(
        [panel],
        title=f"{title}<br><sup>{axis.out} outputs × {width} cells of the padded input</sup>",
        axes=Axes("padded input cell", "output"),
        colour_range=(-2.0, 2.0),
        show_values=False,
        cell_px=cell_px,
    )
    # The fill says "a tap reads this cell", not a value: no colour bar.
    figure.update_layout(coloraxis_showscale=False)
    if values.size <= limits.MAX_ANNOTATED_CELLS:
        xs, ys, texts = zip(
            *((c, r, names[r][c]) for r in range(values.shape[0]) for c in range(width)),
            strict=True,
        )
        figure.add_trace(text_trace("x", "y", list(xs), list(ys), list(texts),
                                    ["#000000"] * len(xs), size=11))  # fmt: skip
    return figure


def strip_figure(
    values: np.ndarray,
    *,
    title: str,
    labels: Sequence[str] | None = None,
    outlined: Sequence[int] = (),
    x_title: str = "position",
) -> go.Figure:
    """One row of numbers (NaN: a padding cell, drawn grey as 0), columns labelled ``labels``
    (the positions by default); ``outlined`` positions get the selection outline."""
    values = np.asarray(values, dtype=np.float64)[None, :]
    col_labels = tuple(labels) if labels is not None else index_labels(values.shape[1])
    panel = Panel(values, title="", outlines=tuple((0, c, 0, c) for c in outlined),
                  row_labels=("",), col_labels=col_labels)  # fmt: skip
    return panels_figure([panel], title=title, axes=Axes(x_title, ""), cell_px=40)
