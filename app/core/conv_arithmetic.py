"""Page 9's arithmetic as plain logic: output sizes under every padding, a transposed convolution
worked two ways, and the sizes of the worked examples of Dumoulin and Visin's guide.

Every number is the engine's: sizes and paddings from :func:`cnndemo.explain.axis` (which takes
an explicit padding ``p``, zero cells on each side), transposed sizes from
:func:`cnndemo.ops.conv_transpose_size`, the transposed convolution and its steps from
:func:`cnndemo.ops.conv_transpose1d` and :func:`cnndemo.conv_transpose.transpose_steps`, and the
same numbers as a convolution's input gradient from :func:`cnndemo.conv_backprop.input_grad_steps`.

Reference: V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning",
arXiv:1603.07285 (2016); figure numbers below are the guide's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnndemo import explain, ops
from cnndemo.conv_backprop import input_grad_steps
from cnndemo.conv_transpose import ZeroInsertion, transpose_steps

PADDING_MODES = ("valid", "same", "explicit")
PADDING_MODE_LABELS = ("VALID (none)", "SAME (TensorFlow's rule)", "explicit: p zeros each side")


def padding_argument(mode: str, p: int) -> str | int:
    """The engine's ``padding`` for a padding mode: the word, or the number ``p``."""
    return int(p) if mode == "explicit" else mode


# --- Output sizes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SizeRow:
    """One padding of the same axis: its name, zero cells before and after, and the output."""

    name: str
    before: int
    after: int
    out: int


def padding_rows(n: int, k: int, stride: int, dilation: int, p: int) -> list[SizeRow]:
    """The output size of one axis under VALID, SAME, explicit ``p`` and full padding
    (``p = (k - 1) d``: every window that overlaps the input at all)."""
    full = (k - 1) * dilation
    cases = (("VALID", "valid"), ("SAME", "same"), (f"explicit p = {p}", p),
             (f"full, p = (k − 1)·d = {full}", full))  # fmt: skip
    rows = []
    for name, padding in cases:
        a = explain.axis(n, k, stride, padding, dilation)
        rows.append(SizeRow(name, a.before, a.after, a.out))
    return rows


def size_table(rows: list[SizeRow]) -> str:
    """A Markdown table of ``padding_rows`` (code-made text only)."""
    lines = ["| padding | zeros before | zeros after | output size |", "|---|---:|---:|---:|"]
    for row in rows:
        out = str(row.out) if row.out else "0 (the window does not fit)"
        lines.append(f"| {row.name} | {row.before} | {row.after} | {out} |")
    return "\n".join(lines)


# --- Transposed convolution ---------------------------------------------------------------------


@dataclass(frozen=True)
class Transposed:
    """A 1D transposed convolution of one channel, worked out by the engine three ways.

    ``result`` is :func:`cnndemo.ops.conv_transpose1d`'s; ``steps`` the same as "insert zeros,
    pad, convolve with the flipped kernel, cut" (arrays (positions, 1)); ``gradient`` the input
    gradient of the convolution with the same kernel, stride, padding and dilation, which maps
    ``size`` cells to ``len(y)`` (``forward_out``), when its upstream gradient is ``y``.
    """

    y: np.ndarray
    kernel: np.ndarray
    stride: int
    padding: str | int
    dilation: int
    output_padding: int
    size: int
    result: np.ndarray
    steps: ZeroInsertion
    gradient: np.ndarray
    forward_out: int

    @property
    def views_agree(self) -> bool:
        return bool(
            np.allclose(self.steps.result[:, 0], self.result)
            and np.allclose(self.gradient, self.result)
        )


