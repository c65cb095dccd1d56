"""Exported scripts of page 2's pictures tab: the built-in picture convolved with a kernel.

``picture_scripts(state)`` -> ``(numpy_script, torch_script)``. The picture is cnndemo's
built-in scene, drawn by the same function the page uses (its source is copied into the script:
NumPy only), convolved with the page's kernel, stride and padding and its activation; both
scripts print the feature map's size, smallest and largest value and every 8th row and column.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from app.core.export_conv import definitions, pad_values, pads
from app.core.export_literals import fill, whole, word
from app.core.page_outcomes import PICTURE_SIZE
from app.core.pictures import builtin_picture

_PICTURE_NUMPY = '''
    """A picture convolved with a kernel (cnndemo, section 2, pictures), as a NumPy script.

    The picture is cnndemo's built-in scene; to use your own, load it as a 2D array of greys
    (0 = black, 255 = white), e.g. np.asarray(PIL.Image.open(path).convert("L"), dtype=float).
    """

    import numpy as np


    $picture_source

    picture = builtin_picture($size)  # (rows, columns) greys
    $kernel_numpy
    stride = $stride
    # $note
    (top, bottom), (left, right) = ($top, $bottom), ($left, $right)

    padded = np.pad(picture, ((top, bottom), (left, right)))
    out_h = (padded.shape[0] - kernel.shape[0]) // stride + 1
    out_w = (padded.shape[1] - kernel.shape[1]) // stride + 1
    feature = np.zeros((out_h, out_w))
    for i in range(kernel.shape[0]):
        for j in range(kernel.shape[1]):
            # Tap (i, j) of every window: the picture shifted by (i, j), every stride-th pixel.
            feature += kernel[i, j] * padded[i : i + stride * (out_h - 1) + 1 : stride,
                                             j : j + stride * (out_w - 1) + 1 : stride]
    $activation
    $summary
'''

_PICTURE_TORCH = '''
    """A picture convolved with a kernel (cnndemo, section 2, pictures), as a PyTorch script.

    The picture is cnndemo's built-in scene, drawn with NumPy.
    """

    import numpy as np
    import torch
    import torch.nn.functional as F


    $picture_source

    picture = torch.tensor(builtin_picture($size))  # (rows, columns) greys, float64
    $kernel_torch

    # PyTorch is channels first: (batch, channels, rows, columns), a weight (out, in, rows,
    # columns); one grey channel in, one feature map out.
    x = picture[None, None]
    weight = kernel[None, None]
    # $note
    x = F.pad(x, ($left, $right, $top, $bottom))  # F.pad lists the last axis first
    feature = F.conv2d(x, weight, stride=$stride)[0, 0]
    $activation
    $summary
'''

_SUMMARY = (
    'print("feature map shape:", tuple(feature.shape))\n'
    'print("smallest value =", feature.min().item())\n'
    'print("largest value =", feature.max().item())\n'
    'print("every 8th row and column =", feature[::8, ::8].tolist())'
)


def picture_scripts(state: Mapping[str, Any]) -> tuple[str, str]:
    kernel, stride = state["ik"], state["is"]
    amounts = tuple(pads(PICTURE_SIZE, k, stride, state["ip"]) for k in kernel.shape)
    word(state["act"], ("none", "relu"))
    relu = state["act"] == "relu"
    source = inspect.getsource(builtin_picture).rstrip()
    values = {
        "picture_source": source, "size": whole(PICTURE_SIZE),
        **definitions("kernel", kernel, "kernel rows, kernel columns"),
        "stride": whole(stride), **pad_values(state["ip"], amounts), "summary": _SUMMARY,
    }  # fmt: skip
    plain = "# no activation after the convolution"
    numpy_relu = "feature = np.maximum(feature, 0.0)  # then ReLU"
    torch_relu = "feature = torch.relu(feature)  # then ReLU"
    return (
        fill(_PICTURE_NUMPY, activation=numpy_relu if relu else plain, **values),
        fill(_PICTURE_TORCH, activation=torch_relu if relu else plain, **values),
    )
