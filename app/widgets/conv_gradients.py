"""The "Gradients" tab of pages 1 and 2: backpropagation through the convolution of the first tab.

The learner picks the upstream gradient ``dL/dy`` and sees ``dL/dW`` and ``dL/dx`` as heatmaps,
one cell of each written out as a sum (click a cell, or step to it), and the two facts behind
them: ``dL/dW`` is the input correlated with ``dL/dy``; ``dL/dx`` is the full convolution of the
spread ``dL/dy`` with the flipped kernel. Plain logic and numbers: ``app.core.backprop``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from app.core import backprop, markup
from app.core.backprop import GradientControls
from app.core.controls import Control, TensorSpec
from app.figures.chart_spec import SpecFigure, spec_of
from app.figures.full_convolution import flipped_kernel_figure, full_figure, spread_figure
from app.widgets.cached_figures import cached_figure
from app.widgets.charts import plotly_chart
from app.widgets.click import clickable_chart, clicked_cell, select_position
from app.widgets.controls import control_input, control_row
from app.widgets.stepper import choose_channel, stepper_keys, window_stepper
from app.widgets.tensor_editor import tensor_editor, tensor_value
from cnndemo import explain

INTRO = (
    "Training changes the kernel against the gradient of the loss L. Backpropagation hands "
    "this convolution **dL/dy**, one number per output cell (how much L moves when that output "
    "moves), and asks for two things: **dL/dW**, to update the kernel, and **dL/dx**, to hand "
    "on to the layer below. Both are sums of products again, like the forward pass."
)
SAME_SETUP = (
    "The input x, the kernel W and their sizes are those of the first tab (edit them there); "
    "stride, dilation and padding are shared with it."
)
COLOURS = (
    "Colours: blue = positive, red = negative, white = 0. Solid outline: the selected cell; "
    "dashed: the cells its sum reads. Click a cell of dL/dW or dL/dx to write it out."
)


@dataclass(frozen=True)
class GradientTab:
    """What a page hands the tab: its key prefix, the tab's controls, the first tab's tensors and
    geometry controls (drawn again here: only one tab runs at a time), and the forward
    explorer's output stepper (the cell a one-hot gradient sits on)."""

    name: str
    controls: GradientControls
    x: TensorSpec
    kernel: TensorSpec
    strides: tuple[Control, ...]
    dilation: Control
    padding: Control
    output_stepper: str
    output_channel: str

    @property
    def rank(self) -> int:
        return len(self.x.sizes) - 1


# Figure builders per rank: input x, dL/dy, dL/dW, dL/dx.
BUILDERS = {
    1: ("sequence_figure", "output1d_figure", "kernel1d_figure", "sequence_figure"),
    2: ("grid_figure", "output2d_figure", "kernel2d_figure", "grid_figure"),
}
POSITION_LABELS = {1: ("output position",), 2: ("output row", "output column")}


def _upstream(
    tab: GradientTab, out_shape: tuple[int, ...], kind: str
) -> tuple[np.ndarray, tuple[int, ...] | None]:
    """Draw the controls of the chosen upstream gradient; return it (and its one-hot cell)."""
    g = tab.controls
    if kind == "onehot":
        position = window_stepper(tab.output_stepper, out_shape[:-1], POSITION_LABELS[tab.rank])
        cell = (*position, choose_channel(tab.output_channel, out_shape[-1]))
        return backprop.upstream_gradient(kind, out_shape, cell), cell
    if kind == "random":
        return backprop.upstream_gradient(kind, out_shape, seed=control_input(g.seed)), None
    if kind == "table":
        for size, n in zip(g.table.sizes, out_shape, strict=True):
            st.session_state[size.key] = int(n)
        table = tensor_editor(g.table, help_text="One number per output cell.").value
        return backprop.upstream_gradient(kind, out_shape, table=table), None
    return backprop.upstream_gradient(kind, out_shape), None


