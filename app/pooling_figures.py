"""Down-sampling (2D pooling) made visible: which cells each window groups, who wins, and the
pooled grid. Pure functions and Plotly figures, no Streamlit (section 8's page draws them).

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

Winners follow the engine's tie rule (``cnndemo.ops.pool2d_backward``): the first winning cell
of a window in row-major order. Padding cells (SAME) never win and are left out of a mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from app import limits
from app.figures import (
    HALO,
    OUTLINE,
    PAD_TEXT,
    Axes,
    Panel,
    format_value,
    index_labels,
    padded,
    panels_figure,
)
from app.ledger import LedgerRow, conv2d_ledger
from cnndemo import ops

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
KIND_WORDS = {"max": "max", "min": "min", "avg": "mean"}


# --- Windows and winners ------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolWindow:
    """One pooling window, in input coordinates: rows ``top..bottom`` and columns
    ``left..right`` inclusive. With SAME padding these may reach outside the grid (padding)."""

    out_row: int
    out_col: int
    top: int
    left: int
    bottom: int
    right: int

    def real_rows(self, height: int) -> range:
        """Rows of the grid (not padding) the window covers."""
        return range(max(self.top, 0), min(self.bottom, height - 1) + 1)

    def real_cols(self, width: int) -> range:
        """Columns of the grid (not padding) the window covers."""
        return range(max(self.left, 0), min(self.right, width - 1) + 1)


@dataclass(frozen=True)
class PoolResult:
    """A pooling worked out cell by cell.

    ``output`` (out_h, out_w, channels) equals ``cnndemo.pool2d``; ``winners`` (out_h, out_w,
    channels, 2) holds the input (row, column) whose value each max/min output took, -1 for
    a mean; ``windows`` are in reading order (row-major over the output).
    """

    grid: np.ndarray
    size: tuple[int, int]
    stride: tuple[int, int]
    kind: str
    padding: str
    pads: tuple[tuple[int, int], tuple[int, int]]
    windows: tuple[PoolWindow, ...]
    output: np.ndarray
    winners: np.ndarray

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.output.shape[0], self.output.shape[1]

    def window(self, row: int, col: int) -> PoolWindow:
        """The window that makes output cell (row, col)."""
        return self.windows[row * self.output.shape[1] + col]

    @property
    def overlapping(self) -> bool:
        """Whether some input cell belongs to two windows (stride smaller than the window on an
        axis that has more than one window)."""
        out_h, out_w = self.out_shape
        return (out_h > 1 and self.stride[0] < self.size[0]) or (
            out_w > 1 and self.stride[1] < self.size[1]
        )

    def coverage(self) -> np.ndarray:
        """How many windows read each input cell, shape (height, width)."""
        height, width = self.grid.shape[:2]
        counts = np.zeros((height, width), dtype=np.int64)
        for w in self.windows:
            rows, cols = w.real_rows(height), w.real_cols(width)
            counts[rows.start : rows.stop, cols.start : cols.stop] += 1
        return counts


def pool_windows(
    height: int,
    width: int,
    size: tuple[int, int],
    stride: tuple[int, int],
    padding: str = "valid",
) -> tuple[tuple[PoolWindow, ...], tuple[tuple[int, int], tuple[int, int]]]:
    """Every window of a 2D pooling in reading order, and the padding (top, bottom), (left,
    right). Raises the engine's ValueError when the window does not fit (VALID)."""
    (kh, kw), (sy, sx) = size, stride
    out_h = ops.output_size(height, kh, sy, padding)
    out_w = ops.output_size(width, kw, sx, padding)
    top, bottom = ops.padding_amounts(height, kh, sy, padding)
    left, right = ops.padding_amounts(width, kw, sx, padding)
    windows = tuple(
        PoolWindow(r, c, r * sy - top, c * sx - left, r * sy - top + kh - 1, c * sx - left + kw - 1)
        for r in range(out_h)
        for c in range(out_w)
    )
    return windows, ((top, bottom), (left, right))


