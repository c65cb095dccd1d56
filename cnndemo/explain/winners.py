"""Who wins a max or min pooling window (the tie rule of :mod:`cnndemo.explain`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cnndemo.explain.plans import pool_plan


def window_winners(windows: np.ndarray, kind: str, padded: np.ndarray | None = None) -> np.ndarray:
    """Index of each window's winner along axis -2, by the tie rule of the module docstring.

    Parameters
    ----------
    windows : ndarray, shape (..., taps, channels)
        Window values in row-major window order, padding cells holding the value that never
        wins (``-inf`` for max, ``+inf`` for min).
    kind : {"max", "min"}
    padded : ndarray of bool, shape broadcastable to (..., taps, 1), optional
        True where a tap is a padding cell.

    Returns
    -------
    ndarray of int, shape (..., channels)
    """
    if kind not in ("max", "min"):
        raise ValueError(f"only max and min pooling have winners, got {kind!r}")
    # argmax/argmin return the first extreme in order, and the first NaN when there is one.
    winner = (np.argmax if kind == "max" else np.argmin)(windows, axis=-2)
    if padded is None or not np.any(padded):
        return winner
    padded = np.broadcast_to(padded, (*windows.shape[:-1], 1))[..., 0]
    first_real = np.argmin(padded, axis=-1)[..., None]
    chose_pad = np.take_along_axis(padded[..., None], winner[..., None, :], axis=-2)[..., 0, :]
    return np.where(chose_pad, first_real, winner)


def pool_winners(
    x: np.ndarray,
    size: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """The input cell each max or min pooling window takes its value from.

    Parameters
    ----------
    x : ndarray, shape (batch, width, channels) or (batch, height, width, channels)
    size, stride, padding
        As in :func:`cnndemo.ops.pool1d` / :func:`cnndemo.ops.pool2d`.
    kind : {"max", "min"}

    Returns
    -------
    ndarray of int64, shape (batch, *out_shape, channels, rank)
        Input coordinates of every window's winner, per channel (the tie rule of the module
        docstring).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"pool_winners expects (batch, ..., channels) with 1 or 2 position axes, got {x.shape}"
        )
    plan = pool_plan(x.shape[1:-1], size, stride, padding)
    index = plan.cell_index()  # (outputs, taps)
    batch, channels = x.shape[0], x.shape[-1]
    flat = x.reshape(batch, -1, channels)
    fill = -np.inf if kind == "max" else np.inf
    flat = np.concatenate([flat, np.full((batch, 1, channels), fill)], axis=1)
    padded = index < 0
    windows = flat[:, np.where(padded, flat.shape[1] - 1, index)]  # (batch, outputs, taps, ch)
    tap = window_winners(windows, kind, padded[None, :, :, None])
    cell = np.take_along_axis(index[None, :, :, None], tap[:, :, None, :], axis=2)[:, :, 0]
    coords = np.stack(np.unravel_index(cell, plan.in_shape), axis=-1)
    return coords.reshape(batch, *plan.out_shape, channels, plan.rank)


def global_winners(x: np.ndarray, kind: str = "max") -> np.ndarray:
    """The position each channel of a global max or min pooling takes its value from.

    Parameters
    ----------
    x : ndarray, shape (batch, ..., channels)
        At least one position axis.
    kind : {"max", "min"}

    Returns
    -------
    ndarray of int64, shape (batch, channels, positions axes)
        Coordinates of the first winning position in row-major order (the first NaN if any).
    """
    x = np.asarray(x)
    if x.ndim < 3:
        raise ValueError(f"global_winners expects (batch, ..., channels), got shape {x.shape}")
    flat = x.reshape(x.shape[0], -1, x.shape[-1])
    position = window_winners(flat, kind)
    return np.stack(np.unravel_index(position, x.shape[1:-1]), axis=-1)