def _apply_clicks(tab: GradientTab, out_shape, kernel_shape, x_shape) -> None:
    """Clicks on the dL/dy, dL/dW and dL/dx charts move their steppers (before they draw)."""
    rank, g = tab.rank, tab.controls
    hit = clicked_cell(f"{tab.name}.g.fig.y")
    if hit is not None:
        panel, row, col = hit
        cell = (row, col) if rank == 1 else (row, col, panel)
        keys = (*stepper_keys(tab.output_stepper, rank), tab.output_channel)
        select_position(keys, cell, out_shape)
    hit = clicked_cell(f"{tab.name}.g.fig.w")
    if hit is not None:
        panel, row, col = hit
        keys = stepper_keys(g.kernel_prefix, rank + 2)
        out = int(st.session_state.get(keys[-1], 0))
        cell = (row, col, panel) if rank == 1 else (row, col, panel, out)
        select_position(keys, cell, kernel_shape)
    hit = clicked_cell(f"{tab.name}.g.fig.x")
    if hit is not None:
        panel, row, col = hit
        cell = (row, col) if rank == 1 else (row, col, panel)
        select_position(stepper_keys(g.input_prefix, rank + 1), cell, x_shape)


def _written_cell(
    tab: GradientTab, heading: str, formula: str, prefix: str, shape: tuple[int, ...],
    labels: tuple[str, ...], write, caption: str,
) -> tuple[tuple[int, ...], backprop.WrittenCell]:  # fmt: skip
    """A gradient's heading and formula, the stepper choosing one of its cells (``shape``),
    and that cell written out; returns the cell and what was written."""
    st.subheader(heading)
    st.latex(formula)
    if prefix == tab.controls.input_prefix:
        st.caption(backprop.INPUT_GRAD_NOTE)
    cell = window_stepper(prefix, shape, labels)
    written = write(cell)
    st.markdown(written.text)
    st.caption(caption)
    return cell, written


def _kernel_part(tab: GradientTab, grads: backprop.Gradients) -> None:
    rank, names = tab.rank, BUILDERS[tab.rank]
    labels = ("kernel tap", "input channel", "output channel") if rank == 1 else (
        "kernel row", "kernel column", "input channel", "output channel")  # fmt: skip
    cell, written = _written_cell(
        tab, "dL/dW: the input correlated with dL/dy", backprop.KERNEL_GRAD_LATEX[rank],
        tab.controls.kernel_prefix, grads.kernel.shape, labels,
        lambda c: backprop.kernel_cell(grads, c),
        "Each term: the input cell this weight met at one output (0 in padding) × that output's "
        "upstream gradient. Every output used every weight once, so there is one term per output.",
    )  # fmt: skip
    pads = grads.plan.pads
    left, right = st.columns(2)
    plotly_chart(left,
        cached_figure(names[0], grads.x, title="Input x (dashed: read)",
                      padding=pads[0] if rank == 1 else pads, marked=written.inputs),
        key=f"{tab.name}.g.fig.in",
    )  # fmt: skip
    extra = {"selected_out": cell[-1]} if rank == 1 else {"out_channel": cell[-1]}
    figure = cached_figure(names[2], grads.grad_kernel, title="dL/dW (click a cell)",
                           outlined=(tuple(cell),), clickable=True, **extra)  # fmt: skip
    clickable_chart(figure, f"{tab.name}.g.fig.w", "dL/dW heatmap: click a cell to write it out",
                    right)  # fmt: skip
    dilation, strides = grads.dilation, grads.stride
    check = "✓" if np.allclose(grads.correlation, grads.grad_kernel) else "✗"
    st.info(
        f"**dL/dW is a correlation of the input with dL/dy.** Slide dL/dy over the padded input "
        f"as if it were a kernel whose cells are {' × '.join(map(str, strides))} apart (the "
        f"stride), moving {dilation} cell{'s' if dilation != 1 else ''} at a time (the "
        f"dilation): each stop gives one kernel cell. The engine computes it that way too, "
        f"and gets the backward pass's numbers {check}."
    )


def _input_part(tab: GradientTab, grads: backprop.Gradients) -> None:
    rank, names = tab.rank, BUILDERS[tab.rank]
    labels = ("input position", "input channel") if rank == 1 else (
        "input row", "input column", "input channel")  # fmt: skip
    cell, written = _written_cell(
        tab, "dL/dx: dL/dy convolved with the flipped kernel", backprop.INPUT_GRAD_LATEX[rank],
        tab.controls.input_prefix, grads.x.shape, labels, lambda c: backprop.input_cell(grads, c),
        "Each term: the upstream gradient of an output whose window read this cell × the weight "
        "of the tap that read it, for every output channel.",
    )  # fmt: skip
    left, right = st.columns(2)
    selected = {"selected": None} if rank == 1 else {"selected": None, "per_row": 3}
    plotly_chart(left,
        cached_figure(names[1], grads.grad_out, title="dL/dy (dashed: reading it)",
                      marked=written.outputs, **selected),
        key=f"{tab.name}.g.fig.yx",
    )  # fmt: skip
    figure = cached_figure(names[3], grads.grad_x, title="dL/dx (click a cell)",
                           outlined=(tuple(cell),), clickable=True)  # fmt: skip
    clickable_chart(figure, f"{tab.name}.g.fig.x", "dL/dx heatmap: click a cell to write it out",
                    right)  # fmt: skip
    _full_convolution(tab, grads, cell)


