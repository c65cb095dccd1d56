"""The layer interface, and the small helpers every layer shares."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

__all__ = ["Layer", "as_tuple", "ones"]


class Layer:
    """Base class: a layer with named parameters and same-shaped gradient arrays.

    Attributes
    ----------
    params : dict[str, ndarray]
        Trainable arrays by name (``"kernel"``, ``"bias"``, ``"weights"``).
    grads : dict[str, ndarray]
        Gradients of the loss, same names and shapes as ``params``; filled by ``backward``.
    input_grad : bool
        Whether ``backward`` computes the gradient with respect to the input.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.input_grad = True

    def _add_param(self, name: str, value: np.ndarray) -> None:
        self.params[name] = np.array(value, dtype=np.float64)
        self.grads[name] = np.zeros_like(self.params[name])

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={tuple(v.shape)}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


@functools.cache
def ones(n: int) -> np.ndarray:
    """A read-only vector of n ones: np.dot with it sums faster than np.sum on tiny arrays."""
    vector = np.ones(n)
    vector.flags.writeable = False
    return vector


def as_tuple(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    """``value`` as n positive integers (one integer is repeated n times)."""
    values = (value,) * n if np.isscalar(value) else tuple(value)
    if len(values) != n or not all(isinstance(v, int | np.integer) and v >= 1 for v in values):
        raise ValueError(f"{name} must be {n} positive integer(s); got {value!r}")
    return tuple(int(v) for v in values)
