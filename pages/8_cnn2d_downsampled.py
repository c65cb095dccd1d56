"""Section 8: down-sampling a grid by pooling, then the down-sampled CNN trained live."""

from __future__ import annotations

import numpy as np
import streamlit as st

from app.core import ledger, limits, markup
from app.core.controls import Controls, TensorSpec
from app.core.conv_controls import padding_control, pool_kind_control, size_control, stride_control
from app.core.explore import feeds_sentence
from app.core.image_sets import link_values, set_from_link
from app.core.pool_windows import (
    KIND_WORDS,
    PoolResult,
    cell_vector,
    explain_pool,
    output_text,
    padding_note,
    pool_sentence,
    winner_note,
)
from app.core.training_links import image_page_schema
from app.figures.chart_spec import SpecFigure, spec_of
from app.figures.click_layer import clickable
from app.figures.pooling import every_window_coloured, pool_input_figure, pool_output_figure
from app.server import reroute_deep_link
from app.widgets import cnn2d_downsampled_model as model
from app.widgets.click import CLICK_HINT, clickable_chart, explore_clicks, probe_note
from app.widgets.controls import control_row, open_controls
from app.widgets.image_set_editor import image_set, init_image_set, set_image_set
from app.widgets.ledger_view import show_ledger
from app.widgets.share_box import link_warning, share_link
from app.widgets.stepper import stepper_keys, window_stepper
from app.widgets.tabs import lazy_tabs
from app.widgets.tensor_editor import preset_keys, tensor_editor

reroute_deep_link()

PAGE = "cnn2d-downsampled"
TITLE = "CNN 2D down sampled"
KEY_TEXT = "Pooling shrinks a grid"

# The tutorial's worked example (docs/lesson.md, section 8): a 4 x 4 grid of 3-vectors. Three
# vectors of the top-left group are built so that each holds the maximum of a different channel:
# 2 x 2 max pooling with stride 2 gives (16, 17, 18) (22, 23, 24) / (40, 41, 42) (46, 47, 48).
X_DEFAULT = np.array(
    [
        [[1, 17, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]],
        [[13, 14, 18], [16, 2, 15], [19, 20, 21], [22, 23, 24]],
        [[25, 26, 27], [28, 29, 30], [31, 32, 33], [34, 35, 36]],
        [[37, 38, 39], [40, 41, 42], [43, 44, 45], [46, 47, 48]],
    ],
    dtype=np.float64,
)
# Part 1's controls: the grid's sizes (its table carries them in the link), the window, the
# strides, the kind and the padding.
HEIGHT = size_control("p8.h", "grid height (rows)", limits.MAX_HEIGHT)
WIDTH = size_control("p8.w", "grid width (columns)", limits.MAX_WIDTH)
CHANNELS = size_control("p8.c", "channels (vector size)", limits.MAX_CHANNELS)
WINDOW_Y = size_control("p8.ky", "window height", limits.MAX_KERNEL, 2, "ky", "slider")
WINDOW_X = size_control("p8.kx", "window width", limits.MAX_KERNEL, 2, "kx", "slider")
STRIDE_Y = stride_control("p8.s.sy", "sy", "stride y (rows)", 2)
STRIDE_X = stride_control("p8.s.sx", "sx", "stride x (columns)", 2)
KIND = pool_kind_control("p8.kind", "k")
PADDING = padding_control("p8.p", "p")
X = TensorSpec(
    "p8.x", "grid", "Input grid x (one table per channel)", (HEIGHT, WIDTH, CHANNELS), "x"
)
POSITION = "p8.pos"  # the output cell stepper's keys
GRID = Controls(
    (HEIGHT, WIDTH, CHANNELS, WINDOW_Y, WINDOW_X, STRIDE_Y, STRIDE_X, KIND, PADDING), (X,)
)
# One link for both parts: the worked example's grid and pooling, then the training part's
# images and controls (the same fields as sections 5-7) and the model's pooling.
CONTROLS = GRID + model.CONTROLS
SCHEMA = image_page_schema(CONTROLS, pad=False)


def _share_state() -> dict:
    images, labels = link_values(image_set(model.IMAGES))
    return {"img": images, "lab": labels, **CONTROLS.share_state(st.session_state)}


