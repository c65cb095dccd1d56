"""The gradient oracle: central finite differences, independent of every backward pass."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numeric_gradient(loss: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Gradient of a scalar ``loss()`` with respect to every element of ``array``.

    ``grad[i] = (loss with array[i] + eps  -  loss with array[i] - eps) / (2 * eps)``, an
    error of order ``eps ** 2`` where the loss is smooth. ``array`` is changed in place, one
    element at a time, and restored; ``loss`` must read it.

    Parameters
    ----------
    loss : callable () -> float
    array : ndarray, float64, any shape
    eps : float

    Returns
    -------
    ndarray, shape and dtype of ``array``
    """
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
