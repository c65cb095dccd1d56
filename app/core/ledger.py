"""Shape ledgers, output-size formulas and written-out sums, as plain data and strings.

Nothing here draws or imports Streamlit: ``app.widgets.ledger_view.show_ledger`` renders what
these functions return. Pages of every section use the same rows, so a learner sees the same
table (stage, shape, parameters, how the shape came about) throughout the app. Whole models'
ledgers are in :mod:`app.core.model_ledgers`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.core.numbers import format_value
from app.core.pool_windows import KIND_WORDS
from cnndemo import explain
from cnndemo.explain import GradientTerm, Term

MAX_WRITTEN_TERMS = 120
"""Longer sums are written with their middle elided, so the text stays readable."""


@dataclass(frozen=True)
class LedgerRow:
    """One stage of a model: what comes out of it and what it costs."""

    stage: str
    shape: tuple[int, ...]
    params: int | None  # None: the stage has no parameters to learn
    note: str = ""

    @property
    def shape_text(self) -> str:
        inner = ", ".join(str(n) for n in self.shape)
        return f"({inner},)" if len(self.shape) == 1 else f"({inner})"


# --- Output size, written with the current numbers ----------------------------------------------


def output_size_latex(
    n: int, k: int, stride: int = 1, padding: str | int = "valid", dilation: int = 1,
    axis: str = "",
) -> str:  # fmt: skip
    """The output-length formula for one axis, then the same with the numbers filled in.

    VALID: floor((n - k_eff) / s) + 1 with k_eff = (k - 1) d + 1 (k itself when d = 1).
    SAME: ceil(n / s), TensorFlow's rule. Explicit padding p (a whole number):
    floor((n + 2p - k_eff) / s) + 1. A window wider than the (padded) input is stated as such
    instead of producing a negative length. The numbers come from :func:`cnndemo.explain.axis`.
    Two aligned lines, so it fits a phone screen.
    """
    plan = explain.axis(n, k, stride, padding, dilation)
    sub = f"_{{\\text{{{axis}}}}}" if axis else ""
    out_sym = f"n^{{\\text{{out}}}}{sub}"
    n_sym, k_sym, s_sym = f"n{sub}", f"k{sub}", f"s{sub}"
    if padding == "same":
        return _two_lines(
            f"{out_sym} &= \\left\\lceil \\frac{{{n_sym}}}{{{s_sym}}} \\right\\rceil",
            f"&= \\left\\lceil \\frac{{{n}}}{{{stride}}} \\right\\rceil = {plan.out}",
        )
    if dilation == 1:
        span_sym, span_num = k_sym, str(k)
    else:
        span_sym = f"(({k_sym} - 1) d + 1)"
        span_num = f"(({k} - 1) \\cdot {dilation} + 1)"
    explicit = padding != "valid"
    n_part = f"{n_sym} + 2p" if explicit else n_sym
    n_num = f"{n} + 2 \\cdot {padding}" if explicit else str(n)
    general = f"{out_sym} &= \\left\\lfloor \\frac{{{n_part} - {span_sym}}}{{{s_sym}}} \\right\\rfloor + 1"
    if not plan.fits:
        room = f"{plan.padded_length}" if explicit else f"{n}"
        return _two_lines(
            general,
            f"&\\text{{but the window spans {plan.span} > {room} cells: no output}}",
        )
    return _two_lines(
        general,
        f"&= \\left\\lfloor \\frac{{{n_num} - {span_num}}}{{{stride}}} \\right\\rfloor + 1 = {plan.out}",
    )


def _two_lines(first: str, second: str) -> str:
    return f"\\begin{{aligned}} {first} \\\\ {second} \\end{{aligned}}"


def padding_sentence(n: int, k: int, stride: int, padding: str, dilation: int = 1) -> str:
    """How many zeros SAME padding adds on each side (TensorFlow: the odd one at the end)."""
    if padding != "same":
        return "No padding (VALID): only windows that fit entirely inside the input."
    plan = explain.axis(n, k, stride, padding, dilation)
    before, after = plan.before, plan.after
    total = before + after
    return (
        f"SAME padding adds {total} zero{'s' if total != 1 else ''}: {before} before and "
        f"{after} after (TensorFlow puts the odd one at the end)."
    )


# --- Ledger rows --------------------------------------------------------------------------------


def conv1d_ledger(
    length: int,
    in_channels: int,
    kernel_width: int,
    out_channels: int,
    stride: int = 1,
    padding: str = "valid",
    dilation: int = 1,
    batch: int = 1,
    bias: bool = False,
) -> list[LedgerRow]:
    """Input and output of one 1D convolution. The output row says why it has its length."""
    rows = [LedgerRow("input", (batch, length, in_channels), None, "(batch, width, in)")]
    shape = (kernel_width, in_channels, out_channels)
    return [*rows, _conv_row("conv1d", batch, (length,), shape, stride, padding, dilation, bias)]


def conv2d_ledger(
    height: int,
    width: int,
    in_channels: int,
    kernel_size: tuple[int, int],
    out_channels: int,
    stride: tuple[int, int] = (1, 1),
    padding: str = "valid",
    dilation: int = 1,
    batch: int = 1,
    bias: bool = False,
) -> list[LedgerRow]:
    """Input and output of one 2D convolution."""
    rows = [
        LedgerRow("input", (batch, height, width, in_channels), None, "(batch, height, width, in)")
    ]
    shape = (*kernel_size, in_channels, out_channels)
    spatial = (height, width)
    return [*rows, _conv_row("conv2d", batch, spatial, shape, stride, padding, dilation, bias)]


def _conv_row(
    stage: str,
    batch: int,
    spatial: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: int | tuple[int, ...],
    padding: str,
    dilation: int,
    bias: bool,
) -> LedgerRow:
    """A convolution's output row: shape from :func:`cnndemo.explain.conv_plan`, parameters,
    and how both came about (or the engine's message when no window fits)."""
    out_channels = kernel[-1]
    weights = math.prod(kernel)
    params = weights + (out_channels if bias else 0)
    try:
        plan = explain.conv_plan(spatial, kernel[:-2], stride, padding, dilation)
    except ValueError as error:
        return LedgerRow(stage, (), params, str(error))
    strides = tuple(a.stride for a in plan.axes)
    note = (
        f"kernel {tuple(kernel)}: "
        f"{'×'.join(map(str, kernel))} = {weights} weights"
        + (f" + {out_channels} biases" if bias else "")
        + f"; stride {strides[0] if len(strides) == 1 else strides}, {padding.upper()}"
        + (f", dilation {dilation}" if dilation != 1 else "")
    )
    return LedgerRow(stage, (batch, *plan.out_shape, out_channels), params, note)


def pool2d_row(
    grid: tuple[int, int, int], size, stride, kind: str, padding: str, *, batch: int = 1,
    stage: str = "pool2d",
) -> LedgerRow:  # fmt: skip
    """The pooling stage of a (height, width, channels) grid: its output shape (no parameters:
    it only compares or averages), from :func:`cnndemo.explain.pool_plan`."""
    height, width, channels = grid
    try:
        out_h, out_w = explain.pool_plan((height, width), size, stride, padding).out_shape
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
        pool2d_row((height, width, channels), size, stride, kind, padding),
    ]