@st.cache_data(max_entries=32, show_spinner=False)
def _explain(
    grid: np.ndarray, size: tuple[int, int], stride: tuple[int, int], kind: str, padding: str
) -> PoolResult:
    return explain_pool(grid, size, stride, kind, padding)


@st.cache_data(max_entries=64, show_spinner=False)
def _figure_specs(
    grid: np.ndarray,
    size: tuple[int, int],
    stride: tuple[int, int],
    kind: str,
    padding: str,
    selected: tuple[int, int],
    probe: tuple[int, int] | None = None,
) -> tuple[dict, dict]:
    """Both pooling figures as plain JSON, clickable. Building them is the slowest part of a
    rerun; a cached spec is drawn through a ``SpecFigure`` without rebuilding or copying it.
    A ``probe``d input cell and the outputs it feeds are outlined dashed."""
    result = explain_pool(grid, size, stride, kind, padding)
    probed = () if probe is None else (probe,)
    fed = () if probe is None else result.plan.outputs_reading(*probe)
    grid_figure = pool_input_figure(
        result, title="Input grid, pooling windows coloured", selected=selected, marked=probed
    )
    pooled_figure = pool_output_figure(
        result, title="Pooled grid (cell colour = its window)", selected=selected, marked=fed
    )
    return clickable(spec_of(grid_figure)), clickable(spec_of(pooled_figure))


def _selected_cell(result: PoolResult) -> None:
    """Step through the output cells; each one's window, winners and sums written out."""
    out_h, out_w = result.out_shape
    probe = explore_clicks(
        "p8", tuple(stepper_keys(POSITION, 2)), result.out_shape, lambda _, row, col: (row, col),
        result.grid.shape[:2], lambda _, row, col: (row, col),
    )  # fmt: skip
    row, col = window_stepper(POSITION, (out_h, out_w), ("output row", "output column"))
    channels = result.grid.shape[2]
    vector = cell_vector(result.output, row, col)
    lines = [f"**Output cell ({row}, {col})** = `{vector}`, one number per channel:"]
    for c in range(channels):
        line = f"- channel {c}: `{pool_sentence(result, row, col, c)}`"
        if result.kind != "avg":
            r, cc = result.winners[row, col, c]
            line += (
                f", {winner_note(result, row, col, c)}, the vector "
                f"`{cell_vector(result.grid, r, cc)}`"
            )
        lines.append(line)
    st.markdown("\n".join(lines))
    if result.kind != "avg" and channels > 1:
        sources = {tuple(result.winners[row, col, c]) for c in range(channels)}
        if len(sources) > 1:
            st.info(
                f"The {KIND_WORDS[result.kind]} is taken **channel by channel**, so this "
                f"output vector mixes numbers from {len(sources)} different input cells (circled "
                "in the panels below). It is not the 'largest vector' of the window."
            )
        else:
            st.caption("Here one input cell wins in every channel, so the output is its vector.")
    elif result.kind == "avg":
        st.caption("A mean pools every channel the same way: the sum of the window over its size.")
    grid_spec, pooled_spec = _figure_specs(
        result.grid, result.size, result.stride, result.kind, result.padding, (row, col), probe
    )
    if probe is not None:
        probe_note("p8", feeds_sentence(result.plan, probe, pooling=True))
    clickable_chart(SpecFigure(grid_spec), "p8.fig.x",
                    "Input grid: click a cell to outline the pooled cells it feeds")  # fmt: skip
    left, right = st.columns([3, 2])
    clickable_chart(SpecFigure(pooled_spec), "p8.fig.y",
                    "Pooled grid: click a cell to select its window", left)  # fmt: skip
    with right:
        st.caption(CLICK_HINT)
        st.markdown(
            "Each output cell has the colour of the window it pools, and says where its value "
            "came from: the input **row,column** of the winning cell for max and min, or "
            "**mean of n** cells."
        )
        if result.overlapping:
            st.markdown(
                "The windows **overlap** (stride smaller than the window), so some cells are read "
                "by several windows: each window is an outline, and only the selected window is "
                "filled."
                + ("" if every_window_coloured(result.out_shape, True) else
                   " There are more windows than colours, so the outlines are grey and only the "
                   "selected window and its output cell are coloured: no two cells share one.")
            )  # fmt: skip
        dropped = int((result.coverage() == 0).sum())
        if dropped:
            st.markdown(
                f"**{dropped} input cell(s)** lie in no window (white, grey numbers): VALID keeps "
                "only whole windows, so the leftover rows or columns are dropped."
            )


