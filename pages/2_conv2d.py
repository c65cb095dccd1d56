"""Section 2: convolution in 2D, on grids of vectors and on a greyscale picture."""

from __future__ import annotations

import numpy as np
import streamlit as st

import cnndemo
from app.core import ledger, limits, markup, pictures
from app.core.backprop import gradient_controls
from app.core.controls import Control, Controls, TensorSpec
from app.core.conv_controls import (
    activation_control,
    channel_control,
    dilation_control,
    padding_control,
    position_controls,
    size_control,
    stride_control,
    tab_control,
)
from app.core.explore import fed_outputs, feeds_sentence
from app.core.numbers import format_value, nested_text
from app.core.presets import IMAGE_KERNELS, apply_activation, classic_kernel
from app.figures.tensors import image_figure
from app.server import reroute_deep_link
from app.widgets.cached_figures import cached_figure
from app.widgets.charts import plotly_chart
from app.widgets.click import CLICK_HINT, clickable_chart, explore_clicks, probe_note
from app.widgets.controls import control_input, control_row, open_controls
from app.widgets.conv_gradients import GradientTab, gradients_part
from app.widgets.ledger_view import show_ledger
from app.widgets.number_tables import result_table
from app.widgets.share_box import link_warning, share_link
from app.widgets.stepper import choose_channel, kernel_animation, window_stepper
from app.widgets.tabs import lazy_tabs
from app.widgets.tensor_editor import tensor_editor
from cnndemo import explain, ops

reroute_deep_link()

PAGE = "conv2d"
TITLE = "Convolution 2D"

# The tutorial's reference setup (docs/lesson.md, section 2): a 5 x 4 grid of 3-vectors holding
# 1..60, a (4, 2, 3, 1) kernel holding 1..24, stride (1, 1), VALID
# -> [[8680, 9580, 10480], [12280, 13180, 14080]].
X_DEFAULT = np.arange(1, 61, dtype=np.float64).reshape(5, 4, 3)
K_DEFAULT = np.arange(1, 25, dtype=np.float64).reshape(4, 2, 3, 1)
IMAGE_KERNEL_DEFAULT = classic_kernel("Sobel x")[:, :, None, None]

# Tab 1, grids of vectors: sizes (the tables carry them in the link), strides, dilation, padding.
HEIGHT = size_control("c2d.h", "input height (rows)", limits.MAX_HEIGHT)
WIDTH = size_control("c2d.w", "input width (columns)", limits.MAX_WIDTH)
IN_CHANNELS = size_control("c2d.cin", "input channels", limits.MAX_CHANNELS)
KERNEL_H = size_control("c2d.kh", "kernel height", limits.MAX_KERNEL, widget="slider")
KERNEL_W = size_control("c2d.kw", "kernel width", limits.MAX_KERNEL, widget="slider")
OUT_CHANNELS = size_control("c2d.cout", "output channels", limits.MAX_CHANNELS)
STRIDE_Y = stride_control("c2d.s.sy", "sy", "stride y (rows)")
STRIDE_X = stride_control("c2d.s.sx", "sx", "stride x (columns)")
DILATION = dilation_control("c2d.d", "d")
PADDING = padding_control("c2d.p", "p")
X = TensorSpec(
    "c2d.x", "grid", "Input x (one table per channel)", (HEIGHT, WIDTH, IN_CHANNELS), "x"
)
K = TensorSpec(
    "c2d.k",
    "kernel2d",
    "Kernel W (one table per input → output channel pair)",
    (KERNEL_H, KERNEL_W, IN_CHANNELS, OUT_CHANNELS),
    "k",
)
# Tab 2, pictures: where the picture comes from, its kernel, stride, padding and activation.
SOURCE = Control(
    "c2d.src", None, "picture", "choice", "built-in", options=("built-in", "upload your own"),
    widget="radio",
)  # fmt: skip
IMAGE_KERNEL_H = size_control("c2d.ikh", "kernel height", limits.MAX_IMAGE_KERNEL, widget="slider")
IMAGE_KERNEL_W = size_control("c2d.ikw", "kernel width", limits.MAX_IMAGE_KERNEL, widget="slider")
IMAGE_STRIDE = stride_control("c2d.is", "is")
IMAGE_PADDING = padding_control("c2d.ip", "ip", default="same")
IMAGE_ACTIVATION = activation_control("c2d.act", "act", ("none", "relu"), label="then apply")
IK = TensorSpec("c2d.ik", "kernel2d", "Picture kernel", (IMAGE_KERNEL_H, IMAGE_KERNEL_W, None, None),
                "ik")  # fmt: skip
