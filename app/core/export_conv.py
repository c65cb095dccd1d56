"""Exported scripts of the convolution tabs of sections 1 and 2 (vectors, scalars, grids).

``conv_scripts(kind, state)`` -> ``(numpy_script, torch_script)`` for a tab of kind
``conv1d``, ``conv1d_scalar`` or ``conv2d`` (``app.core.page_setups``) and the page's link
state. Each script holds the page's numbers as literals, computes the output with a loop over
the kernel's taps (NumPy) or with ``torch.nn.functional`` (PyTorch, with the channels-last to
channels-first conversions commented), and prints what the page shows: ``output = [...]``.
The picture tab is ``app.core.export_picture``, section 8's grid ``app.core.export_pool``.

Padding amounts come from the engine (``cnndemo.ops.padding_amounts``, TensorFlow's SAME rule)
and are written as numbers with a comment, so no script needs cnndemo. ``pads``,
``padding_note`` and ``RESULT`` serve the other tabs' writers too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.export_literals import array, fill, plural, whole, word
from cnndemo import ops
from cnndemo.explain import PADDINGS


def pads(n: int, k: int, stride: int, padding: str, dilation: int = 1) -> tuple[int, int]:
    """Zeros before and after one axis (the engine's rule), ``padding`` checked first."""
    word(padding, PADDINGS)
    return ops.padding_amounts(int(n), int(k), int(stride), padding, int(dilation))


def padding_note(padding: str, amounts: tuple[tuple[int, int], ...]) -> str:
    """One comment line saying how the input is padded (one axis, or rows then columns)."""
    if padding == "valid":
        return "VALID padding: no zeros added; only whole windows give an output."
    axes = ("",) if len(amounts) == 1 else ("rows ", "columns ")
    words = "; ".join(f"{axis}{before} before, {after} after"
                      for axis, (before, after) in zip(axes, amounts, strict=True))  # fmt: skip
    return f"SAME padding (TensorFlow's rule), zeros {words}: an odd one goes at the end."


_CONV1D_NUMPY = '''
    """Convolution in 1D (cnndemo, section 1, sequences of vectors), as a NumPy script.

    Layout (TensorFlow's, channels last): the input x is (positions, channels) and the kernel
    (taps, input channels, output channels). Output position t adds, over taps j and input
    channels c, x_padded[t * stride + j * dilation, c] * kernel[j, c, o].
    """

    import numpy as np

    $x_numpy
    $kernel_numpy
    stride = $stride
    dilation = $dilation
    # $note
    pad_before, pad_after = $before, $after

    x_padded = np.pad(x, ((pad_before, pad_after), (0, 0)))
    taps = kernel.shape[0]
    span = (taps - 1) * dilation + 1  # input positions one window covers
    out_length = (len(x_padded) - span) // stride + 1
    output = np.zeros((out_length, kernel.shape[2]))
    for j in range(taps):
        # Tap j of every window: x_padded[t * stride + j * dilation] for t = 0, 1, ...
        first = j * dilation
        rows = x_padded[first : first + stride * (out_length - 1) + 1 : stride]  # (out_length, in)
        output += rows @ kernel[j]  # (out_length, in) @ (in, out)
    # output: one row per position, one column per output channel
    $result
'''

_CONV1D_TORCH = '''
    """Convolution in 1D (cnndemo, section 1, sequences of vectors), as a PyTorch script."""

    import torch
    import torch.nn.functional as F

    $x_torch
    $kernel_torch

    # PyTorch is channels first: an input is (batch, channels, positions) and a weight
    # (out, in, taps). F.conv1d adds the same products (a cross-correlation, as TensorFlow).
    x_torch = x.T.unsqueeze(0)  # (1, in, positions)
    weight = kernel.permute(2, 1, 0)  # (out, in, taps)
    # $note
    # PyTorch's padding="same" takes stride 1 only, so the zeros are added here.
    x_torch = F.pad(x_torch, ($before, $after))
    y = F.conv1d(x_torch, weight, stride=$stride, dilation=$dilation)  # (1, out, positions)
    output = y[0].T  # back to channels last: (positions, out)
    $result
'''


def definitions(name: str, values: Any, layout: str) -> dict[str, str]:
    """A template's ``$<name>_numpy`` and ``$<name>_torch``: the array ``name`` assigned as a
    literal, with its layout in a comment."""
    literal = array(values, 4)
    return {
        f"{name}_numpy": f"{name} = np.array(\n    {literal},\n    dtype=float,\n)  # ({layout})",
        f"{name}_torch": f"{name} = torch.tensor(\n    {literal},\n    dtype=torch.float64,\n)"
        f"  # ({layout}), cnndemo's layout: channels last",
    }


def grid_words(shape: tuple[int, int, int]) -> str:
    """``5 rows, 4 columns, 3 channels``."""
    rows, columns, channels = shape
    return f"{plural(rows, 'row')}, {plural(columns, 'column')}, {plural(channels, 'channel')}"


def pad_values(padding: str, amounts: tuple[tuple[int, int], tuple[int, int]]) -> dict[str, str]:
    """A 2D template's ``$note``, ``$top``, ``$bottom``, ``$left`` and ``$right``."""
    (top, bottom), (left, right) = amounts
    return {"note": padding_note(padding, amounts), "top": whole(top), "bottom": whole(bottom),
            "left": whole(left), "right": whole(right)}  # fmt: skip


RESULT = 'print("output shape:", tuple(output.shape))\nprint("output =", output.tolist())'


def _conv1d(state: Mapping[str, Any]) -> tuple[str, str]:
    x, kernel = state["x"], state["k"]
    stride, padding, dilation = state["s"], state["p"], state["d"]
    before, after = pads(len(x), len(kernel), stride, padding, dilation)
    (n, c_in), c_out = x.shape, kernel.shape[2]
    values = {
        **definitions("x", x, f"{plural(n, 'position')}, {plural(c_in, 'channel')}"),
        **definitions("kernel", kernel, f"{plural(len(kernel), 'tap')}, {c_in} in, {c_out} out"),
        "stride": whole(stride), "dilation": whole(dilation),
        "note": padding_note(padding, ((before, after),)), "before": whole(before),
        "after": whole(after), "result": RESULT,
    }  # fmt: skip
    return fill(_CONV1D_NUMPY, **values), fill(_CONV1D_TORCH, **values)


_SCALAR_NUMPY = '''
    """Convolution in 1D, the scalar case (cnndemo, section 1), as a NumPy script.

    One channel in and one out: the input is a list of numbers, the kernel a short list of
    weights. Output t is the weighted sum of v_padded[t * stride + j] * w[j] over the taps j.
    """

    import numpy as np

    v = np.array($v, dtype=float)  # the input numbers
    w = np.array($w, dtype=float)  # the kernel's weights
    stride = $stride
    # $note
    v_padded = np.pad(v, ($before, $after))

    out_length = (len(v_padded) - len(w)) // stride + 1
    output = np.array([v_padded[t * stride : t * stride + len(w)] @ w for t in range(out_length)])
    $result
'''

_SCALAR_TORCH = '''
    """Convolution in 1D, the scalar case (cnndemo, section 1), as a PyTorch script."""

    import torch
    import torch.nn.functional as F

    v = torch.tensor($v, dtype=torch.float64)  # the input numbers
    w = torch.tensor($w, dtype=torch.float64)  # the kernel's weights

    # PyTorch is channels first: an input is (batch, channels, positions), a weight
    # (out, in, taps); here one of each.
    # $note
    v_torch = F.pad(v[None, None], ($before, $after))
    output = F.conv1d(v_torch, w[None, None], stride=$stride)[0, 0]
    $result
'''


def _scalar(state: Mapping[str, Any]) -> tuple[str, str]:
    v, w = state["v"], state["w"]
    before, after = pads(len(v), len(w), state["vs"], state["vp"])
    values = {
        "v": array(v, 13), "w": array(w, 13), "stride": whole(state["vs"]),
        "note": padding_note(state["vp"], ((before, after),)), "before": whole(before),
        "after": whole(after), "result": RESULT,
    }  # fmt: skip
    return fill(_SCALAR_NUMPY, **values), fill(_SCALAR_TORCH, **values)


_CONV2D_NUMPY = '''
    """Convolution in 2D (cnndemo, section 2, grids of vectors), as a NumPy script.

    Layout (TensorFlow's, channels last): the input x is (rows, columns, channels) and the
    kernel (kernel rows, kernel columns, input channels, output channels). Output cell (r, c)
    adds x_padded[r * stride_y + i * dilation, c * stride_x + j * dilation, m] * kernel[i, j, m, o]
    over kernel rows i, columns j and input channels m.
    """

    import numpy as np

    $x_numpy
    $kernel_numpy
    stride_y, stride_x = $sy, $sx
    dilation = $dilation
    # $note
    (top, bottom), (left, right) = ($top, $bottom), ($left, $right)

    x_padded = np.pad(x, ((top, bottom), (left, right), (0, 0)))
    kernel_h, kernel_w = kernel.shape[:2]
    out_h = (x_padded.shape[0] - (kernel_h - 1) * dilation - 1) // stride_y + 1
    out_w = (x_padded.shape[1] - (kernel_w - 1) * dilation - 1) // stride_x + 1
    output = np.zeros((out_h, out_w, kernel.shape[3]))
    for i in range(kernel_h):
        for j in range(kernel_w):
            # Tap (i, j) of every window: the padded grid shifted by (i, j) * dilation, read
            # every stride-th row and column.
            top_row, left_col = i * dilation, j * dilation
            patch = x_padded[
                top_row : top_row + stride_y * (out_h - 1) + 1 : stride_y,
                left_col : left_col + stride_x * (out_w - 1) + 1 : stride_x,
            ]  # (out_h, out_w, in)
            output += patch @ kernel[i, j]  # (out_h, out_w, in) @ (in, out)
    $result
    for channel in range(output.shape[2]):
        print(f"channel {channel}:", output[:, :, channel].tolist())
'''

_CONV2D_TORCH = '''
    """Convolution in 2D (cnndemo, section 2, grids of vectors), as a PyTorch script."""

    import torch
    import torch.nn.functional as F

    $x_torch
    $kernel_torch

    # PyTorch is channels first: an input is (batch, channels, rows, columns) and a weight
    # (out, in, kernel rows, kernel columns). F.conv2d adds the same products.
    x_torch = x.permute(2, 0, 1).unsqueeze(0)  # (1, in, rows, columns)
    weight = kernel.permute(3, 2, 0, 1)  # (out, in, kernel rows, kernel columns)
    # $note
    # F.pad lists the last axis first: (left, right, top, bottom).
    x_torch = F.pad(x_torch, ($left, $right, $top, $bottom))
    y = F.conv2d(x_torch, weight, stride=($sy, $sx), dilation=$dilation)  # (1, out, rows, cols)
    output = y[0].permute(1, 2, 0)  # back to channels last: (rows, columns, out)
    $result
    for channel in range(output.shape[2]):
        print(f"channel {channel}:", output[:, :, channel].tolist())
'''


def _conv2d(state: Mapping[str, Any]) -> tuple[str, str]:
    x, kernel, d = state["x"], state["k"], state["d"]
    amounts = (pads(x.shape[0], kernel.shape[0], state["sy"], state["p"], d),
            pads(x.shape[1], kernel.shape[1], state["sx"], state["p"], d))  # fmt: skip
    values = {
        **definitions("x", x, grid_words(x.shape)),
        **definitions("kernel", kernel, "{} x {} taps, {} in, {} out".format(*kernel.shape)),
        "sy": whole(state["sy"]), "sx": whole(state["sx"]), "dilation": whole(d),
        **pad_values(state["p"], amounts), "result": RESULT,
    }  # fmt: skip
    return fill(_CONV2D_NUMPY, **values), fill(_CONV2D_TORCH, **values)


def conv_scripts(kind: str, state: Mapping[str, Any]) -> tuple[str, str]:
    """``(numpy_script, torch_script)`` of page 1's tabs or page 2's grids tab.

    Raises
    ------
    ValueError
        An unknown kind, or a value that is not a finite number or an allowed word.
    """
    if kind == "conv1d":
        return _conv1d(state)
    if kind == "conv1d_scalar":
        return _scalar(state)
    if kind == "conv2d":
        return _conv2d(state)
    raise ValueError(f"no convolution script for a tab of kind {kind!r}")
