"""Section 9: convolution arithmetic. Output sizes, transposed convolution, the guide's
relationships, and convolution versus cross-correlation."""

from __future__ import annotations

import numpy as np
import streamlit as st

import cnndemo
from app.core import conv_arithmetic as arithmetic
from app.core import ledger, limits, markup
from app.core.controls import Control, Controls, TensorSpec, Widget
from app.core.conv_controls import dilation_control, size_control, stride_control, tab_control
from app.core.guide_relationships import PARAMS, RELATIONSHIPS, example
from app.core.numbers import nested_text
from app.figures.arithmetic import strip_figure, windows_figure
from app.figures.full_convolution import full_labels, spread_labels
from app.server import reroute_deep_link
from app.widgets.charts import plotly_chart
from app.widgets.controls import control_input, control_row, open_controls
from app.widgets.share_box import link_warning, share_link
from app.widgets.tabs import lazy_tabs
from app.widgets.tensor_editor import tensor_editor
from cnndemo import explain

reroute_deep_link()

PAGE = "conv-arithmetic"
TITLE = "Convolution arithmetic"


def _number(
    key: str, field: str, label: str, default: int, low: int, high: int, widget: Widget = "number"
) -> Control:
    return Control(key, field, label, "int", default, low, high, step=1, widget=widget)


def _padding_mode(key: str, field: str) -> Control:
    return Control(key, field, "padding", "choice", "explicit", options=arithmetic.PADDING_MODES,
                   option_labels=arithmetic.PADDING_MODE_LABELS, widget="radio")  # fmt: skip


# Tab 1, one axis: the guide's figure 2.6 (input 5, kernel 3, stride 2, one zero each side -> 3).
N = _number("c9.n", "n", "input size n", 5, 1, limits.MAX_LENGTH)
KERNEL = _number("c9.k", "k", "kernel size k", 3, 1, limits.MAX_KERNEL, "slider")
STRIDE = stride_control("c9.s", "s", default=2)
DILATION = dilation_control("c9.d", "d")
PADDING_MODE = _padding_mode("c9.pm", "pm")
PADDING = _number("c9.p", "p", "p (zeros on each side)", 1, 0, limits.MAX_PADDING)
# Tab 2, a transposed convolution of 3 numbers: the guide's figure 4.6 sizes (3 -> 5).
T_LENGTH = size_control("c9.tn", "input length n", limits.MAX_LENGTH)
T_KERNEL = size_control("c9.tk", "kernel size k", limits.MAX_KERNEL, widget="slider")
T_STRIDE = stride_control("c9.ts", "ts", default=2)
T_DILATION = dilation_control("c9.td", "td")
T_PADDING_MODE = _padding_mode("c9.tpm", "tpm")
T_PADDING = _number("c9.tp", "tp", "p (cut from each side)", 1, 0, limits.MAX_PADDING)
T_EXTRA = _number("c9.ta", "ta", "output padding a", 0, 0, limits.MAX_STRIDE - 1)
TY = TensorSpec("c9.ty", "vector", "Input y", (T_LENGTH,), "ty")
TW = TensorSpec("c9.tw", "vector", "Kernel w", (T_KERNEL,), "tw")
TY_DEFAULT, TW_DEFAULT = np.array([1.0, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])
# Tab 3, the guide's relationships: which one, and i, k, s, p, d (it fixes some of them).
RELATION = Control(
    "c9.rel", "rel", "relationship", "choice", "6",
    options=tuple(str(r.number) for r in RELATIONSHIPS),
    option_labels=tuple(r.label for r in RELATIONSHIPS), widget="select",
)  # fmt: skip
GUIDE = {
    "i": _number("c9.gi", "gi", "input size i", 5, 1, limits.MAX_LENGTH),
    "k": _number("c9.gk", "gk", "kernel size k", 3, 1, limits.MAX_KERNEL, "slider"),
    "s": stride_control("c9.gs", "gs", default=2),
    "p": _number("c9.gp", "gp", "padding p", 1, 0, limits.MAX_PADDING),
    "d": dilation_control("c9.gd", "gd"),
}
# Tab 4, cross-correlation and convolution of the same numbers.
C_LENGTH = size_control("c9.cn", "input length", limits.MAX_LENGTH)
C_KERNEL = size_control("c9.ck", "kernel length", limits.MAX_KERNEL, widget="slider")
CV = TensorSpec("c9.cv", "vector", "Input x", (C_LENGTH,), "cv")
CW = TensorSpec("c9.cw", "vector", "Kernel w", (C_KERNEL,), "cw")
CV_DEFAULT, CW_DEFAULT = np.array([3.0, 1, 4, 1, 5, 9, 2, 6]), np.array([1.0, 2.0, 3.0])
TABS = (
    "Output size",
    "Transposed convolution",
    "The guide's relationships",
    "Convolution or cross-correlation?",
)
TAB = tab_control("c9.tab", "tab", TABS, ("size", "transposed", "guide", "flip"))
CONTROLS = Controls(
    (TAB, N, KERNEL, STRIDE, DILATION, PADDING_MODE, PADDING, T_LENGTH, T_KERNEL, T_STRIDE,
     T_DILATION, T_PADDING_MODE, T_PADDING, T_EXTRA, RELATION, *GUIDE.values(), C_LENGTH,
     C_KERNEL),
    (TY, TW, CV, CW),
)  # fmt: skip
SCHEMA = CONTROLS.schema()