def transposed(
    y: np.ndarray,
    kernel: np.ndarray,
    stride: int,
    padding: str | int,
    dilation: int,
    output_padding: int,
) -> Transposed:
    """Transpose-convolve the numbers ``y`` (n,) with the kernel ``kernel`` (k,); ValueError
    (the engine's message) when the settings cannot work."""
    y = np.asarray(y, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    y3, k3 = y[None, :, None], kernel[:, None, None]
    args = (stride, padding, dilation, output_padding)
    size = ops.conv_transpose_size(len(y), len(kernel), *args)
    result = ops.conv_transpose1d(y3, k3, *args)[0, :, 0]
    steps = transpose_steps(y3, k3, *args)
    one = ZeroInsertion(steps.spread[0], steps.padded[0], steps.flipped[..., 0, 0], steps.full[0],
                        steps.crop, steps.result[0])  # fmt: skip
    gradient = input_grad_steps(y3, k3, (size,), stride, padding, dilation).result[0, :, 0]
    forward_out = explain.axis(size, len(kernel), stride, padding, dilation).out
    return Transposed(y, kernel, stride, padding, dilation, output_padding, size, result, one,
                      gradient, forward_out)  # fmt: skip


def transposed_size_latex(
    n: int, k: int, stride: int, padding: str | int, dilation: int, output_padding: int
) -> str:
    """The transposed output size, the documented rule then the numbers filled in (the result
    is :func:`cnndemo.ops.conv_transpose_size`'s)."""
    size = ops.conv_transpose_size(n, k, stride, padding, dilation, output_padding)
    if padding == "same":
        return (
            r"\begin{aligned} n^{\text{out}} &= n \cdot s \\ "
            f"&= {n} \\cdot {stride} = {size} \\end{{aligned}}"
        )
    p = 0 if padding == "valid" else int(padding)
    # Three lines, so that it fits a phone screen.
    return (
        r"\begin{aligned} n^{\text{out}} &= (n - 1)\,s - 2p + d\,(k - 1) + a + 1 \\ "
        f"&= ({n} - 1) \\cdot {stride} - 2 \\cdot {p} \\\\ &\\quad + {dilation} \\cdot ({k} - 1) + "
        f"{output_padding} + 1 = {size} \\end{{aligned}}"
    )


# --- The guide's worked examples ----------------------------------------------------------------


@dataclass(frozen=True)
class GuideExample:
    """A worked example of the guide: its figure, the convolution's numbers and the output
    size the guide states (for a transposed example, ``o'``: the input size it restores)."""

    figure: str
    kind: str  # "convolution", "transposed" or "dilated"
    i: int
    k: int
    s: int
    p: int
    d: int
    expected: int

    def engine_size(self) -> int:
        """The same size from the engine: the convolution's output, or the transposed
        convolution's (of the convolution's output, with the leftover cells as ``a``)."""
        forward = explain.axis(self.i, self.k, self.s, self.p, self.d)
        if self.kind != "transposed":
            return forward.out
        leftover = (self.i + 2 * self.p - forward.span) % self.s
        return ops.conv_transpose_size(forward.out, self.k, self.s, self.p, self.d, leftover)


GUIDE_EXAMPLES = (
    GuideExample("2.1", "convolution", 4, 3, 1, 0, 1, 2),
    GuideExample("2.2", "convolution", 5, 4, 1, 2, 1, 6),
    GuideExample("2.3", "convolution", 5, 3, 1, 1, 1, 5),
    GuideExample("2.4", "convolution", 5, 3, 1, 2, 1, 7),
    GuideExample("2.5", "convolution", 5, 3, 2, 0, 1, 2),
    GuideExample("2.6", "convolution", 5, 3, 2, 1, 1, 3),
    GuideExample("2.7", "convolution", 6, 3, 2, 1, 1, 3),
    GuideExample("4.1", "transposed", 4, 3, 1, 0, 1, 4),
    GuideExample("4.2", "transposed", 5, 4, 1, 2, 1, 5),
    GuideExample("4.3", "transposed", 5, 3, 1, 1, 1, 5),
    GuideExample("4.4", "transposed", 5, 3, 1, 2, 1, 5),
    GuideExample("4.5", "transposed", 5, 3, 2, 0, 1, 5),
    GuideExample("4.6", "transposed", 5, 3, 2, 1, 1, 5),
    GuideExample("4.7", "transposed", 6, 3, 2, 1, 1, 6),
    GuideExample("5.1", "dilated", 7, 3, 1, 0, 2, 3),
)


def guide_table() -> str:
    """Every worked example of the guide next to the engine's size (Markdown, code-made; four
    columns, so that it fits a phone)."""
    lines = ["| figure | i, k, s, p, d | guide | engine |", "|---|---|---:|---:|"]
    for ex in GUIDE_EXAMPLES:
        got = ex.engine_size()
        mark = "✓" if got == ex.expected else "✗"
        what = {"convolution": "o", "dilated": "o, dilated", "transposed": "o′, transposed"}
        lines.append(
            f"| {ex.figure} ({what[ex.kind]}) | {ex.i}, {ex.k}, {ex.s}, {ex.p}, {ex.d} | "
            f"{ex.expected} | {got} {mark} |"
        )
    return "\n".join(lines)
