"""Exported scripts of page 9's tabs (docs/lesson.md, section 9, convolution arithmetic).

``arithmetic_scripts(kind, state)`` -> ``(numpy_script, torch_script)`` for a tab of kind
``conv_size``, ``conv_transpose``, ``guide_size`` or ``correlation``
(``app.core.arithmetic_outcomes``) and the page's link state:

- the output-size tab and the guide's direct relationships: every padding's size (the output
  size tab's table) or the relationship's, each checked by running the convolution of 1..n by
  k ones; prints ``sizes = {...}``, ``output size = o`` and ``output = [...]``;
- the transposed tab and the guide's transposed relationships: the transposed convolution,
  written as "every input cell adds its copy of the kernel, then cut the ends";
- the cross-correlation tab: the cross-correlation (``output``) and the convolution.

Paddings and cuts are the engine's (``cnndemo.explain.axis``,
``app.core.conv_arithmetic.transposed``), written as numbers, so no script needs cnndemo.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from app.core.arithmetic_outcomes import guide_case
from app.core.conv_arithmetic import padding_argument, padding_rows, transposed
from app.core.export_conv import RESULT
from app.core.export_literals import array, fill, whole
from app.core.guide_relationships import PARAMS
from cnndemo import explain

SIZE_NAMES = ("valid", "same", "explicit", "full")
"""The keys of the output-size script's ``sizes``: the rows of the tab's table, in order."""

_SIZES_NUMPY = '''
    """$title, as a NumPy script (cnndemo, section 9).

    Along one axis: n input cells, a kernel of k taps spaced `dilation` apart (it spans
    (k - 1) * dilation + 1 cells), moved `stride` cells at a time, after adding zeros before and
    after. Output size: (n + before + after - span) // stride + 1 (0 if no window fits).
    One channel, so channels last (positions, 1) and channels first (1, positions) agree.
    """

    import numpy as np

    n, k, stride, dilation = $n, $k, $stride, $dilation
    # Zeros (before, after) of each padding, by TensorFlow's rules (SAME: an odd one at the end).
    paddings = $paddings
    chosen = $chosen  # the padding the page uses
    # The numbers do not change any size: 1, 2, ..., n and a kernel of ones make every output
    # a window sum you can check by hand.
    x = np.arange(1.0, n + 1)
    kernel = np.ones(k)
    span = (k - 1) * dilation + 1


    def convolve(x_padded):
        """Slide the kernel over the padded input; one output per window that fits."""
        out_length = (len(x_padded) - span) // stride + 1
        return np.array([sum(x_padded[t * stride + j * dilation] * kernel[j] for j in range(k))
                         for t in range(out_length)])


    sizes = {}
    for name, (before, after) in paddings.items():
        size = max((n + before + after - span) // stride + 1, 0)
        if size:
            assert len(convolve(np.pad(x, (before, after)))) == size  # the rule, run
        sizes[name] = size
        print(f"{name}: {before} zero(s) before, {after} after: output size {size}")
    print("sizes =", sizes)
    # The chosen padding's output (none when no window fits).
    output = convolve(np.pad(x, paddings[chosen])) if sizes[chosen] else np.zeros(0)
    print("output size =", len(output))
    $result
'''

_SIZES_TORCH = '''
    """$title, as a PyTorch script (cnndemo, section 9)."""

    import torch
    import torch.nn.functional as F

    n, k, stride, dilation = $n, $k, $stride, $dilation
    # Zeros (before, after) of each padding, by TensorFlow's rules (SAME: an odd one at the end).
    paddings = $paddings
    chosen = $chosen  # the padding the page uses
    x = torch.arange(1.0, n + 1, dtype=torch.float64)  # 1, 2, ..., n: any numbers give the size
    kernel = torch.ones(k, dtype=torch.float64)
    span = (k - 1) * dilation + 1


    def convolve(before, after):
        # PyTorch is channels first: an input is (batch, channels, positions) and a weight
        # (out, in, taps); one channel each. The zeros are added here: PyTorch's padding="same"
        # takes stride 1 only and pads evenly.
        x_padded = F.pad(x[None, None], (before, after))
        return F.conv1d(x_padded, kernel[None, None], stride=stride, dilation=dilation)[0, 0]


    sizes = {}
    for name, (before, after) in paddings.items():
        size = max((n + before + after - span) // stride + 1, 0)
        if size:
            assert len(convolve(before, after)) == size  # the rule, run
        sizes[name] = size
        print(f"{name}: {before} zero(s) before, {after} after: output size {size}")
    print("sizes =", sizes)
    # The chosen padding's output (none when no window fits).
    output = convolve(*paddings[chosen]) if sizes[chosen] else torch.zeros(0)
    print("output size =", len(output))
    $result
'''

_TRANSPOSED_NUMPY = '''
    """$title, as a NumPy script (cnndemo, section 9).

    A transposed convolution goes from n cells to the size a convolution with the same kernel,
    stride, padding and dilation reads: every input cell y[i] adds y[i] * w (its taps spaced
    `dilation` apart) starting at cell i * stride; then `cut_before` cells are cut at the start
    and `cut_after` at the end (the padding; the output padding a adds cells at the end, so
    a negative cut appends zeros). One channel: channels last and first agree.
    """

    import numpy as np

    y = np.array($y, dtype=float)  # the input
    w = np.array($w, dtype=float)  # the kernel
    stride, dilation = $stride, $dilation
    cut_before, cut_after = $before, $after  # $note

    full = np.zeros((len(y) - 1) * stride + (len(w) - 1) * dilation + 1)
    for i in range(len(y)):
        for j in range(len(w)):
            full[i * stride + j * dilation] += y[i] * w[j]
    full = np.pad(full, (0, max(-cut_after, 0)))  # output padding beyond the last tap: zeros
    output = full[cut_before : len(full) - max(cut_after, 0)]
    print("output size =", len(output))
    $result
'''

_TRANSPOSED_TORCH = '''
    """$title, as a PyTorch script (cnndemo, section 9)."""

    import torch
    import torch.nn.functional as F

    y = torch.tensor($y, dtype=torch.float64)  # the input
    w = torch.tensor($w, dtype=torch.float64)  # the kernel
    stride, dilation = $stride, $dilation
    cut_before, cut_after = $before, $after  # $note

    # PyTorch is channels first: an input is (batch, channels, positions) and a transposed
    # convolution's weight (in, out, taps); one channel each. With padding 0 it gives every
    # cell; the cut is done here, as the engine does (for explicit padding p and output padding
    # a, F.conv_transpose1d(..., padding=p, output_padding=a) cuts the same cells).
    full = F.conv_transpose1d(y[None, None], w[None, None], stride=stride, dilation=dilation)[0, 0]
    full = F.pad(full, (0, max(-cut_after, 0)))  # output padding beyond the last tap: zeros
    output = full[cut_before : len(full) - max(cut_after, 0)]
    print("output size =", len(output))
    $result
'''

_CORRELATION_NUMPY = '''
    """Cross-correlation and convolution of the same numbers, as a NumPy script (cnndemo,
    section 9). Deep learning's "convolution" (TensorFlow, PyTorch, cnndemo) is the
    cross-correlation; the convolution of mathematics turns the kernel round first."""

    import numpy as np

    x = np.array($x, dtype=float)  # the input
    w = np.array($w, dtype=float)  # the kernel

    def correlate(kernel):
        """y[t] = sum over j of x[t + j] * kernel[j], for every whole window (VALID)."""
        return np.array([x[t : t + len(kernel)] @ kernel for t in range(len(x) - len(kernel) + 1)])

    output = correlate(w)  # cross-correlation: deep learning's convolution
    print("convolution =", correlate(w[::-1]).tolist())  # the kernel turned round
    $result
'''

_CORRELATION_TORCH = '''
    """Cross-correlation and convolution of the same numbers, as a PyTorch script (cnndemo,
    section 9). F.conv1d computes the cross-correlation, like TensorFlow and cnndemo."""

    import torch
    import torch.nn.functional as F

    x = torch.tensor($x, dtype=torch.float64)  # the input
    w = torch.tensor($w, dtype=torch.float64)  # the kernel

    # PyTorch is channels first: an input is (batch, channels, positions), a weight
    # (out, in, taps); one channel each.
    output = F.conv1d(x[None, None], w[None, None])[0, 0]  # cross-correlation
    convolution = F.conv1d(x[None, None], torch.flip(w, [0])[None, None])[0, 0]
    print("convolution =", convolution.tolist())  # the kernel turned round
    $result
'''


def _sizes(title: str, n: int, k: int, stride: int, dilation: int,
           paddings: dict[str, tuple[int, int]], chosen: str) -> tuple[str, str]:  # fmt: skip
    literal = "{" + ", ".join(f"{name!r}: ({whole(b)}, {whole(a)})"
                              for name, (b, a) in paddings.items()) + "}"  # fmt: skip
    values = {"title": title, "n": whole(n), "k": whole(k), "stride": whole(stride),
              "dilation": whole(dilation), "paddings": literal, "chosen": repr(chosen),
              "result": RESULT}  # fmt: skip
    return fill(_SIZES_NUMPY, **values), fill(_SIZES_TORCH, **values)


def _transposed(title: str, y: np.ndarray, w: np.ndarray, stride: int, padding: str | int,
                dilation: int, extra: int) -> tuple[str, str]:  # fmt: skip
    ((before, after),) = transposed(y, w, stride, padding, dilation, extra).steps.crop
    note = f"padding {padding!r}, output padding {whole(extra)}"
    values = {"title": title, "y": array(y, 13), "w": array(w, 13), "stride": whole(stride),
              "dilation": whole(dilation), "before": whole(before), "after": whole(after),
              "note": note, "result": RESULT}  # fmt: skip
    return fill(_TRANSPOSED_NUMPY, **values), fill(_TRANSPOSED_TORCH, **values)


def _size_tab(state: Mapping[str, Any]) -> tuple[str, str]:
    n, k, s, d, p = (int(state[name]) for name in ("n", "k", "s", "d", "p"))
    rows = padding_rows(n, k, s, d, p)
    paddings = {name: (row.before, row.after) for name, row in zip(SIZE_NAMES, rows, strict=True)}
    chosen = {"valid": "valid", "same": "same"}.get(state["pm"], "explicit")
    return _sizes("Output sizes", n, k, s, d, paddings, chosen)


def _guide_tab(state: Mapping[str, Any]) -> tuple[str, str]:
    case = guide_case(state)
    i, k, s, p, d = (case.values[name] for name in PARAMS)
    title = f"The guide's relationship {case.number} ({case.kind}), i = {i}, k = {k}"
    if case.transposed:
        y = np.arange(1.0, case.i_prime + 1)
        return _transposed(title, y, np.ones(k), s, p, d, case.extra)
    axis = explain.axis(i, k, s, p, d)
    return _sizes(title, i, k, s, d, {"relationship": (axis.before, axis.after)}, "relationship")


def arithmetic_scripts(kind: str, state: Mapping[str, Any]) -> tuple[str, str]:
    """The NumPy and PyTorch scripts of page 9's tab of ``kind`` for the link ``state``;
    ValueError when the settings give no output (the page says why)."""
    if kind == "conv_size":
        return _size_tab(state)
    if kind == "guide_size":
        return _guide_tab(state)
    if kind == "conv_transpose":
        padding = padding_argument(state["tpm"], state["tp"])
        return _transposed("A transposed convolution", state["ty"], state["tw"], state["ts"],
                           padding, state["td"], state["ta"])  # fmt: skip
    if kind == "correlation":
        values = {"x": array(state["cv"], 13), "w": array(state["cw"], 13), "result": RESULT}
        if len(state["cw"]) > len(state["cv"]):
            raise ValueError("the kernel is longer than the input")
        return fill(_CORRELATION_NUMPY, **values), fill(_CORRELATION_TORCH, **values)
    raise ValueError(f"no script for a tab of kind {kind!r}")
