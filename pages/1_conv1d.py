"""Section 1: convolution in 1D, on sequences of vectors and on plain numbers."""

from __future__ import annotations

import numpy as np
import streamlit as st

import cnndemo
from app.core import ledger, limits, markup
from app.core.backprop import gradient_controls
from app.core.controls import Controls, TensorSpec
from app.core.conv_controls import (
    channel_control,
    dilation_control,
    padding_control,
    position_controls,
    size_control,
    stride_control,
    tab_control,
)
from app.core.explore import fed_outputs, feeds_sentence
from app.core.numbers import nested_text
from app.core.presets import GENERAL_PRESETS
from app.figures.tensors import vector_figure
from app.server import reroute_deep_link
from app.widgets.cached_figures import cached_figure
from app.widgets.charts import plotly_chart
from app.widgets.click import CLICK_HINT, clickable_chart, explore_clicks, probe_note
from app.widgets.controls import control_row, open_controls
from app.widgets.conv_gradients import GradientTab, gradients_part
from app.widgets.ledger_view import show_ledger
from app.widgets.number_tables import result_table
from app.widgets.share_box import link_warning, share_link
from app.widgets.stepper import choose_channel, kernel_animation, window_stepper
from app.widgets.tabs import lazy_tabs
from app.widgets.tensor_editor import tensor_editor
from cnndemo import explain, ops

reroute_deep_link()

PAGE = "conv1d"
TITLE = "Convolution 1D"

# The tutorial's reference setup (docs/lesson.md, section 1): 4 vectors of size 5 holding 1..20,
# a (3, 5, 2) kernel holding 1..30, stride 1, VALID -> [[2360, 2480], [3485, 3680]].
X_DEFAULT = np.arange(1, 21, dtype=np.float64).reshape(4, 5)
K_DEFAULT = np.arange(1, 31, dtype=np.float64).reshape(3, 5, 2)
V_DEFAULT = np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype=np.float64)
W_DEFAULT = np.array([1, 0, -1], dtype=np.float64)

# Tab 1, sequences of vectors: sizes (the tables carry them in the link), stride, dilation, padding.
LENGTH = size_control("c1d.n", "input length", limits.MAX_LENGTH)
IN_CHANNELS = size_control("c1d.cin", "input channels", limits.MAX_CHANNELS)
KERNEL = size_control("c1d.kw", "kernel width", limits.MAX_KERNEL, widget="slider")
OUT_CHANNELS = size_control("c1d.cout", "output channels", limits.MAX_CHANNELS)
STRIDE = stride_control("c1d.s", "s")
DILATION = dilation_control("c1d.d", "d")
PADDING = padding_control("c1d.p", "p")
X = TensorSpec("c1d.x", "sequence", "Input x (rows = positions)", (LENGTH, IN_CHANNELS), "x")
K = TensorSpec(
    "c1d.k",
    "kernel1d",
    "Kernel W (one table per output channel)",
    (KERNEL, IN_CHANNELS, OUT_CHANNELS),
    "k",
)
# Tab 2, the scalar case.
V_LENGTH = size_control("c1d.vn", "input length", limits.MAX_LENGTH)
W_LENGTH = size_control("c1d.wk", "kernel length", limits.MAX_KERNEL, widget="slider")
V_STRIDE = stride_control("c1d.vs", "vs")
V_PADDING = padding_control("c1d.vp", "vp")
V = TensorSpec("c1d.v", "vector", "Input numbers", (V_LENGTH,), "v")
W = TensorSpec("c1d.w", "vector", "Kernel numbers", (W_LENGTH,), "w")
# Tab 3, gradients: the upstream gradient and the cells written out; the one-hot cell is the
# forward explorer's selected output (its stepper), which the link carries too.
GRADIENTS = gradient_controls("c1d.g", 1)
OUTPUT_CELL = (
    *position_controls("c1d.pos", ("at",), ("output position",), (limits.MAX_LENGTH,)),
    channel_control("c1d.oc", "ao"),
)
TABS = ("Sequences of vectors", "The scalar case (1 channel)", "Gradients")
TAB = tab_control("c1d.tab", "tab", TABS, ("vectors", "scalar", "grads"))
GY_DEFAULT = np.ones((2, 2))


def _consistent(state: dict) -> list[str]:
    if state["x"].shape[1] != state["k"].shape[1]:
        return ["the kernel's input channels differ from the input's channels"]
    return []