def size_part() -> None:
    st.markdown(
        "Along one axis a convolution has **n** input cells, a kernel of **k** taps spaced "
        "**d** cells apart (the dilation: it spans (k − 1)·d + 1 cells) and moves **s** cells "
        "at a time (the stride). **Padding** adds zero cells at both ends first. A 2D or 3D "
        "layer applies the same rule to each axis on its own."
    )
    n, k, s, d = control_row((N, KERNEL, STRIDE, DILATION))
    left, right = st.columns([3, 1])
    with left:
        mode = control_input(PADDING_MODE)
    with right:
        p = control_input(PADDING) if mode == "explicit" else 0
    padding = arithmetic.padding_argument(mode, p)
    st.latex(ledger.output_size_latex(n, k, s, padding, d))
    axis = explain.axis(n, k, s, padding, d)
    st.caption(
        ledger.padding_sentence(n, k, s, mode, d) if mode != "explicit"
        else f"Explicit padding adds {p} zero{'s' if p != 1 else ''} before and {p} after."
    )  # fmt: skip
    plotly_chart(st, windows_figure(axis, title="Where every window sits"), key="c9.fig.w")
    st.caption(
        "Rows: outputs; columns: the padded input. w0, w1, … are the kernel's taps on the cells "
        "each window reads (blue); grey cells are padding no window reads."
    )
    st.markdown("**The same axis under every padding**")
    st.markdown(arithmetic.size_table(arithmetic.padding_rows(n, k, s, d, p)))
    st.caption(
        "SAME is TensorFlow's rule (output ⌈n / s⌉, the odd zero at the end); full padding lets "
        "every window that touches the input count: with stride 1 it gives n + (k − 1)·d."
    )