def grid_part() -> None:
    st.markdown(
        "A pooling layer cuts each channel of a grid into small **windows** (groups of cells) "
        "and replaces each window by one number: its **max**, **min** or **mean**. With 2×2 "
        "windows side by side (stride 2) the grid keeps a quarter of its cells. Networks do this "
        "after a convolution stage to make the grid smaller and the features coarser."
    )
    h, w, _ = control_row((HEIGHT, WIDTH, CHANNELS))
    ky, kx, sy, sx = control_row((WINDOW_Y, WINDOW_X, STRIDE_Y, STRIDE_X))
    kind, padding = control_row((KIND, PADDING))
    x = tensor_editor(X, tutorial=X_DEFAULT).value

    st.subheader("Result")
    try:
        result = _explain(x, (ky, kx), (sy, sx), kind, padding)
    except ValueError as error:
        st.error(f"The pooling cannot run with these settings: {markup.message(error)}.")
        result = None
    if result is not None:
        out_h, out_w = result.out_shape
        st.markdown(
            f"Pooled grid, shape `(1, {out_h}, {out_w}, {x.shape[2]})`, rows separated by /:"
        )
        st.markdown(f"### `{output_text(result.output)}`")
        metrics = st.columns(3)
        metrics[0].metric("input cells per channel", f"{h * w}")
        metrics[1].metric("output cells per channel", f"{out_h * out_w}")
        metrics[2].metric("kept", f"{out_h * out_w / (h * w):.0%}")
    st.markdown("**Output size**, each axis on its own (the same rule as a convolution)")
    formulas = [
        ledger.output_size_latex(h, ky, sy, padding, axis="rows"),
        ledger.output_size_latex(w, kx, sx, padding, axis="cols"),
    ]
    for formula in formulas:
        st.latex(formula)
    notes = [n for n in (padding_note(h, ky, sy, padding, "Rows"),
                        padding_note(w, kx, sx, padding, "Columns")) if n]  # fmt: skip
    if notes:
        st.caption(" ".join(notes))

    if result is not None:
        st.subheader("Where each pooled number comes from")
        st.fragment(_selected_cell)(result)

    show_ledger(ledger.pool2d_ledger(h, w, x.shape[2], (ky, kx), (sy, sx), kind, padding))


init_image_set(model.IMAGES)
# Only the open tab runs: keep the other tab's values (controls, sliders, switches, the preset).
open_controls(
    PAGE, CONTROLS, SCHEMA, ((X, X_DEFAULT),),
    keep=(*preset_keys(X), *stepper_keys(POSITION, 2), *model.kept_keys()),
    apply=lambda state: set_image_set(model.IMAGES, set_from_link(state["img"], state["lab"])),
)  # fmt: skip
model.sync_loaded_model()

st.title(TITLE)
link_warning(PAGE)
st.markdown(
    f"**{KEY_TEXT}** by summarising each small window of it in one number. This section shows "
    "down-sampling on a grid of vectors, then trains the tutorial's small CNN that pools its "
    "feature map down to a single vector before deciding."
)
# The window's range on a line of its own: in one line it was cut off on a phone.
st.latex(
    r"\begin{aligned}y_{r,c,m} &= \max_{i,\,j}\; x_{\,r s_y + i,\; c s_x + j,\; m}\\"
    r"&\text{for } 0 \le i < k_h,\; 0 \le j < k_w\end{aligned}"
)
st.caption(
    "r, c: output row and column, m: channel (each channel is pooled on its own), k_h, k_w: "
    "window size, s_y, s_x: strides. Min pooling takes the minimum; average pooling the mean."
)
# Only the open tab runs: each part alone keeps reruns fast.
lazy_tabs(
    "p8.tab", {"Down-sampling a grid": grid_part, "Train the down-sampled CNN": model.model_part}
)
share_link(SCHEMA, _share_state(), views=model.VIEWS, page=PAGE)
