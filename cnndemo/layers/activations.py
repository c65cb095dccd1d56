"""Elementwise activations: each forward next to its derivative."""

from __future__ import annotations

import numpy as np

from cnndemo.layers.base import Layer

__all__ = ["ACTIVATIONS", "ReLU", "Sigmoid", "Tanh", "make_activation", "sigmoid"]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, overflow-free for any input (via tanh), same shape as ``x``."""
    y = np.tanh(x * 0.5)
    y *= 0.5
    y += 0.5
    return y


class Sigmoid(Layer):
    """y = 1 / (1 + exp(-x)), elementwise; dy/dx = y (1 - y)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = sigmoid(x)
        return self._y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        y = self._y
        return grad_out * (y - y * y)


class ReLU(Layer):
    """y = max(x, 0), elementwise; the gradient passes where x > 0."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._mask = x > 0
        return x * self._mask

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return grad_out * self._mask


class Tanh(Layer):
    """y = tanh(x), elementwise; dy/dx = 1 - y^2."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = np.tanh(x)
        return self._y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return grad_out * (1.0 - self._y * self._y)


ACTIVATIONS: dict[str, type[Layer]] = {"sigmoid": Sigmoid, "relu": ReLU, "tanh": Tanh}


def make_activation(name: str) -> Layer:
    """Activation layer by name: ``"sigmoid"``, ``"relu"`` or ``"tanh"``."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {name!r}")
    return ACTIVATIONS[name]()