FORWARD = Controls(
    (LENGTH, IN_CHANNELS, KERNEL, OUT_CHANNELS, STRIDE, PADDING, DILATION,
     V_LENGTH, W_LENGTH, V_STRIDE, V_PADDING),
    (X, K, V, W),
)  # fmt: skip
# Added with the gradients tab: links written before it open with these at their defaults.
ADDED = Controls((TAB, *OUTPUT_CELL)) + GRADIENTS.controls
CONTROLS = FORWARD + ADDED
SCHEMA = CONTROLS.schema(
    check=_consistent, legacy=ADDED.added_later(((GRADIENTS.table, GY_DEFAULT),))
)
GRADIENT_TAB = GradientTab(
    "c1d", GRADIENTS, X, K, (STRIDE,), DILATION, PADDING, "c1d.pos", "c1d.oc"
)


VECTORS_INTRO = (
    "In a network each item of a sequence is a **vector** (its *channels*). The kernel has one "
    "more axis than the items: for every tap it holds a matrix from input channels to output "
    "channels. Change any number, size or setting; everything below follows."
)
SCALAR_INTRO = (
    "With one channel in and one out, every item is a plain number and the kernel is a short "
    "list of weights: each output is the weighted sum of the numbers under the kernel. Try "
    "stride 2: the kernel jumps two places at a time and the output halves."
)
COLOUR_NOTE = (
    "Colours: blue = positive, red = negative, white = 0 (darker = larger). Outlined: the "
    "kernel's window and the output cell it makes; grey cells labelled pad are padding zeros."
)


def _explorer(x, kernel, out, stride, padding, dilation, pad) -> None:
    """Step the kernel along the input: window, output cell and the written-out sum."""
    n_out, c_out = out.shape
    probe = explore_clicks(
        "c1d", ("c1d.pos.0", "c1d.oc"), out.shape, lambda _, row, col: (row, col),
        (x.shape[0],), lambda _, row, col: (row,),
    )  # fmt: skip
    (position,) = window_stepper("c1d.pos", (n_out,), ("output position",))
    channel = choose_channel("c1d.oc", c_out)
    terms, rows = ledger.window_terms_1d(x, kernel, position, channel, stride, padding, dilation)
    st.markdown(
        f"**y[{position}, {channel}]** = "
        + ledger.written_sum(terms, float(out[position, channel]))
    )
    taps = ", ".join(str(r - pad[0]) for r in rows)
    note = f"The window reads input positions {taps}"
    if any(t.in_padding for t in terms):
        note += " (negative or past the end = padding, read as 0)"
    st.caption(
        note + f", every channel, times output channel {channel}'s kernel "
        "(input value × weight, tap by tap, channel by channel)."
    )
    probed, fed = (), ()
    if probe is not None:
        plan = explain.conv_plan((x.shape[0],), (kernel.shape[0],), stride, padding, dilation)
        probed = tuple((probe[0], c) for c in range(x.shape[1]))
        fed = fed_outputs(plan, probe, c_out)
        probe_note("c1d", feeds_sentence(plan, probe))
    left, middle, right = st.columns([4, 5, 3])
    clickable_chart(
        cached_figure("sequence_figure", x, title="Input x", padding=pad, window_rows=rows,
                      marked=probed, clickable=True),
        "c1d.fig.x", "Input x: click a position to outline the outputs it feeds", left,
    )  # fmt: skip
    plotly_chart(
        middle,
        cached_figure("kernel1d_figure", kernel, title="Kernel W", selected_out=channel),
        key="c1d.fig.k",
    )
    clickable_chart(
        cached_figure("output1d_figure", out, title="Output y", selected=(position, channel),
                      marked=fed, clickable=True),
        "c1d.fig.y", "Output y: click a cell to select it", right,
    )  # fmt: skip
    st.caption(COLOUR_NOTE + " " + CLICK_HINT)