# Tab 3, gradients: the upstream gradient and the cells written out; the one-hot cell is the
# grid explorer's selected output (its stepper), which the link carries too.
GRADIENTS = gradient_controls("c2d.g", 2)
OUTPUT_CELL = (
    *position_controls(
        "c2d.pos", ("at0", "at1"), ("output row", "output column"),
        (limits.MAX_HEIGHT, limits.MAX_WIDTH),
    ),
    channel_control("c2d.oc", "ao"),
)  # fmt: skip
TABS = ("Grids of vectors", "Pictures", "Gradients")
TAB = tab_control("c2d.tab", "tab", TABS, ("grids", "pictures", "grads"))
GY_DEFAULT = np.ones((2, 3, 1))


def _consistent(state: dict) -> list[str]:
    if state["x"].shape[2] != state["k"].shape[2]:
        return ["the kernel's input channels differ from the input's channels"]
    return []


FORWARD = Controls(
    (HEIGHT, WIDTH, IN_CHANNELS, KERNEL_H, KERNEL_W, OUT_CHANNELS, STRIDE_Y, STRIDE_X,
     PADDING, DILATION, SOURCE, IMAGE_KERNEL_H, IMAGE_KERNEL_W, IMAGE_STRIDE, IMAGE_PADDING,
     IMAGE_ACTIVATION),
    (X, K, IK),
)  # fmt: skip
# Added with the gradients tab: links written before it open with these at their defaults.
ADDED = Controls((TAB, *OUTPUT_CELL)) + GRADIENTS.controls
CONTROLS = FORWARD + ADDED
SCHEMA = CONTROLS.schema(
    check=_consistent, legacy=ADDED.added_later(((GRADIENTS.table, GY_DEFAULT),))
)
GRADIENT_TAB = GradientTab(
    "c2d", GRADIENTS, X, K, (STRIDE_Y, STRIDE_X), DILATION, PADDING, "c2d.pos", "c2d.oc"
)


@st.cache_data(max_entries=8, show_spinner=False)
def _uploaded_picture(data: bytes) -> np.ndarray:
    """Decode once per distinct upload (decoding is the slow part of image mode)."""
    return pictures.load_picture(data)


@st.cache_data(max_entries=2, show_spinner=False)
def _builtin_picture() -> np.ndarray:
    return pictures.builtin_picture(64)


COLOUR_NOTE = (
    "Colours: blue = positive, red = negative, white = 0 (darker = larger). Outlined: the "
    "kernel's window and the output cell it makes; grey cells labelled pad are padding zeros."
)