def explain_pool(
    grid: np.ndarray,
    size: tuple[int, int],
    stride: tuple[int, int],
    kind: str = "max",
    padding: str = "valid",
) -> PoolResult:
    """Pool one grid (height, width, channels) window by window, keeping each winner.

    Raises ValueError for an unknown kind or a window that does not fit, as the engine does.
    """
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 3:
        raise ValueError(f"a grid must be (height, width, channels), got shape {grid.shape}")
    if kind not in KIND_WORDS:
        raise ValueError(f"pooling kind must be one of {list(KIND_WORDS)}; got {kind!r}")
    size = (int(size[0]), int(size[1]))
    stride = (int(stride[0]), int(stride[1]))
    height, width, channels = grid.shape
    windows, pads = pool_windows(height, width, size, stride, padding)
    out_h = windows[-1].out_row + 1
    out_w = windows[-1].out_col + 1
    output = np.empty((out_h, out_w, channels))
    winners = np.full((out_h, out_w, channels, 2), -1, dtype=np.int64)
    for w in windows:
        rows, cols = w.real_rows(height), w.real_cols(width)
        block = grid[rows.start : rows.stop, cols.start : cols.stop].reshape(-1, channels)
        if kind == "avg":
            output[w.out_row, w.out_col] = block.mean(axis=0)
            continue
        # argmax/argmin give the first winner in row-major order: the engine's tie rule.
        best = (np.argmax if kind == "max" else np.argmin)(block, axis=0)
        output[w.out_row, w.out_col] = block[best, np.arange(channels)]
        n_cols = len(cols)
        winners[w.out_row, w.out_col, :, 0] = rows.start + best // n_cols
        winners[w.out_row, w.out_col, :, 1] = cols.start + best % n_cols
    return PoolResult(grid, size, stride, kind, padding, pads, windows, output, winners)


def window_values(result: PoolResult, row: int, col: int, channel: int) -> list[float]:
    """The real cells of output (row, col)'s window in one channel, in row-major order."""
    height, width = result.grid.shape[:2]
    w = result.window(row, col)
    rows, cols = w.real_rows(height), w.real_cols(width)
    block = result.grid[rows.start : rows.stop, cols.start : cols.stop, channel]
    return [float(v) for v in block.reshape(-1)]


def pool_sentence(result: PoolResult, row: int, col: int, channel: int) -> str:
    """``max(1, 4, 13, 16) = 16``, or ``mean(1, 4, 13, 16) = 34 / 4 = 8.5``."""
    values = window_values(result, row, col, channel)
    listed = ", ".join(format_value(v) for v in values)
    word = KIND_WORDS[result.kind]
    out = format_value(float(result.output[row, col, channel]))
    if result.kind == "avg":
        total = format_value(float(np.sum(values)))
        return f"{word}({listed}) = {total} / {len(values)} = {out}"
    return f"{word}({listed}) = {out}"


def winner_note(result: PoolResult, row: int, col: int, channel: int) -> str:
    """Where a max/min output took its value from: ``from row 1, column 1``."""
    r, c = result.winners[row, col, channel]
    if r < 0:
        return f"the mean of {len(window_values(result, row, col, channel))} cells"
    return f"from row {r}, column {c}"


def cell_vector(grid: np.ndarray, row: int, col: int) -> str:
    """An input cell's vector as text: ``(16, 2, 15)``."""
    return "(" + ", ".join(format_value(float(v)) for v in grid[row, col]) + ")"


# --- Shape ledgers ------------------------------------------------------------------------------


def pool2d_row(
    height: int,
    width: int,
    channels: int,
    size: tuple[int, int],
    stride: tuple[int, int],
    kind: str,
    padding: str,
    batch: int = 1,
    stage: str = "pool2d",
) -> LedgerRow:
    """The pooling stage: its output shape (no parameters: it only compares or averages)."""
    try:
        out_h = ops.output_size(height, size[0], stride[0], padding)
        out_w = ops.output_size(width, size[1], stride[1], padding)
    except ValueError as error:
        return LedgerRow(stage, (), None, str(error))
    note = (
        f"{KIND_WORDS[kind]} over {size[0]}×{size[1]} windows, stride ({stride[0]}, "
        f"{stride[1]}), {padding.upper()}; each channel on its own"
    )
    return LedgerRow(stage, (batch, out_h, out_w, channels), None, note)