def transposed_part() -> None:
    st.markdown(
        "A **transposed convolution** goes the other way: from n cells to the size a convolution "
        "with the same kernel, stride, padding and dilation reads. It is the convolution's "
        "*transpose*, not its inverse: the sizes come back, the numbers do not. Decoders and "
        "generators use it to enlarge feature maps. Here padding p *removes* p cells from each "
        "end, and the output padding a (less than the stride) adds cells at the end."
    )
    control_row((T_LENGTH, T_KERNEL, T_STRIDE, T_DILATION))
    mode, p, a = control_row((T_PADDING_MODE, T_PADDING, T_EXTRA), widths=(3, 1, 1))
    left, right = st.columns(2)
    with left:
        y = tensor_editor(TY, tutorial=TY_DEFAULT).value
    with right:
        w = tensor_editor(TW, tutorial=TW_DEFAULT).value
    padding = arithmetic.padding_argument(mode, p)
    s, d = st.session_state[T_STRIDE.key], st.session_state[T_DILATION.key]
    try:
        tr = arithmetic.transposed(y, w, s, padding, d, a)
    except ValueError as error:
        st.error(
            f"The transposed convolution cannot run with these settings: {markup.message(error)}."
        )
        return
    st.latex(arithmetic.transposed_size_latex(len(y), len(w), s, padding, d, a))
    plotly_chart(st, strip_figure(tr.result, title="The transposed convolution of y"),
                    key="c9.fig.tr")  # fmt: skip
    st.markdown(f"Result: **`{nested_text(tr.result)}`**")
    st.subheader("1. It is the gradient of a convolution")
    st.markdown(
        f"The convolution with the same w, stride {s}, padding and dilation {d} maps "
        f"**{tr.size}** cells to **{tr.forward_out}** (= n). Backpropagate **dL/dy = y** "
        f"through it: dL/dx = **`{nested_text(tr.gradient)}`**, the transposed convolution "
        f"{'✓' if np.allclose(tr.gradient, tr.result) else '✗'}. Each y cell spreads y × w back "
        "over the window the convolution read it from (pages 1 and 2, tab Gradients)."
    )
    st.subheader("2. It is: insert zeros, then convolve")
    steps = tr.steps
    reach = (len(w) - 1) * d
    ((before, after),) = steps.crop
    padded = np.where(np.isin(spread_labels(len(steps.padded), s, reach), ["pad"]), np.nan,
                      steps.padded[:, 0])  # fmt: skip
    plotly_chart(st,
        strip_figure(padded, labels=spread_labels(len(padded), s, reach),
                     title="1. y spread and padded"),
        key="c9.fig.spread",
    )  # fmt: skip
    st.caption(
        f"{s - 1} zero(s) (·) between neighbouring cells, then (k − 1)·d = {reach} zero(s) (pad) "
        "at each end: every place a kernel tap can still overlap a cell of y."
    )
    plotly_chart(st,
        strip_figure(steps.flipped, labels=[str(len(w) - 1 - j) for j in range(len(w))],
                     title="2. w turned round", x_title="tap (original index)"),
        key="c9.fig.flip",
    )  # fmt: skip
    plotly_chart(st,
        strip_figure(steps.full[:, 0], labels=full_labels(len(steps.full), before, tr.size),
                     title="3. Slid over the row (VALID)"),
        key="c9.fig.full",
    )  # fmt: skip
    st.caption(
        f"The turned-round w slides over the padded row; cut {before} cell(s) at the start and "
        f"{after} at the end (pad; a negative count adds zeros): what is left is the result."
    )
    st.info(
        "Three ways, one result "
        f"{'✓' if tr.views_agree else '✗'}: the engine's transposed convolution, the "
        "convolution's input gradient, and the zeros-inserted convolution with the flipped kernel."
    )


def guide_part() -> None:
    st.markdown(
        "V. Dumoulin and F. Visin's *A guide to convolution arithmetic for deep learning* (2016) "
        "states every size rule as a numbered relationship. Pick one; change its numbers; the "
        "formula is filled in and the engine's size is set beside it."
    )
    number = control_input(RELATION)
    relationship = RELATIONSHIPS[int(number) - 1]
    values = {name: st.session_state.get(GUIDE[name].key, GUIDE[name].fallback) for name in PARAMS}
    free = [GUIDE[name] for name in relationship.free]
    values.update(zip(relationship.free, control_row(free), strict=True))
    ex = example(relationship, {n: GUIDE[n].clamp(v) for n, v in values.items()})
    fixed = [f"{n} = {ex.values[n]}" for n in PARAMS if n not in relationship.free]
    if fixed:
        st.caption("Fixed by this relationship: " + ", ".join(fixed) + ".")
    st.latex(relationship.display)
    for note in ex.notes:
        st.warning(note)
    if ex.formula:
        st.latex(ex.formula)
        agree = "✓ the formula agrees" if ex.value == ex.engine else "✗ the formula does not apply"
        what = {"transposed": "transposed convolution", "dilated": "dilated convolution"}.get(
            relationship.kind, relationship.kind
        )
        st.markdown(f"The engine's {what}: **{ex.engine}** cells, {agree}.")
    if ex.axis is not None:
        title = ("Equivalent direct convolution" if relationship.kind == "transposed"
                 else "Where every window sits")  # fmt: skip
        plotly_chart(st, windows_figure(ex.axis, title=title, labels=ex.labels), key="c9.fig.g")
        if ex.equivalent:
            st.caption(ex.equivalent)
    st.subheader("Every worked example of the guide, recomputed")
    st.markdown(arithmetic.guide_table())