def _explorer(x, kernel, out, stride, padding, dilation, pads) -> None:
    """Step the kernel over the grid: window, output cell and the written-out sum."""
    out_h, out_w, c_out = out.shape
    probe = explore_clicks(
        "c2d", ("c2d.pos.0", "c2d.pos.1", "c2d.oc"), out.shape,
        lambda panel, row, col: (row, col, panel), x.shape[:2], lambda _, row, col: (row, col),
    )  # fmt: skip
    row, col = window_stepper("c2d.pos", (out_h, out_w), ("output row", "output column"))
    channel = choose_channel("c2d.oc", c_out)
    terms, rows, cols = ledger.window_terms_2d(
        x, kernel, row, col, channel, stride, padding, dilation
    )
    st.markdown(
        f"**y[{row}, {col}, {channel}]** = "
        + ledger.written_sum(terms, float(out[row, col, channel]))
    )
    (top, _), (left, _) = pads
    note = (
        f"The window covers input rows {', '.join(str(r - top) for r in rows)} and columns "
        f"{', '.join(str(c - left) for c in cols)}"
    )
    if any(t.in_padding for t in terms):
        note += " (outside the grid = padding, read as 0)"
    st.caption(
        note + f"; products run window row by row, column by column, channel by channel, "
        f"with output channel {channel}'s weights."
    )
    probed, fed = (), ()
    if probe is not None:
        plan = explain.conv_plan(x.shape[:2], kernel.shape[:2], stride, padding, dilation)
        probed = tuple((*probe, m) for m in range(x.shape[2]))
        fed = fed_outputs(plan, probe, c_out)
        probe_note("c2d", feeds_sentence(plan, probe))
    clickable_chart(
        cached_figure("grid_figure", x, title="Input x", padding=pads, window=(rows, cols),
                      marked=probed, clickable=True),
        "c2d.fig.x", "Input x: click a cell to outline the outputs it feeds",
    )  # fmt: skip
    left_col, right_col = st.columns([3, 2])
    plotly_chart(
        left_col,
        cached_figure("kernel2d_figure", kernel, title="Kernel W", out_channel=channel),
        key="c2d.fig.k",
    )
    clickable_chart(
        cached_figure("output2d_figure", out, title="Output y", selected=(row, col, channel),
                      per_row=2, marked=fed, clickable=True),
        "c2d.fig.y", "Output y: click a cell to select it", right_col,
    )  # fmt: skip
    st.caption(COLOUR_NOTE + " " + CLICK_HINT)


def grids_part() -> None:
    st.markdown(
        "Each cell of the grid holds a **vector** (its channels), drawn here as one table per "
        "channel. The kernel is a small block of weights for each pair of input and output "
        "channels; it slides over rows and columns, each with its own stride."
    )
    left, middle, right = st.columns(3)
    with left:
        h, kh, sy, sx = (control_input(c) for c in (HEIGHT, KERNEL_H, STRIDE_Y, STRIDE_X))
    with middle:
        w, kw, dilation = (control_input(c) for c in (WIDTH, KERNEL_W, DILATION))
    with right:
        _, _, padding = (control_input(c) for c in (IN_CHANNELS, OUT_CHANNELS, PADDING))

    x = tensor_editor(X, tutorial=X_DEFAULT).value
    kernel = tensor_editor(K, tutorial=K_DEFAULT).value

    st.subheader("Result")
    try:
        out = cnndemo.conv2d(x[None], kernel, (sy, sx), padding, dilation)[0]
    except ValueError as error:
        st.error(f"The convolution cannot run with these settings: {markup.message(error)}.")
        out = None
    if out is not None:
        st.markdown(f"Output shape `(1, {out.shape[0]}, {out.shape[1]}, {out.shape[2]})`:")
        columns = st.columns(min(out.shape[2], 3))
        for c in range(out.shape[2]):
            with columns[c % len(columns)]:
                st.markdown(f"channel {c}: **`{nested_text(out[:, :, c])}`**")
                result_table(out[:, :, c], [f"col {j}" for j in range(out.shape[1])], "row")
    st.markdown("**Output size**, each axis on its own")
    st.latex(ledger.output_size_latex(h, kh, sy, padding, dilation, axis="rows"))
    st.latex(ledger.output_size_latex(w, kw, sx, padding, dilation, axis="cols"))
    st.caption(
        "Rows: "
        + ledger.padding_sentence(h, kh, sy, padding, dilation)
        + " Columns: "
        + ledger.padding_sentence(w, kw, sx, padding, dilation)
    )

    if out is not None:
        st.subheader("Step the kernel over the grid")
        pads = (
            ops.padding_amounts(h, kh, sy, padding, dilation),
            ops.padding_amounts(w, kw, sx, padding, dilation),
        )
        # A fragment: moving the stepper reruns only the explorer, not the whole page.
        st.fragment(_explorer)(x, kernel, out, (sy, sx), padding, dilation, pads)
        kernel_animation("c2d.fig.play", x, kernel, out, (sy, sx), padding, dilation)

    show_ledger(
        ledger.conv2d_ledger(
            h, w, x.shape[2], (kh, kw), kernel.shape[3], (sy, sx), padding, dilation
        )  # fmt: skip
    )


