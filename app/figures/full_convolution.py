"""The steps of a "full" convolution (a convolution's input gradient, a transposed convolution)
as heatmaps: the spread and padded grid, the flipped kernel, the full result and what is cut.

Every builder takes the arrays of :class:`cnndemo.conv_transpose.ZeroInsertion` for one example
(no batch axis) and draws them like :mod:`app.figures.tensors`: 1D arrays ``(positions,
channels)`` as one panel (rows = positions), 2D arrays ``(rows, columns, channels)`` as one panel
per channel. Tick labels say what each cell is, so a learner can match it to the lesson's sums.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.figures.base import Axes, Panel, panels_figure

POSITIONS = Axes("channel", "position")
GRID = Axes("column (x)", "row (y)")


def spread_labels(length: int, stride: int, reach: int) -> tuple[str, ...]:
    """Labels along one axis of a spread and padded grid: ``pad`` for the padding, the index of
    the upstream cell where one sits, ``·`` for an inserted zero."""
    labels = []
    for position in range(length):
        inner = position - reach
        if inner < 0 or inner >= length - 2 * reach:
            labels.append("pad")
        elif inner % stride == 0:
            labels.append(str(inner // stride))
        else:
            labels.append("·")
    return tuple(labels)


def _panels(values: np.ndarray, labels: Sequence[Sequence[str]], titles: str,
            selected: tuple[int, ...] | None = None) -> tuple[list[Panel], Axes]:  # fmt: skip
    """One panel (1D) or one per channel (2D), with the given tick labels per spatial axis."""
    if values.ndim == 2:
        outlines = () if selected is None else ((selected[0], selected[1]) * 2,)
        panel = Panel(values, title="", outlines=outlines, row_labels=tuple(labels[0]),
                      col_labels=tuple(str(c) for c in range(values.shape[1])))  # fmt: skip
        return [panel], POSITIONS
    panels = []
    for c in range(values.shape[2]):
        chosen = selected is not None and selected[2] == c
        outlines = ((selected[0], selected[1]) * 2,) if chosen else ()
        panels.append(
            Panel(
                values[:, :, c],
                title=titles.format(c),
                outlines=outlines,
                row_labels=tuple(labels[0]),
                col_labels=tuple(labels[1]),
            )  # fmt: skip
        )
    return panels, GRID


def spread_figure(
    padded: np.ndarray, strides: Sequence[int], reaches: Sequence[int], *, title: str
) -> go.Figure:
    """The upstream gradient spread with ``stride - 1`` zeros between its cells and padded by
    the kernel's reach: ``padded`` (positions, out) or (rows, columns, out). The padding cells
    are drawn as padding (grey, 0)."""
    values = np.array(padded, dtype=np.float64)
    labels = [
        spread_labels(n, s, r) for n, s, r in zip(values.shape[:-1], strides, reaches, strict=True)
    ]
    for axis, axis_labels in enumerate(labels):
        pads = [i for i, label in enumerate(axis_labels) if label == "pad"]
        index = [slice(None)] * values.ndim
        index[axis] = pads
        values[tuple(index)] = np.nan
    panels, axes = _panels(values, labels, "channel {}")
    return panels_figure(panels, title=title, axes=axes)


def flipped_kernel_figure(flipped: np.ndarray, *, title: str) -> go.Figure:
    """The kernel slice for one input channel, turned round: ``flipped`` (k, out) or
    (k_h, k_w, out), taps labelled with their original index (so they read k - 1, ..., 0)."""
    flipped = np.asarray(flipped, dtype=np.float64)
    labels = [tuple(str(n - 1 - i) for i in range(n)) for n in flipped.shape[:-1]]
    if flipped.ndim == 2:
        panel = Panel(flipped, title="", row_labels=labels[0],
                      col_labels=tuple(f"out {o}" for o in range(flipped.shape[1])))  # fmt: skip
        axes = Axes("output channel", "tap (original index)")
        return panels_figure([panel], title=title, axes=axes)
    panels, _ = _panels(flipped, labels, "out {}")
    return panels_figure(panels, title=title, axes=Axes("column (original)", "row (original)"))


def full_labels(length: int, before: int, n: int) -> tuple[str, ...]:
    """Labels of the full result along one axis: the input index of each cell, ``pad`` for the
    cells that lie on the forward convolution's padding (cut away)."""
    return tuple(str(i - before) if 0 <= i - before < n else "pad" for i in range(length))


def full_figure(
    full: np.ndarray,
    crop: Sequence[tuple[int, int]],
    in_size: Sequence[int],
    *,
    title: str,
    selected: tuple[int, ...] | None = None,
) -> go.Figure:
    """The full convolution's result, ``full`` (positions, in) or (rows, columns, in), every
    cell labelled with the input index it is the gradient of (``pad``: cut away); the
    ``selected`` input cell (input coordinates, channel last) is outlined."""
    full = np.asarray(full, dtype=np.float64)
    labels = [
        full_labels(length, before, n)
        for length, (before, _), n in zip(full.shape[:-1], crop, in_size, strict=True)
    ]
    shifted = None
    if selected is not None:
        rank = len(crop)
        spatial = tuple(s + before for s, (before, _) in zip(selected, crop, strict=False))
        if all(0 <= i < n for i, n in zip(spatial, full.shape, strict=False)):
            shifted = spatial + tuple(selected[rank:])
    panels, axes = _panels(full, labels, "channel {}", shifted)
    return panels_figure(panels, title=title, axes=axes)
