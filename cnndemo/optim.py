"""Optimisers: update parameters in place from their gradients.

A model keeps all its parameters in one flat array (and all gradients in another), so one
``step`` is a handful of whole-array NumPy operations whatever the number of layers.
"""

from __future__ import annotations

import numpy as np

__all__ = ["OPTIMIZERS", "SGD", "Adam", "Momentum", "Optimizer", "make_optimizer"]


class Optimizer:
    """Base class. ``step(params, grads)`` updates ``params`` in place.

    Parameters
    ----------
    learning_rate : float
        Must be positive.
    """

    def __init__(self, learning_rate: float) -> None:
        if not np.isfinite(learning_rate) or learning_rate <= 0:
            raise ValueError(f"learning rate must be a positive number; got {learning_rate!r}")
        self.learning_rate = float(learning_rate)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({fields})"


class SGD(Optimizer):
    """Plain gradient descent: w -= learning_rate * grad."""

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        params -= self.learning_rate * grads


class Momentum(Optimizer):
    """Gradient descent with momentum, TensorFlow's rule (the tutorial's optimiser).

    accumulator = momentum * accumulator + grad;  w -= learning_rate * accumulator.
    (PyTorch's SGD(momentum=m, dampening=0) is the same rule.) The accumulator starts at zero.

    Parameters
    ----------
    learning_rate : float
    momentum : float
        In [0, 1); 0 gives plain gradient descent.
    """

    def __init__(self, learning_rate: float = 1.0, momentum: float = 0.9) -> None:
        super().__init__(learning_rate)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1); got {momentum!r}")
        self.momentum = float(momentum)
        self._accumulator: np.ndarray | None = None

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        acc = self._accumulator
        if acc is None or acc.shape != grads.shape:
            acc = self._accumulator = np.zeros_like(grads)
        acc *= self.momentum
        acc += grads
        params -= self.learning_rate * acc


class Adam(Optimizer):
    """Adam (Kingma & Ba) with Keras's defaults: beta1 0.9, beta2 0.999, epsilon 1e-7.

    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
    w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon).
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-7,
    ) -> None:
        super().__init__(learning_rate)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name} must be in [0, 1); got {beta!r}")
        self.beta1, self.beta2, self.epsilon = float(beta1), float(beta2), float(epsilon)
        self._m: np.ndarray | None = None
        self._v: np.ndarray | None = None
        self._t = 0

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        if self._m is None or self._m.shape != grads.shape:
            self._m, self._v, self._t = np.zeros_like(grads), np.zeros_like(grads), 0
        self._t += 1
        b1, b2 = self.beta1, self.beta2
        self._m *= b1
        self._m += (1.0 - b1) * grads
        self._v *= b2
        self._v += (1.0 - b2) * grads * grads
        # Bias correction folded into the step size, as TensorFlow does.
        rate = self.learning_rate * np.sqrt(1.0 - b2**self._t) / (1.0 - b1**self._t)
        params -= rate * self._m / (np.sqrt(self._v) + self.epsilon)


OPTIMIZERS = ("momentum", "sgd", "adam")


def make_optimizer(name: str, learning_rate: float, momentum: float = 0.9) -> Optimizer:
    """Optimiser by name: ``"momentum"``, ``"sgd"`` or ``"adam"`` (``momentum`` used by the first)."""
    if name == "momentum":
        return Momentum(learning_rate, momentum)
    if name == "sgd":
        return SGD(learning_rate)
    if name == "adam":
        return Adam(learning_rate)
    raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}; got {name!r}")
