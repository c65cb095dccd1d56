"""Who wins a max or min pooling window: the one tie rule of the reference.

The first winning cell in row-major window order (row by row, then column); when the window
holds NaN, its first NaN. Callers pass only a window's real cells, so padded cells never win:
if every real cell is -inf for max (+inf for min), the first real cell does.
"""

from __future__ import annotations

import math


def winner(values: list[float], kind: str) -> int:
    """Which cell of a max or min window wins: its index in ``values``.

    Parameters
    ----------
    values : list of float
        The window's real (unpadded) cells in window order.
    kind : {"max", "min"}

    Returns
    -------
    int
        The first NaN if there is one (the window's output is then NaN). Otherwise a later
        cell replaces the best so far only when strictly larger (max) or smaller (min), so on
        a tie the earliest cell keeps the win.
    """
    for index, value in enumerate(values):
        if math.isnan(value):
            return index
    best = 0
    for index, value in enumerate(values):
        if (kind == "max" and value > values[best]) or (kind == "min" and value < values[best]):
            best = index
    return best


def summarise(values: list[float], kind: str) -> float:
    """What one window gives: its winner's value (max, min) or its mean (avg)."""
    if kind == "avg":
        return sum(values) / len(values)
    return values[winner(values, kind)]