def pictures_part() -> None:
    st.markdown(
        "A greyscale picture is a grid with one channel: brightness from 0 (black) to 255 "
        "(white). Convolving it with a classic kernel blurs it, sharpens it or lights up its "
        "edges. The result, a **feature map**, is drawn red where it is negative and blue where "
        "it is positive."
    )
    source = control_input(SOURCE)
    picture = _builtin_picture()
    if source == "upload your own":
        upload = st.file_uploader(
            f"PNG or JPEG, at most {limits.MAX_UPLOAD_BYTES // 2**20} MB; it is turned grey and "
            f"shrunk to at most {limits.MAX_IMAGE_SIDE} pixels a side",
            type=list(pictures.ACCEPTED_EXTENSIONS),
            key="c2d.upload",
        )
        if upload is not None:
            try:
                picture = _uploaded_picture(upload.getvalue())
            except ValueError as error:
                st.error(
                    f"Could not use this file: {markup.message(error)}. Showing the built-in picture."
                )
    _, _, stride, padding = control_row(
        (IMAGE_KERNEL_H, IMAGE_KERNEL_W, IMAGE_STRIDE, IMAGE_PADDING)
    )
    kernel_col, activation_col = st.columns([3, 2])
    with kernel_col:
        kernel = tensor_editor(
            IK,
            presets=IMAGE_KERNELS + ("zeros", "random integers"),
            help_text="Pick a classic kernel and press Fill, or type your own weights.",
            default_preset="Sobel x",
        ).value
    with activation_col:
        activation = control_input(IMAGE_ACTIVATION)
        st.caption(
            "Sobel x finds left-to-right brightness changes (vertical edges), Sobel y "
            "top-to-bottom ones; blurs average a neighbourhood; sharpen exaggerates "
            "differences. With SAME padding the zeros around the border make edges too."
        )
    try:
        feature = cnndemo.conv2d(picture[None, :, :, None], kernel, stride, padding)[0, :, :, 0]
    except ValueError as error:
        st.error(f"The convolution cannot run with these settings: {markup.message(error)}.")
        return
    feature = apply_activation(activation, feature)
    left, right = st.columns(2)
    plotly_chart(left, cached_figure("image_figure", picture, title="Picture"), key="c2d.fig.pic")
    plotly_chart(right, image_figure(feature, title="Feature map", signed=True), key="c2d.fig.map")
    metrics = st.columns(4)
    metrics[0].metric("picture", f"{picture.shape[0]} × {picture.shape[1]}")
    metrics[1].metric("feature map", f"{feature.shape[0]} × {feature.shape[1]}")
    metrics[2].metric("smallest value", format_value(float(feature.min())))
    metrics[3].metric("largest value", format_value(float(feature.max())))


def gradients() -> None:
    gradients_part(GRADIENT_TAB)


open_controls(
    PAGE, CONTROLS, SCHEMA,
    ((X, X_DEFAULT), (K, K_DEFAULT), (IK, IMAGE_KERNEL_DEFAULT), (GRADIENTS.table, GY_DEFAULT)),
)  # fmt: skip

st.title(TITLE)
link_warning(PAGE)
st.markdown(
    "A 2D convolution slides a small block of weights over a grid, left to right and top to "
    "bottom. At each stop it multiplies every number under the block by its weight and adds "
    "the products up: one output cell. The strides say how far it jumps along rows and columns."
)
st.latex(
    r"y_{r,c,o} = \sum_{i} \sum_{j} \sum_{m} x_{\,r s_y + i d,\; c s_x + j d,\; m}\, W_{i,j,m,o}"
)
st.caption(
    "r, c: output row and column, o: output channel; i, j: kernel row and column (0 to k_h - 1, "
    "0 to k_w - 1), m: input channel; s_y, s_x: strides, d: dilation. With SAME padding x is "
    "first padded with zeros."
)
# Only the open tab runs, which halves the work of every rerun.
lazy_tabs(TAB, dict(zip(TABS, (grids_part, pictures_part, gradients), strict=True)))
share_link(SCHEMA, CONTROLS.share_state(st.session_state), page=PAGE)
