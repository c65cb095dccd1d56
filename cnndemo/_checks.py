"""Argument checking for cnndemo.ops (shape arithmetic lives in cnndemo.explain).

Errors are raised here, where a bad value enters, with the value and the limit in a message a
learner can act on.
"""

from __future__ import annotations

import numpy as np


def whole(value: object, name: str) -> int:
    if type(value) is int and value >= 1:
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        number = int(value)
    elif isinstance(value, (float, np.floating)) and float(value).is_integer():
        number = int(value)
    else:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    if number < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {number}")
    return number


def pair(value: object, name: str) -> tuple[int, int]:
    if type(value) is int and value >= 1:
        return value, value
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != 2:
            raise ValueError(f"{name} must be one whole number or a pair (y, x), got {value!r}")
        return whole(value[0], name), whole(value[1], name)
    number = whole(value, name)
    return number, number


def check_padding(padding: object) -> str:
    if padding == "valid" or padding == "same":
        return padding  # type: ignore[return-value]
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")


def check_kind(kind: object) -> str:
    if kind == "max" or kind == "min" or kind == "avg":
        return kind  # type: ignore[return-value]
    raise ValueError(f"kind must be 'max', 'min' or 'avg', got {kind!r}")


def as_real(x: object, op: str, what: str = "input") -> np.ndarray:
    array = np.asarray(x)
    dtype = array.dtype
    if dtype == np.float32 or dtype == np.float64:
        return array
    if dtype.kind in "biuf":
        return array.astype(np.float64)
    raise ValueError(f"{op} expects real numbers in its {what}, got dtype {dtype}")


def check_array(array: np.ndarray, ndim: int, op: str, what: str, axes: str) -> None:
    if array.ndim != ndim:
        raise ValueError(f"{op} expects a {ndim}D {what} ({axes}), got shape {tuple(array.shape)}")
    if array.size == 0:
        raise ValueError(
            f"{op} got an empty {what} of shape {tuple(array.shape)}; "
            "every axis needs at least one element"
        )


def check_grad(grad_out: object, expected: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    grad = np.asarray(grad_out)
    if grad.shape != expected:
        raise ValueError(
            f"grad_out has shape {tuple(grad.shape)}, expected {expected} "
            "(the shape of the forward output)"
        )
    if grad.dtype.kind not in "biuf":
        raise ValueError(f"grad_out must hold real numbers, got dtype {grad.dtype}")
    return grad.astype(dtype, copy=False)


def conv_operands(
    x: object, kernel: object, stride: object, dilation: object, op: str, one_d: bool,
    last: str = "channels",
) -> tuple[np.ndarray, np.ndarray, tuple[int, int], tuple[int, int]]:  # fmt: skip
    """Checked input and kernel of a convolution, as 2D ones (1D gains a height of 1), with
    its strides and dilations per axis. ``last`` names the input's last axis in messages."""
    x = as_real(x, op)
    kernel = np.asarray(kernel)
    if kernel.dtype != x.dtype:
        kernel = as_real(kernel, op, "kernel").astype(x.dtype)
    if one_d:
        check_array(x, 3, op, "input", f"batch, width, {last}")
        check_array(kernel, 3, op, "kernel", "width, in, out")
        steps = (1, whole(stride, "stride")), (1, whole(dilation, "dilation"))
        return x[:, None], kernel[None], *steps
    check_array(x, 4, op, "input", f"batch, height, width, {last}")
    check_array(kernel, 4, op, "kernel", "height, width, in, out")
    return x, kernel, pair(stride, "stride"), pair(dilation, "dilation")
