"""Exported scripts of page 8's grid tab: down-sampling a grid by max, min or mean pooling.

``pool_scripts(state)`` -> ``(numpy_script, torch_script)``: the grid as a literal, each window
pooled channel by channel (NumPy: a loop over output cells; PyTorch: ``F.max_pool2d`` and
``F.avg_pool2d`` with the padding kept out of every window's result), printing
``output = [...]`` as the page shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.export_conv import RESULT, definitions, grid_words, pad_values, pads
from app.core.export_literals import fill, whole, word
from cnndemo.explain import POOL_KINDS

_POOL_NUMPY = '''
    """Down-sampling a grid by pooling (cnndemo, section 8), as a NumPy script.

    Layout (channels last): the grid x is (rows, columns, channels); each channel is pooled on
    its own. Output cell (r, c) pools the window whose top-left cell is
    (r * stride_y - top, c * stride_x - left).
    """

    import numpy as np

    $x_numpy
    window_h, window_w = $ky, $kx
    stride_y, stride_x = $sy, $sx
    kind = $kind
    # $note
    (top, bottom), (left, right) = ($top, $bottom), ($left, $right)

    out_h = (x.shape[0] + top + bottom - window_h) // stride_y + 1
    out_w = (x.shape[1] + left + right - window_w) // stride_x + 1
    output = np.zeros((out_h, out_w, x.shape[2]))
    for r in range(out_h):
        for c in range(out_w):
            row, col = r * stride_y - top, c * stride_x - left
            # The window's cells inside the grid: padding never wins and is left out of a mean.
            window = x[max(row, 0) : row + window_h, max(col, 0) : col + window_w]
            if kind == "max":
                output[r, c] = window.max(axis=(0, 1))
            elif kind == "min":
                output[r, c] = window.min(axis=(0, 1))
            else:
                output[r, c] = window.mean(axis=(0, 1))
    $result
'''

_POOL_TORCH = '''
    """Down-sampling a grid by pooling (cnndemo, section 8), as a PyTorch script."""

    import torch
    import torch.nn.functional as F

    $x_torch
    size, stride = ($ky, $kx), ($sy, $sx)
    kind = $kind
    # $note
    pads = ($left, $right, $top, $bottom)  # F.pad lists the last axis first

    x_torch = x.permute(2, 0, 1).unsqueeze(0)  # channels first: (1, channels, rows, columns)
    if kind == "max":
        # Padding must never win: pad with -inf.
        y = F.max_pool2d(F.pad(x_torch, pads, value=-torch.inf), size, stride)
    elif kind == "min":
        y = -F.max_pool2d(F.pad(-x_torch, pads, value=-torch.inf), size, stride)
    else:
        # The mean of the real cells only: window sums over window counts.
        sums = F.avg_pool2d(F.pad(x_torch, pads), size, stride)
        counts = F.avg_pool2d(F.pad(torch.ones_like(x_torch), pads), size, stride)
        y = sums / counts
    output = y[0].permute(1, 2, 0)  # back to channels last: (rows, columns, channels)
    $result
'''


def pool_scripts(state: Mapping[str, Any]) -> tuple[str, str]:
    x = state["x"]
    amounts = (pads(x.shape[0], state["ky"], state["sy"], state["p"]),
            pads(x.shape[1], state["kx"], state["sx"], state["p"]))  # fmt: skip
    values = {
        **definitions("x", x, grid_words(x.shape)),
        "ky": whole(state["ky"]), "kx": whole(state["kx"]), "sy": whole(state["sy"]),
        "sx": whole(state["sx"]), "kind": word(state["k"], POOL_KINDS),
        **pad_values(state["p"], amounts), "result": RESULT,
    }  # fmt: skip
    return fill(_POOL_NUMPY, **values), fill(_POOL_TORCH, **values)
