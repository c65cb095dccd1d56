"""Argument checks for the reference ops: plain on purpose, they state the rules and stop.

Each raises ``ValueError`` with the bad value in its message, where the value enters.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def real_array(value: object, ndim: int, op: str, what: str, axes: str) -> np.ndarray:
    """``value`` as a float64 array of ``ndim`` axes, none of them empty.

    ``what`` names the argument ("input", "kernel"), ``axes`` its layout for the message.
    """
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{op} expects real numbers in its {what}, got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{op} expects a {ndim}D {what} ({axes}), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{op} got an empty {what} of shape {array.shape}")
    return array.astype(np.float64)


def whole(value: object, name: str) -> int:
    """A whole number >= 1 (``2``, ``2.0`` and ``np.int64(2)`` all count; ``True`` does not)."""
    is_number = isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)
    if not is_number or not math.isfinite(value) or value != int(value) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


def pair(value: object, name: str) -> tuple[int, int]:
    """``(y, x)`` from one number for both axes or from a pair."""
    if isinstance(value, tuple | list | np.ndarray):
        if len(value) != 2:
            raise ValueError(f"{name} must be one whole number or a pair (y, x), got {value!r}")
        return whole(value[0], name), whole(value[1], name)
    return whole(value, name), whole(value, name)


def padding_word(padding: object) -> str:
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return str(padding)


def pool_kind(kind: object) -> str:
    if kind not in ("max", "min", "avg"):
        raise ValueError(f"kind must be 'max', 'min' or 'avg', got {kind!r}")
    return str(kind)


def same_channels(kernel_in: int, channels: int) -> None:
    """The kernel's ``in`` axis must match the input's channels."""
    if kernel_in != channels:
        raise ValueError(f"kernel expects {kernel_in} input channels, input has {channels}")


def gradient(grad_out: object, shape: tuple[int, ...]) -> np.ndarray:
    """``grad_out`` as float64, with exactly the forward output's ``shape``."""
    grad = np.asarray(grad_out)
    if grad.dtype.kind not in "biuf":
        raise ValueError(f"grad_out must hold real numbers, got dtype {grad.dtype}")
    if grad.shape != shape:
        raise ValueError(f"grad_out has shape {grad.shape}, expected {shape}")
    return grad.astype(np.float64)