def flip_part() -> None:
    st.markdown(
        "What deep learning calls a **convolution** is, strictly, a **cross-correlation**: the "
        "kernel slides over the input as it is. The convolution of mathematics and signal "
        "processing turns the kernel round first. TensorFlow, PyTorch and this app all compute "
        "the cross-correlation; since a network learns its kernel, it would simply learn the "
        "turned-round one."
    )
    control_row((C_LENGTH, C_KERNEL))
    left, right = st.columns(2)
    with left:
        x = tensor_editor(CV, tutorial=CV_DEFAULT).value
    with right:
        w = tensor_editor(CW, tutorial=CW_DEFAULT).value
    flipped = w[::-1].copy()
    sides = (
        ("Cross-correlation (deep learning's convolution)", w, r"y_t = \sum_j x_{t + j}\, w_j"),
        ("Convolution (kernel turned round)", flipped, r"y_t = \sum_j x_{t + j}\, w_{k - 1 - j}"),
    )
    for column, (name, kernel, formula) in zip(st.columns(2), sides, strict=True):
        with column:
            st.markdown(f"**{name}**")
            st.latex(formula)
            try:
                out = cnndemo.conv1d(x[None, :, None], kernel[:, None, None])[0, :, 0]
            except ValueError as error:
                st.error(f"This cannot run: {markup.message(error)}.")
                continue
            labels = [str(j) for j in range(len(w))]
            plotly_chart(st,
                strip_figure(kernel, title="The weights it uses, in order", x_title="tap",
                             labels=labels if kernel is w else labels[::-1]),
                key=f"c9.fig.flip.{'w' if kernel is w else 'f'}",
            )  # fmt: skip
            first = explain.conv_terms(x[:, None], kernel[:, None, None], (0,), 0)
            st.markdown(f"y[0] = {ledger.written_sum(first.terms, float(out[0]))}")
            st.markdown(f"All outputs: **`{nested_text(out)}`**")
    if np.array_equal(w, flipped):
        st.info("This kernel reads the same both ways, so the two agree.")
    else:
        st.caption("They agree only when the kernel reads the same both ways (symmetric).")


open_controls(
    PAGE, CONTROLS, SCHEMA,
    ((TY, TY_DEFAULT), (TW, TW_DEFAULT), (CV, CV_DEFAULT), (CW, CW_DEFAULT)),
)  # fmt: skip

st.title(TITLE)
link_warning(PAGE)
st.markdown(
    "How big is a convolution's output? Every answer comes from one rule along each axis: "
    "count the windows that fit. This page works it out for any input, kernel, stride, "
    "padding and dilation, runs it backwards (the transposed convolution), and checks the "
    "relationships of the standard guide on numbers you choose."
)
st.latex(r"o = \left\lfloor \frac{n + 2p - (k - 1)\,d - 1}{s} \right\rfloor + 1")
st.caption(
    "n: input size, k: kernel size, s: stride, p: zeros added on each side, d: dilation; "
    "⌊·⌋ rounds down. Every number on this page comes from the app's engine."
)
lazy_tabs(TAB, dict(zip(TABS, (size_part, transposed_part, guide_part, flip_part), strict=True)))
share_link(SCHEMA, CONTROLS.share_state(st.session_state))