def _full_convolution(tab: GradientTab, grads: backprop.Gradients, cell: tuple[int, ...]) -> None:
    """The same dL/dx as spread, pad, flip, convolve, cut."""
    steps, rank = grads.steps, tab.rank
    plan = grads.plan
    strides = tuple(a.stride for a in plan.axes)
    reaches = tuple(a.span - 1 for a in plan.axes)
    channel = cell[-1]
    st.markdown(
        "**The same numbers as one convolution.** 1. Spread dL/dy: put stride − 1 zeros (·) "
        "between neighbouring cells. 2. Pad it with (k − 1)·d zeros on each side ('full' "
        "padding), so the kernel can overlap every cell partly. 3. Turn the kernel round (last "
        "tap first) and read it from output to input channels. 4. Slide it over (VALID): the "
        "result has a cell for every input cell any window read; cut the cells that were padding."
    )
    left, right = st.columns([3, 2]) if rank == 1 else st.columns(2)
    plotly_chart(left,
        SpecFigure(spec_of(spread_figure(steps.padded, strides, reaches,
                                         title="1-2. dL/dy spread and padded"))),
        key=f"{tab.name}.g.fig.spread",
    )  # fmt: skip
    plotly_chart(right,
        SpecFigure(spec_of(flipped_kernel_figure(steps.flipped[..., channel],
                                                 title=f"3. W turned round, in {channel}"))),
        key=f"{tab.name}.g.fig.flip",
    )  # fmt: skip
    full = full_figure(steps.full, steps.crop, grads.x.shape[:-1],
                       title="4. Full convolution (pad: cut)", selected=cell)  # fmt: skip
    plotly_chart(st, SpecFigure(spec_of(full)), key=f"{tab.name}.g.fig.full")
    check = "✓" if np.allclose(steps.result, grads.grad_x) else "✗"
    st.info(
        "**dL/dx is a 'full' convolution of dL/dy with the flipped kernel** (with a stride, of "
        f"dL/dy spread with zeros first). Cut to the input, it is the backward pass's dL/dx {check}: "
        "the same operation as a transposed convolution (page 9)."
    )


def gradients_part(tab: GradientTab) -> None:
    """The tab's body."""
    st.markdown(INTRO)
    *strides, dilation, padding = control_row((*tab.strides, tab.dilation, tab.padding))
    st.caption(SAME_SETUP)
    x, kernel = tensor_value(tab.x), tensor_value(tab.kernel)
    stride = strides[0] if tab.rank == 1 else tuple(strides)
    try:
        plan = explain.conv_plan(x.shape[:-1], kernel.shape[:-2], stride, padding, dilation)
    except ValueError as error:
        st.error(f"The convolution cannot run with these settings: {markup.message(error)}.")
        return
    out_shape = (*plan.out_shape, kernel.shape[-1])
    _apply_clicks(tab, out_shape, kernel.shape, x.shape)
    st.subheader("The upstream gradient dL/dy")
    kind = control_input(tab.controls.kind)
    grad_out, one_hot = _upstream(tab, out_shape, kind)
    grads = backprop.gradients(x, kernel, grad_out, stride, padding, dilation)
    upstream = cached_figure(BUILDERS[tab.rank][1], grad_out, title="dL/dy", selected=one_hot,
                             clickable=one_hot is not None)  # fmt: skip
    figure_column, note_column = st.columns([3, 2])
    if one_hot is None:
        plotly_chart(figure_column, upstream, key=f"{tab.name}.g.fig.dy")
    else:
        clickable_chart(upstream, f"{tab.name}.g.fig.y",
                        "dL/dy heatmap: click an output cell to put the one there",
                        figure_column)  # fmt: skip
    note_column.caption(COLOURS)
    _kernel_part(tab, grads)
    _input_part(tab, grads)
