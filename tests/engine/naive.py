"""Plain-loop oracle for cnndemo.ops, written for the tests only.

Everything here is spelled out with explicit loops over batch, output positions, window taps
and channels, and explicit padding, straight from the definitions in SECTIONS.md. It shares no
code with cnndemo.ops, so the two can only agree by both being right. The gradient oracle,
central finite differences, is here too.
"""

from __future__ import annotations

import math

import numpy as np


def same_padding(n: int, k: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """TensorFlow's SAME rule: output ceil(n / stride), extra padded cell at the end."""
    out = math.ceil(n / stride)
    span = (k - 1) * dilation + 1
    total = max((out - 1) * stride + span - n, 0)
    before = total // 2
    return before, total - before


def axis_padding(n: int, k: int, stride: int, padding: str, dilation: int = 1) -> tuple[int, int]:
    if padding == "valid":
        return 0, 0
    return same_padding(n, k, stride, dilation)


def axis_out(n: int, k: int, stride: int, padding: str, dilation: int = 1) -> int:
    before, after = axis_padding(n, k, stride, padding, dilation)
    span = (k - 1) * dilation + 1
    return math.floor((n + before + after - span) / stride) + 1


def conv2d(x, kernel, stride=(1, 1), padding="valid", dilation=(1, 1)) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    batch, height, width, channels = x.shape
    k_h, k_w, _, out_channels = kernel.shape
    (sy, sx), (dy, dx) = stride, dilation
    top, bottom = axis_padding(height, k_h, sy, padding, dy)
    left, right = axis_padding(width, k_w, sx, padding, dx)
    padded = np.zeros((batch, height + top + bottom, width + left + right, channels))
    for b in range(batch):
        for r in range(height):
            for c in range(width):
                padded[b, top + r, left + c, :] = x[b, r, c, :]
    out_h = axis_out(height, k_h, sy, padding, dy)
    out_w = axis_out(width, k_w, sx, padding, dx)
    out = np.zeros((batch, out_h, out_w, out_channels))
    for b in range(batch):
        for oy in range(out_h):
            for ox in range(out_w):
                for i in range(k_h):
                    for j in range(k_w):
                        for c in range(channels):
                            cell = padded[b, oy * sy + i * dy, ox * sx + j * dx, c]
                            for o in range(out_channels):
                                out[b, oy, ox, o] += cell * kernel[i, j, c, o]
    return out


def conv1d(x, kernel, stride=1, padding="valid", dilation=1) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    batch, width, channels = x.shape
    k_w, _, out_channels = kernel.shape
    left, right = axis_padding(width, k_w, stride, padding, dilation)
    padded = np.zeros((batch, width + left + right, channels))
    padded[:, left : left + width, :] = x
    out_w = axis_out(width, k_w, stride, padding, dilation)
    out = np.zeros((batch, out_w, out_channels))
    for b in range(batch):
        for t in range(out_w):
            for j in range(k_w):
                for c in range(channels):
                    for o in range(out_channels):
                        out[b, t, o] += padded[b, t * stride + j * dilation, c] * kernel[j, c, o]
    return out


def pool2d(x, size, stride, kind="max", padding="valid") -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    batch, height, width, channels = x.shape
    (k_h, k_w), (sy, sx) = size, stride
    top, _ = axis_padding(height, k_h, sy, padding)
    left, _ = axis_padding(width, k_w, sx, padding)
    out_h = axis_out(height, k_h, sy, padding)
    out_w = axis_out(width, k_w, sx, padding)
    out = np.zeros((batch, out_h, out_w, channels))
    for b in range(batch):
        for oy in range(out_h):
            for ox in range(out_w):
                for c in range(channels):
                    best = -math.inf if kind == "max" else math.inf
                    total, count = 0.0, 0
                    for i in range(k_h):
                        for j in range(k_w):
                            r, q = oy * sy + i - top, ox * sx + j - left
                            if not (0 <= r < height and 0 <= q < width):
                                continue  # a padded cell: never wins, never counted
                            value = x[b, r, q, c]
                            if math.isnan(value) or math.isnan(best):
                                best = math.nan
                            elif kind == "max":
                                best = max(best, value)
                            elif kind == "min":
                                best = min(best, value)
                            total += value
                            count += 1
                    out[b, oy, ox, c] = total / count if kind == "avg" else best
    return out


def pool1d(x, size, stride, kind="max", padding="valid") -> np.ndarray:
    return pool2d(np.asarray(x)[:, None], (1, size), (1, stride), kind, padding)[:, 0]


def global_pool(x, kind="max") -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    batch, channels = x.shape[0], x.shape[-1]
    positions = x.reshape(batch, -1, channels)
    out = np.zeros((batch, channels))
    for b in range(batch):
        for c in range(channels):
            values = [positions[b, p, c] for p in range(positions.shape[1])]
            if kind == "avg":
                out[b, c] = sum(values) / len(values)
            elif any(math.isnan(v) for v in values):
                out[b, c] = math.nan
            else:
                out[b, c] = max(values) if kind == "max" else min(values)
    return out


def numeric_gradient(loss, array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar ``loss()`` with respect to every element of ``array``
    (changed in place and restored)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        up = loss()
        array[index] = saved - eps
        down = loss()
        array[index] = saved
        grad[index] = (up - down) / (2 * eps)
    return grad
