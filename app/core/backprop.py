"""The "Gradients" tab of pages 1 and 2 as plain logic: its controls, the upstream gradient each
choice gives, the gradients (asked of the engine) and one cell of each written out as a sum.

Backpropagation hands a convolution ``dL/dy``, one number per output cell, and asks for
``dL/dW`` (to update the kernel) and ``dL/dx`` (to pass on to the layer below). The numbers come
from :func:`cnndemo.ops.conv1d_backward` / :func:`cnndemo.ops.conv2d_backward`, the two views of
them from :mod:`cnndemo.conv_backprop`, and the written sums from
:func:`cnndemo.explain.kernel_grad_terms` / :func:`cnndemo.explain.input_grad_terms`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.core import limits
from app.core.controls import Control, Controls, TensorSpec
from app.core.conv_controls import position_controls, size_control
from app.core.ledger import written_sum
from app.core.presets import preset_value
from app.core.tensor_tables import resize
from cnndemo import explain, ops
from cnndemo.conv_backprop import input_grad_steps, kernel_grad_correlation
from cnndemo.conv_transpose import ZeroInsertion

UPSTREAM = ("ones", "onehot", "random", "table")
UPSTREAM_LABELS = (
    "all ones",
    "one-hot at the selected output cell",
    "random integers",
    "your own table",
)
UPSTREAM_HELP = (
    "dL/dy: how much the loss changes per unit change of each output. All ones is the "
    "gradient of L = the sum of the outputs; one-hot follows one output alone."
)

# The two gradients by the chain rule, in the forward formulas' letters (pages 1 and 2): x is
# the padded input, as in the forward sum.
KERNEL_GRAD_LATEX = {
    1: r"\frac{\partial L}{\partial W_{j,c,o}} = \sum_{t} x_{\,t s + j d,\; c}\;"
    r"\frac{\partial L}{\partial y_{t,o}}",
    2: r"\frac{\partial L}{\partial W_{i,j,m,o}} = \sum_{r,\,c} x_{\,r s_y + i d,\; c s_x + j d,"
    r"\; m}\;\frac{\partial L}{\partial y_{r,c,o}}",
}
INPUT_GRAD_LATEX = {
    1: r"\frac{\partial L}{\partial x_{u,c}} = \sum_{t,\,j\,:\;t s + j d \,=\, u}\;"
    r"\sum_o \frac{\partial L}{\partial y_{t,o}}\; W_{j,c,o}",
    2: r"\frac{\partial L}{\partial x_{u,v,m}} = \sum_{\substack{r,\,i\,:\;r s_y + i d \,=\, u"
    r"\\ c,\,j\,:\;c s_x + j d \,=\, v}}\;\sum_o \frac{\partial L}{\partial y_{r,c,o}}\;"
    r"W_{i,j,m,o}",
}
INPUT_GRAD_NOTE = (
    "The input's indices count cells of the padded input, as in the forward sum: a padding "
    "cell's gradient is computed too, then dropped (padding is not an input)."
)


@dataclass(frozen=True)
class GradientControls:
    """The tab's declarations: the upstream gradient's kind, seed and table, and the kernel and
    input cells whose gradient is written out (two window steppers' positions)."""

    prefix: str
    kind: Control
    seed: Control
    table: TensorSpec
    kernel_cell: tuple[Control, ...]
    input_cell: tuple[Control, ...]

    @property
    def controls(self) -> Controls:
        sizes = tuple(size for size in self.table.sizes if size is not None)
        return Controls(
            (self.kind, self.seed, *sizes, *self.kernel_cell, *self.input_cell), (self.table,)
        )

    @property
    def kernel_prefix(self) -> str:
        return f"{self.prefix}.w"

    @property
    def input_prefix(self) -> str:
        return f"{self.prefix}.x"


def gradient_controls(prefix: str, rank: int) -> GradientControls:
    """The gradient tab's controls for a 1D (``rank`` 1) or 2D page, keys under ``prefix``."""
    if rank == 1:
        spatial = (size_control(f"{prefix}.on", "output length", limits.MAX_LENGTH),)
        kernel_labels = ("kernel tap", "input channel", "output channel")
        kernel_highs = (limits.MAX_KERNEL, limits.MAX_CHANNELS, limits.MAX_CHANNELS)
        input_labels = ("input position", "input channel")
        input_highs = (limits.MAX_LENGTH, limits.MAX_CHANNELS)
    else:
        spatial = (
            size_control(f"{prefix}.oh", "output height", limits.MAX_HEIGHT),
            size_control(f"{prefix}.ow", "output width", limits.MAX_WIDTH),
        )
        kernel_labels = ("kernel row", "kernel column", "input channel", "output channel")
        kernel_highs = (limits.MAX_KERNEL, limits.MAX_KERNEL, limits.MAX_CHANNELS,
                        limits.MAX_CHANNELS)  # fmt: skip
        input_labels = ("input row", "input column", "input channel")
        input_highs = (limits.MAX_HEIGHT, limits.MAX_WIDTH, limits.MAX_CHANNELS)
    channels = size_control(f"{prefix}.oc", "output channels", limits.MAX_CHANNELS)
    table = TensorSpec(
        f"{prefix}.y",
        "sequence" if rank == 1 else "grid",
        "Upstream gradient dL/dy (the output's shape)",
        (*spatial, channels),
        "gy",
    )
    kind = Control(
        f"{prefix}.kind", "gk", "upstream gradient dL/dy", "choice", "ones", options=UPSTREAM,
        option_labels=UPSTREAM_LABELS, widget="radio", help=UPSTREAM_HELP,
    )  # fmt: skip
    seed = Control(f"{prefix}.seed", "gs", "seed", "int", 0, 0, limits.MAX_SEED, step=1)
    kernel_cell = position_controls(
        f"{prefix}.w", [f"gw{i}" for i in range(rank + 2)], kernel_labels, kernel_highs
    )
    input_cell = position_controls(
        f"{prefix}.x", [f"gx{i}" for i in range(rank + 1)], input_labels, input_highs
    )
    return GradientControls(prefix, kind, seed, table, kernel_cell, input_cell)


def upstream_gradient(
    kind: str,
    out_shape: Sequence[int],
    selected: Sequence[int] = (),
    seed: int = 0,
    table: np.ndarray | None = None,
) -> np.ndarray:
    """``dL/dy`` of shape ``out_shape`` (positions..., channels) for each choice of the tab:
    all ones, one-hot at the ``selected`` cell (positions..., channel), whole numbers in -5..5
    from ``seed``, or the learner's ``table`` cropped or zero-padded to the output's shape."""
    shape = tuple(int(n) for n in out_shape)
    if kind == "ones":
        return np.ones(shape)
    if kind == "onehot":
        grad = np.zeros(shape)
        grad[tuple(min(max(int(i), 0), n - 1) for i, n in zip(selected, shape, strict=True))] = 1
        return grad
    if kind == "random":
        return preset_value("grid", "random integers", shape, seed)
    if kind == "table":
        return resize(np.zeros(shape) if table is None else table, shape)
    raise ValueError(f"unknown upstream gradient {kind!r}")


@dataclass(frozen=True)
class Gradients:
    """One example's convolution and its gradients, every number from the engine.

    ``grad_x`` (positions..., in) and ``grad_kernel`` (kernel shape) come from the backward op;
    ``correlation`` is ``dL/dW`` computed as the input correlated with ``dL/dy`` and ``steps``
    ``dL/dx`` as the full convolution of the spread ``dL/dy`` with the flipped kernel (one
    example: the batch axis dropped).
    """

    x: np.ndarray
    kernel: np.ndarray
    grad_out: np.ndarray
    stride: tuple[int, ...]
    padding: str
    dilation: int
    grad_x: np.ndarray
    grad_kernel: np.ndarray
    correlation: np.ndarray
    steps: ZeroInsertion

    @property
    def plan(self) -> explain.Plan:
        return explain.conv_plan(self.x.shape[:-1], self.kernel.shape[:-2], self.stride,
                                 self.padding, self.dilation)  # fmt: skip

    @property
    def views_agree(self) -> bool:
        """Whether both views give the backward op's numbers (to rounding)."""
        return bool(
            np.allclose(self.correlation, self.grad_kernel)
            and np.allclose(self.steps.result, self.grad_x)
        )


def gradients(
    x: np.ndarray,
    kernel: np.ndarray,
    grad_out: np.ndarray,
    stride: int | Sequence[int],
    padding: str,
    dilation: int,
) -> Gradients:
    """Backpropagate ``grad_out`` through the convolution of one example ``x`` (positions...,
    in) with ``kernel``; ValueError when the convolution cannot run."""
    rank = x.ndim - 1
    stride = tuple(stride) if isinstance(stride, Sequence) else (int(stride),) * rank
    geometry = (stride if rank == 2 else stride[0], padding, dilation)
    backward = ops.conv1d_backward if rank == 1 else ops.conv2d_backward
    grad_x, grad_kernel = backward(x[None], kernel, grad_out[None], *geometry)
    correlation = kernel_grad_correlation(x[None], grad_out[None], kernel.shape[:-2], *geometry)
    steps = input_grad_steps(grad_out[None], kernel, x.shape[:-1], *geometry)
    one = ZeroInsertion(steps.spread[0], steps.padded[0], steps.flipped, steps.full[0],
                        steps.crop, steps.result[0])  # fmt: skip
    return Gradients(x, kernel, grad_out, stride, padding, dilation, grad_x[0], grad_kernel,
                     correlation, one)  # fmt: skip


def index_text(index: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in index)


@dataclass(frozen=True)
class WrittenCell:
    """One gradient cell written out: the sentence, and the cells its terms read (for the
    figures' dashed outlines)."""

    text: str
    inputs: tuple[tuple[int, ...], ...]  # (positions..., channel) of x
    outputs: tuple[tuple[int, ...], ...]  # (positions..., channel) of dL/dy


def kernel_cell(grads: Gradients, cell: Sequence[int]) -> WrittenCell:
    """``dL/dW[cell]`` (tap..., in, out) as its sum: input cell × upstream gradient, one term per
    output (its tap's input in padding reads 0)."""
    rank = grads.x.ndim - 1
    tap, c, o = tuple(cell[:rank]), int(cell[rank]), int(cell[rank + 1])
    terms = explain.kernel_grad_terms(
        grads.x, grads.grad_out, tap, c, o, grads.kernel.shape[:-2], grads.stride,
        grads.padding, grads.dilation,
    )  # fmt: skip
    total = float(grads.grad_kernel[tuple(cell)])
    text = f"**dL/dW[{index_text(cell)}]** = " + written_sum(terms.terms, total)
    inputs = tuple((*t.cell, c) for t in terms.terms if not t.in_padding)
    return WrittenCell(text, inputs, tuple((*t.out_index, o) for t in terms.terms))


def input_cell(grads: Gradients, cell: Sequence[int]) -> WrittenCell:
    """``dL/dx[cell]`` (positions..., channel) as its sum: upstream gradient × kernel weight, one
    term per output reading the cell and output channel; 0 when no window reads it."""
    rank = grads.x.ndim - 1
    position, c = tuple(cell[:rank]), int(cell[rank])
    terms = explain.input_grad_terms(
        grads.kernel, grads.grad_out, position, c, grads.x.shape[:-1], grads.stride,
        grads.padding, grads.dilation,
    )  # fmt: skip
    head = f"**dL/dx[{index_text(cell)}]** = "
    if not terms.terms:
        text = head + "0: no window reads this cell, so no gradient reaches it"
    else:
        text = head + written_sum(terms.terms, float(grads.grad_x[tuple(cell)]))
    outputs = tuple(dict.fromkeys((*t.out_index, t.out_channel) for t in terms.terms))
    return WrittenCell(text, (), outputs)
