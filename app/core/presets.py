"""Values a tensor editor can be filled with, the classic image kernels, and activations.

Plain NumPy (no Streamlit): ``preset_value`` gives the tensor of a preset at the current shape;
``classic_kernel`` the edge, blur, sharpen and Sobel kernels of the picture mode;
``apply_activation`` the activations a display-only page offers after a convolution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

GENERAL_PRESETS = ("tutorial", "counting 1, 2, 3…", "random integers", "zeros", "ones")


KERNEL1D_PRESETS = ("moving average", "difference (edge)", "identity")


IMAGE_KERNELS = (
    "edge (Laplacian)",
    "box blur",
    "Gaussian blur",
    "sharpen",
    "Sobel x",
    "Sobel y",
    "identity",
)


_FIXED_3X3 = {
    "edge (Laplacian)": [[0, -1, 0], [-1, 4, -1], [0, -1, 0]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    # Sobel x responds to left-to-right brightness changes (vertical edges), Sobel y to
    # top-to-bottom ones, with the convolution as cross-correlation (TensorFlow's convention).
    "Sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "Sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
}


def presets_for(kind: str) -> tuple[str, ...]:
    """Preset names offered for a tensor kind."""
    if kind == "kernel1d":
        return GENERAL_PRESETS + KERNEL1D_PRESETS
    if kind == "kernel2d":
        return GENERAL_PRESETS + IMAGE_KERNELS
    return GENERAL_PRESETS


def binomial(n: int) -> np.ndarray:
    """Row n-1 of Pascal's triangle: 1D weights of a Gaussian-like blur of width ``n``."""
    row = np.array([1.0])
    for _ in range(n - 1):
        row = np.convolve(row, [1.0, 1.0])
    return row


def classic_kernel(name: str, size: tuple[int, int] = (3, 3)) -> np.ndarray:
    """A 2D image kernel by name. Edge, sharpen and Sobel kernels are 3x3 whatever ``size``;
    blurs and identity take ``size`` (height, width)."""
    if name in _FIXED_3X3:
        return np.array(_FIXED_3X3[name], dtype=np.float64)
    h, w = size
    if name == "box blur":
        return np.full((h, w), 1.0 / (h * w))
    if name == "Gaussian blur":
        weights = np.outer(binomial(h), binomial(w))
        return weights / weights.sum()
    if name == "identity":
        kernel = np.zeros((h, w))
        kernel[(h - 1) // 2, (w - 1) // 2] = 1.0
        return kernel
    raise ValueError(f"unknown image kernel {name!r}")


def preset_value(
    kind: str, preset: str, shape: Sequence[int], seed: int = 0, tutorial: np.ndarray | None = None
) -> np.ndarray:
    """The tensor a preset gives for the current ``shape`` (some presets bring their own shape).

    - tutorial: the page's reference tensor (its own shape);
    - counting: 1, 2, 3, … in row-major order (the tutorial's pattern, at any size);
    - random integers: whole numbers in -5..5 from ``seed`` (easy to add up by hand);
    - zeros, ones;
    - 1D kernels: moving average, difference (-1, 0, 1 / -1, 1), identity (centre tap);
    - 2D kernels: the classic image kernels of ``classic_kernel``, the same 2D filter on every
      (input channel, output channel) pair, except identity, which maps channel c to c.
    """
    shape = tuple(int(n) for n in shape)
    if preset == "tutorial":
        if tutorial is None:
            raise ValueError("this tensor has no tutorial preset")
        return np.asarray(tutorial, dtype=np.float64).copy()
    if preset == "counting 1, 2, 3…":
        return np.arange(1, math.prod(shape) + 1, dtype=np.float64).reshape(shape)
    if preset == "random integers":
        rng = np.random.default_rng(seed)
        return rng.integers(-5, 6, size=shape).astype(np.float64)
    if preset == "zeros":
        return np.zeros(shape)
    if preset == "ones":
        return np.ones(shape)
    if kind == "kernel1d" and preset in KERNEL1D_PRESETS:
        k, n_in, n_out = shape
        if preset == "moving average":
            return np.full(shape, 1.0 / (k * n_in))
        if preset == "difference (edge)":
            taps = np.array([-1.0, 1.0]) if k == 2 else np.array([-1.0, 0.0, 1.0])
            return np.broadcast_to(taps[:, None, None], (len(taps), n_in, n_out)).copy()
        return _identity_kernel((k,), n_in, n_out)
    if kind == "kernel2d" and preset in IMAGE_KERNELS:
        kh, kw, n_in, n_out = shape
        if preset == "identity":
            return _identity_kernel((kh, kw), n_in, n_out)
        flat = classic_kernel(preset, (kh, kw))
        return np.broadcast_to(flat[:, :, None, None], (*flat.shape, n_in, n_out)).copy()
    raise ValueError(f"unknown preset {preset!r} for a {kind}")


def _identity_kernel(spatial: tuple[int, ...], n_in: int, n_out: int) -> np.ndarray:
    """Centre tap passes input channel c to output channel c (for c < min(in, out))."""
    kernel = np.zeros((*spatial, n_in, n_out))
    centre = tuple((n - 1) // 2 for n in spatial)
    for c in range(min(n_in, n_out)):
        kernel[(*centre, c, c)] = 1.0
    return kernel


def apply_activation(name: str, values: np.ndarray) -> np.ndarray:
    """The activations of page 2's picture tab (``activation_control``; NumPy, display only)."""
    if name == "none":
        return values
    if name == "relu":
        return np.maximum(values, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-np.clip(values, -500, 500)))
    if name == "tanh":
        return np.tanh(values)
    raise ValueError(f"unknown activation {name!r}")
