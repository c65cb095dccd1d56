"""Convolution and pooling on channels-last NumPy arrays (first simple version)."""

from __future__ import annotations

import numpy as np


def _pair(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def _pad_amounts(n, k, s, padding, d=1):
    if padding == "valid":
        return 0, 0
    out = -(-n // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def conv2d(x, kernel, stride=1, padding="valid", dilation=1):
    """2D convolution: x (batch, height, width, in), kernel (k_h, k_w, in, out)."""
    x = np.asarray(x)
    x = x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)
    kernel = np.asarray(kernel, dtype=x.dtype)
    (sy, sx), (dy, dx) = _pair(stride), _pair(dilation)
    kh, kw = kernel.shape[:2]
    py = _pad_amounts(x.shape[1], kh, sy, padding, dy)
    px = _pad_amounts(x.shape[2], kw, sx, padding, dx)
    xp = np.pad(x, ((0, 0), py, px, (0, 0)))
    hp, wp = xp.shape[1:3]
    oh = (hp - (kh - 1) * dy - 1) // sy + 1
    ow = (wp - (kw - 1) * dx - 1) // sx + 1
    out = np.zeros((x.shape[0], oh, ow, kernel.shape[3]), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            patch = xp[
                :,
                i * dy : i * dy + (oh - 1) * sy + 1 : sy,
                j * dx : j * dx + (ow - 1) * sx + 1 : sx,
            ]
            out += patch @ kernel[i, j]
    return out


def conv1d(x, kernel, stride=1, padding="valid", dilation=1):
    """1D convolution: x (batch, width, in), kernel (k_width, in, out)."""
    return conv2d(
        np.asarray(x)[:, None], np.asarray(kernel)[None], (1, stride), padding, (1, dilation)
    )[:, 0]


def pool2d(x, size, stride=None, kind="max", padding="valid"):
    """2D pooling over (batch, height, width, channels)."""
    x = np.asarray(x)
    x = x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)
    kh, kw = _pair(size)
    sy, sx = _pair(size if stride is None else stride)
    py = _pad_amounts(x.shape[1], kh, sy, padding)
    px = _pad_amounts(x.shape[2], kw, sx, padding)
    fill = {"max": -np.inf, "min": np.inf, "avg": 0.0}[kind]
    xp = np.pad(x, ((0, 0), py, px, (0, 0)), constant_values=fill)
    ones = np.pad(np.ones(x.shape[1:3]), (py, px))
    hp, wp = xp.shape[1:3]
    oh, ow = (hp - kh) // sy + 1, (wp - kw) // sx + 1
    parts, counts = [], []
    for i in range(kh):
        for j in range(kw):
            parts.append(xp[:, i : i + (oh - 1) * sy + 1 : sy, j : j + (ow - 1) * sx + 1 : sx])
            counts.append(ones[i : i + (oh - 1) * sy + 1 : sy, j : j + (ow - 1) * sx + 1 : sx])
    stack = np.stack(parts)
    if kind == "max":
        return stack.max(0)
    if kind == "min":
        return stack.min(0)
    return (stack.sum(0) / np.sum(counts, 0)[None, :, :, None]).astype(x.dtype)


def pool1d(x, size, stride=None, kind="max", padding="valid"):
    """1D pooling over (batch, width, channels)."""
    return pool2d(
        np.asarray(x)[:, None], (1, size), (1, size if stride is None else stride), kind, padding
    )[:, 0]


def global_pool(x, kind="max"):
    """Pool over every position: (batch, ..., channels) -> (batch, channels)."""
    x = np.asarray(x)
    axes = tuple(range(1, x.ndim - 1))
    return {"max": np.max, "min": np.min, "avg": np.mean}[kind](x, axis=axes)
