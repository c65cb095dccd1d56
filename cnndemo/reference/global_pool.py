"""Global pooling as plain loops: one window as large as the whole input, per channel.

Used after the convolution of sections 3 and 5 (docs/lesson.md): max pooling over all
positions asks whether a feature is present anywhere, min whether it is present everywhere.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from cnndemo.reference import checks
from cnndemo.reference.winner import summarise, winner


def _global_setup(x, kind, op):
    """Checked input and kind, and every position of one example in row-major order."""
    if np.ndim(x) < 3:
        raise ValueError(
            f"{op} expects an input (batch, ..., channels) with at least one position axis, "
            f"got shape {np.shape(x)}"
        )
    x = checks.real_array(x, np.ndim(x), op, "input", "batch, ..., channels")
    return x, checks.pool_kind(kind), list(np.ndindex(x.shape[1:-1]))


def global_pool(x: ArrayLike, kind: str = "max") -> np.ndarray:
    """Summarise each channel over every position: one window as large as the input.

    ``out[b, c]`` is the max, min or mean of ``x[b, ..., c]`` over all positions. Max asks
    "is this feature anywhere?" (an ANY), min "is it everywhere?" (an ALL).

    Parameters
    ----------
    x : ndarray, shape (batch, ..., channels)
        At least one position axis between batch and channels (a sequence, a grid, ...).
    kind : {"max", "min", "avg"}

    Returns
    -------
    ndarray, shape (batch, channels), float64
    """
    x, kind, positions = _global_setup(x, kind, "global_pool")
    batch, channels = x.shape[0], x.shape[-1]
    out = np.zeros((batch, channels))
    for b in range(batch):
        for c in range(channels):
            out[b, c] = summarise([x[(b, *p, c)] for p in positions], kind)
    return out


def global_pool_backward(x: ArrayLike, grad_out: ArrayLike, kind: str = "max") -> np.ndarray:
    """Send each channel's gradient back to the positions it came from.

    Max/min: all of it to the winning position, the first in row-major order on a tie (the
    first NaN if any). Avg: an equal share to every position.

    Parameters
    ----------
    x, kind
        What the forward pass was called with.
    grad_out : ndarray, shape (batch, channels)

    Returns
    -------
    ndarray, shape of ``x``
    """
    x, kind, positions = _global_setup(x, kind, "global_pool_backward")
    batch, channels = x.shape[0], x.shape[-1]
    grad = checks.gradient(grad_out, (batch, channels))
    grad_x = np.zeros(x.shape)
    for b in range(batch):
        for c in range(channels):
            if kind == "avg":
                for p in positions:
                    grad_x[(b, *p, c)] += grad[b, c] / len(positions)
            else:
                p = positions[winner([x[(b, *p, c)] for p in positions], kind)]
                grad_x[(b, *p, c)] += grad[b, c]
    return grad_x