def pool2d_ledger(
    height: int,
    width: int,
    channels: int,
    size: tuple[int, int],
    stride: tuple[int, int],
    kind: str,
    padding: str,
) -> list[LedgerRow]:
    """Input and output of the worked pooling example."""
    return [
        LedgerRow("input", (1, height, width, channels), None, "(batch, height, width, channels)"),
        pool2d_row(height, width, channels, size, stride, kind, padding),
    ]


def downsampled_model_ledger(
    n_images: int, input_size: tuple[int, int], hyperparameters: dict
) -> list[LedgerRow]:
    """Stage by stage shapes of section 8's model (conv -> activation -> pool -> flatten ->
    dense) for ``n_images`` images of ``input_size``, with parameter counts."""
    hp = hyperparameters
    height, width = input_size
    channels = int(hp["channels"])
    rows = conv2d_ledger(
        height,
        width,
        1,
        tuple(hp["kernel_size"]),
        channels,
        tuple(hp["conv_stride"]),
        hp["padding"],
        batch=n_images,
        bias=True,
    )
    conv = rows[-1]
    if not conv.shape:
        return rows
    _, conv_h, conv_w, _ = conv.shape
    rows.append(LedgerRow(hp["activation"], conv.shape, None, "applied to every number"))
    pool = pool2d_row(
        conv_h,
        conv_w,
        channels,
        tuple(hp["pool_size"]),
        tuple(hp["pool_stride"]),
        hp["pool"],
        "valid",
        batch=n_images,
        stage="pool2d",
    )
    rows.append(pool)
    if not pool.shape:
        return rows
    features = pool.shape[1] * pool.shape[2] * pool.shape[3]
    rows.append(
        LedgerRow(
            "flatten",
            (n_images, features),
            None,
            f"{pool.shape[1]}×{pool.shape[2]}×{pool.shape[3]} = {features} features",
        )
    )
    rows.append(
        LedgerRow(
            "dense → sigmoid",
            (n_images, 1),
            features + 1,
            f"{features} weights + 1 bias; the sigmoid of the logit is P(line)",
        )
    )
    return rows


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