def vectors_part() -> None:
    st.markdown(VECTORS_INTRO)
    n, _, k, _ = control_row((LENGTH, IN_CHANNELS, KERNEL, OUT_CHANNELS))
    stride, dilation, padding = control_row((STRIDE, DILATION, PADDING), widths=(1, 1, 2))

    left, right = st.columns(2)  # halves: up to 6 channels fit side by side at 1400 px
    with left:
        x = tensor_editor(X, tutorial=X_DEFAULT).value
    with right:
        kernel = tensor_editor(K, tutorial=K_DEFAULT).value

    st.subheader("Result")
    try:
        out = cnndemo.conv1d(x[None], kernel, stride, padding, dilation)[0]
    except ValueError as error:
        st.error(f"The convolution cannot run with these settings: {markup.message(error)}.")
        out = None
    if out is not None:
        st.markdown(f"Output shape `(1, {out.shape[0]}, {out.shape[1]})`, batch item 0:")
        st.markdown(f"### `{nested_text(out)}`")
        result_table(out, [f"out {c}" for c in range(out.shape[1])], "position")
    st.markdown("**Output length**")
    st.latex(ledger.output_size_latex(n, k, stride, padding, dilation))
    st.caption(ledger.padding_sentence(n, k, stride, padding, dilation))

    if out is not None:
        st.subheader("Step the kernel along the input")
        pad = ops.padding_amounts(n, k, stride, padding, dilation)
        # A fragment: moving the stepper reruns only the explorer, not the whole page.
        st.fragment(_explorer)(x, kernel, out, stride, padding, dilation, pad)
        kernel_animation("c1d.fig.play", x, kernel, out, stride, padding, dilation)

    show_ledger(
        ledger.conv1d_ledger(n, x.shape[1], k, kernel.shape[2], stride, padding, dilation),
        heading="Shape ledger",
    )


def scalar_part() -> None:
    st.markdown(SCALAR_INTRO)
    n, k, stride, padding = control_row((V_LENGTH, W_LENGTH, V_STRIDE, V_PADDING))
    left, right = st.columns(2)
    with left:
        v = tensor_editor(V, tutorial=V_DEFAULT).value
    with right:
        w = tensor_editor(W, tutorial=W_DEFAULT, presets=GENERAL_PRESETS).value
    try:
        out = cnndemo.conv1d(v[None, :, None], w[:, None, None], stride, padding)[0, :, 0]
    except ValueError as error:
        st.error(f"The convolution cannot run with these settings: {markup.message(error)}.")
        return
    st.markdown(f"Output ({out.shape[0]} numbers): **`{nested_text(out)}`**")
    st.latex(ledger.output_size_latex(n, k, stride, padding))
    before, after = ops.padding_amounts(n, k, stride, padding)
    (position,) = window_stepper("c1d.vpos", (out.shape[0],), ("output position",))
    _, cells = ledger.window_terms_1d(v[:, None], w[:, None, None], position, 0, stride, padding)
    plotly_chart(
        st,
        vector_figure(
            v, title="Input (kernel window outlined)", padding=(before, after), window_cols=cells
        ),
        key="c1d.fig.v",
    )
    plotly_chart(
        st,
        vector_figure(out, title="Output", selected=position, x_title="output position"),
        key="c1d.fig.vy",
    )
    lines = []
    for i in range(out.shape[0]):
        terms, _ = ledger.window_terms_1d(
            v[:, None], w[:, None, None], i, 0, stride, padding, dilation=1
        )
        lines.append(f"- y[{i}] = {ledger.written_sum(terms, float(out[i]))}")
    st.markdown("Every output written out:\n" + "\n".join(lines))


def gradients() -> None:
    gradients_part(GRADIENT_TAB)


open_controls(
    PAGE, CONTROLS, SCHEMA,
    ((X, X_DEFAULT), (K, K_DEFAULT), (V, V_DEFAULT), (W, W_DEFAULT),
     (GRADIENTS.table, GY_DEFAULT)),
)  # fmt: skip

st.title(TITLE)
link_warning(PAGE)
st.markdown(
    "A 1D convolution slides a kernel along a sequence. At each stop it multiplies every number "
    "under the kernel by the matching weight and adds up the products; that sum is one output. "
    "Then the kernel moves on by the **stride**."
)
st.latex(r"y_{t,o} = \sum_{j=0}^{k-1} \sum_{c} x_{\,t s + j d,\; c}\, W_{j,c,o}")
st.caption(
    "t: output position, o: output channel, j: kernel tap, c: input channel, s: stride, "
    "d: dilation. Positions count from 0; with SAME padding x is first padded with zeros."
)
# Only the open tab runs, which halves the work of every rerun.
lazy_tabs(TAB, dict(zip(TABS, (vectors_part, scalar_part, gradients), strict=True)))
share_link(SCHEMA, CONTROLS.share_state(st.session_state), page=PAGE)