def ledger_markdown(rows: Sequence[LedgerRow]) -> str:
    """A Markdown table (readable as text, unlike a canvas table) plus the total parameters.

    Only code-made strings go in here (stage names, numbers, engine messages); no user text.
    """
    lines = ["| stage | output shape | parameters | how |", "|---|---|---|---|"]
    for row in rows:
        params = "–" if row.params is None else f"{row.params:,}"
        shape = row.shape_text if row.shape else "–"
        lines.append(f"| {row.stage} | `{shape}` | {params} | {row.note.replace('|', '/')} |")
    total = sum(row.params or 0 for row in rows)
    lines.append(f"\n**Parameters in total: {total:,}**")
    return "\n".join(lines)


# --- Written-out sums ---------------------------------------------------------------------------


def _factor(v: float) -> str:
    text = format_value(v)
    return f"({text})" if v < 0 else text


def written_sum(
    terms: Sequence[Term | GradientTerm], total: float, max_terms: int = MAX_WRITTEN_TERMS
) -> str:
    """``1×1 + 2×3 + … = 2360``: every product of the window (or of a gradient cell), then the
    result.

    Negative factors are bracketed; sums longer than ``max_terms`` keep their first and last
    terms and say how many were left out.
    """
    parts = [f"{_factor(t.value)}×{_factor(t.weight)}" for t in terms]
    if len(parts) > max_terms:
        head, tail = parts[: max_terms // 2], parts[-(max_terms // 2) :]
        parts = [*head, f"… ({len(terms) - len(head) - len(tail)} more terms) …", *tail]
    return " + ".join(parts) + f" = {format_value(total)}"


def window_terms_1d(
    x: np.ndarray,
    kernel: np.ndarray,
    position: int,
    out_channel: int,
    stride: int = 1,
    padding: str = "valid",
    dilation: int = 1,
) -> tuple[list[Term], list[int]]:
    """Products summed for output ``(position, out_channel)`` of a 1D convolution.

    ``x`` is one sequence (width, in), ``kernel`` (k, in, out). Returns the terms
    (:func:`cnndemo.explain.conv_terms`: tap by tap, channel by channel, the order of the
    tutorial's worked sum) and the rows of the padded input the window covers (for
    highlighting).
    """
    window_sum = explain.conv_terms(x, kernel, (position,), out_channel, stride, padding, dilation)
    before = explain.axis(x.shape[0], kernel.shape[0], stride, padding, dilation).before
    return list(window_sum.terms), [cell[0] + before for cell in window_sum.window.cells]


def window_terms_2d(
    x: np.ndarray,
    kernel: np.ndarray,
    row: int,
    col: int,
    out_channel: int,
    stride: tuple[int, int] = (1, 1),
    padding: str = "valid",
    dilation: int = 1,
) -> tuple[list[Term], list[int], list[int]]:
    """Products summed for output ``(row, col, out_channel)`` of a 2D convolution.

    ``x`` is one grid (height, width, in), ``kernel`` (k_h, k_w, in, out). Terms run row of the
    window by row, then column, then channel (:func:`cnndemo.explain.conv_terms`). Also returns
    the padded-grid rows and columns the window covers.
    """
    window_sum = explain.conv_terms(x, kernel, (row, col), out_channel, stride, padding, dilation)
    plan = explain.conv_plan(x.shape[:2], kernel.shape[:2], stride, padding, dilation)
    (top, _), (left, _) = plan.pads
    rows = [cell + top for cell in plan.axes[0].taps(row)]
    cols = [cell + left for cell in plan.axes[1].taps(col)]
    return list(window_sum.terms), rows, cols