def _text_trace(x_ref: str, y_ref: str, xs, ys, labels, colours, size: int = 12) -> dict:
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
) -> go.Figure:
    """The input grid, one panel per channel, with the pooling windows coloured.

    Parameters
    ----------
    result : from :func:`explain_pool`.
    selected : output (row, col) whose window is outlined in black and whose winners are ringed.

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
    if not result.overlapping:
        for w in result.windows:
            rows, cols = w.real_rows(height), w.real_cols(width)
            fill[rows.start : rows.stop, cols.start : cols.stop] = window_colour_index(
                w.out_row, w.out_col
            )
    elif selected is not None:
        w = result.window(*selected)
        rows, cols = w.real_rows(height), w.real_cols(width)
        fill[rows.start : rows.stop, cols.start : cols.stop] = window_colour_index(*selected)
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
            extra.append(_text_trace(x_ref, y_ref, xs, ys, labels, colours))
        for w in result.windows:
            colour = WINDOW_COLOURS[window_colour_index(w.out_row, w.out_col)]
            shapes.append(
                _rect(
                    x_ref,
                    y_ref,
                    w.top + top,
                    w.left + left,
                    w.bottom + top,
                    w.right + left,
                    colour,
                    2.5,
                    _window_inset(w),
                )  # fmt: skip
            )
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
) -> go.Figure:
    """The pooled grid, one panel per channel, each cell in its window's colour with its value
    and where it came from (``from 1,1`` for max/min, ``mean of 4`` for avg)."""
    output = result.output
    out_h, out_w, channels = output.shape
    fill = np.array(
        [[window_colour_index(r, c) for c in range(out_w)] for r in range(out_h)], dtype=float
    )
    panels = [
        Panel(
            fill,
            title=f"channel {c}",
            outlines=((selected[0], selected[1], selected[0], selected[1]),) if selected else (),
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
            extra.append(_text_trace(x_ref, y_ref, xs, ys, labels, ["#000000"] * len(xs), 13))
    return go.Figure(data=[*data, *extra], layout=layout, _validate=False)


def output_text(output: np.ndarray) -> str:
    """The pooled grid as rows of vectors: ``(16, 17, 18) (22, 23, 24) / (40, …) (46, …)``."""
    return " / ".join(
        " ".join(cell_vector(output, r, c) for c in range(output.shape[1]))
        for r in range(output.shape[0])
    )


# --- Reading a trained down-sampled model -------------------------------------------------------


def region_bits(
    image: np.ndarray, row: int, col: int, kernel_size: Sequence[int], stride: Sequence[int]
) -> str:
    """The pixels under conv position (row, col) of a binary image (height, width), row-major
    as a bit string: the label the engine gives that region (``"1100"``: top row on)."""
    top, left = row * int(stride[0]), col * int(stride[1])
    window = np.asarray(image)[top : top + int(kernel_size[0]), left : left + int(kernel_size[1])]
    return "".join("1" if v else "0" for v in window.reshape(-1))


def pooled_sources(
    image: np.ndarray, feature_map: np.ndarray, hyperparameters: dict
) -> list[list[str]]:
    """For each pooled cell (reading order) and channel, where its number came from.

    ``feature_map`` is the image's conv output after the activation (out_h, out_w, channels).
    Max/min pooling: ``"1100 at (0, 1)"``, the 2x2 region (as pixels) whose response won; a mean
    says how many regions it averages.
    """
    hp = hyperparameters
    result = explain_pool(
        feature_map, tuple(hp["pool_size"]), tuple(hp["pool_stride"]), hp["pool"], "valid"
    )
    out_h, out_w, channels = result.output.shape
    sources = []
    for r in range(out_h):
        for c in range(out_w):
            cell = []
            for ch in range(channels):
                win_r, win_c = (int(v) for v in result.winners[r, c, ch])
                if win_r < 0:
                    cell.append(f"mean of {len(window_values(result, r, c, ch))} regions")
                else:
                    bits = region_bits(image, win_r, win_c, hp["kernel_size"], hp["conv_stride"])
                    cell.append(f"{bits} at ({win_r}, {win_c})")
            sources.append(cell)
    return sources


@dataclass(frozen=True)
class ConfusedGroup:
    """Examples whose dense-layer inputs are (nearly) the same but whose labels differ: the
    dense layer must give them (nearly) the same probability, so it cannot be right on all.

    ``best`` is the one probability that minimises their cross-entropy: the share of label 1.
    """

    indices: tuple[int, ...]
    best: float


def confusable_groups(
    vectors: np.ndarray, targets: np.ndarray, tolerance: float = 0.02
) -> list[ConfusedGroup]:
    """Groups of examples whose vectors (n, features) lie within ``tolerance`` of each other in
    every feature (chained), keeping only groups that mix labels; largest first."""
    vectors = np.asarray(vectors, dtype=np.float64).reshape(len(vectors), -1)
    targets = np.asarray(targets, dtype=np.float64)
    n = len(vectors)
    group_of = list(range(n))

    def root(i: int) -> int:
        while group_of[i] != i:
            i = group_of[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if np.max(np.abs(vectors[i] - vectors[j])) <= tolerance:
                group_of[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    groups = [
        ConfusedGroup(tuple(ix), float(np.mean(targets[ix])))
        for ix in members.values()
        if len(set(targets[ix].tolist())) > 1
    ]
    return sorted(groups, key=lambda g: -len(g.indices))
