"""Layers without spatial structure: the embedding lookup, flatten and the dense layer."""

from __future__ import annotations

import numpy as np

from cnndemo.bounds import MAX_ONE_HOT_VOCABULARY
from cnndemo.layers.base import Layer, ones

__all__ = ["Dense", "Embedding", "Flatten"]


class Embedding(Layer):
    """Token ids -> vectors: a lookup into a trainable (vocab, size) matrix.

    Parameters
    ----------
    weights : ndarray, shape (vocab, size)
        Initial embedding matrix.

    Forward: ids (batch, length) int -> (batch, length, size).
    Backward returns None: ids are not differentiable. The gradient of a row is the sum of the
    output gradients of every position holding that token.
    """

    def __init__(self, weights: np.ndarray) -> None:
        super().__init__()
        self._add_param("weights", weights)
        self.input_grad = False
        vocab = self.params["weights"].shape[0]
        # The one-hot matrix has a row per position and a column per token: worth it for the
        # small vocabularies of the lesson, not for a large one.
        self._eye = np.eye(vocab) if vocab <= MAX_ONE_HOT_VOCABULARY else None

    def forward(self, ids: np.ndarray) -> np.ndarray:
        if self._eye is None:
            self._ids = ids.reshape(-1)
            return self.params["weights"][ids]
        # The lookup as a one-hot matmul: the same one-hot matrix then gives the gradient,
        # where rows of a repeated token must add up, in one BLAS call (np.add.at is an order
        # of magnitude slower on small arrays).
        self._one_hot = self._eye[ids.reshape(-1)]
        out = np.dot(self._one_hot, self.params["weights"])
        return out.reshape(*ids.shape, out.shape[-1])

    def backward(self, grad_out: np.ndarray) -> None:
        size = self.params["weights"].shape[1]
        if self._eye is None:
            self.grads["weights"][...] = 0.0
            np.add.at(self.grads["weights"], self._ids, grad_out.reshape(-1, size))
            return None
        np.dot(self._one_hot.T, grad_out.reshape(-1, size), out=self.grads["weights"])
        return None


class Flatten(Layer):
    """(batch, ...) -> (batch, features), row-major (position major, channel minor)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return grad_out.reshape(self._x_shape)


class Dense(Layer):
    """Fully connected layer: (batch, features) -> (batch, out), y = x @ weights + bias.

    Parameters
    ----------
    weights : ndarray, shape (features, out)
    bias : ndarray, shape (out,), optional
        Zeros when omitted.
    """

    def __init__(self, weights: np.ndarray, bias: np.ndarray | None = None) -> None:
        super().__init__()
        self._add_param("weights", weights)
        if self.params["weights"].ndim != 2:
            raise ValueError(
                f"dense weights must be (features, out); got shape {self.params['weights'].shape}"
            )
        out = self.params["weights"].shape[1]
        self._add_param("bias", np.zeros(out) if bias is None else bias)

    @property
    def in_features(self) -> int:
        return self.params["weights"].shape[0]

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        out = np.dot(x, self.params["weights"])
        out += self.params["bias"]
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:
        np.dot(self._x.T, grad_out, out=self.grads["weights"])
        np.dot(ones(grad_out.shape[0]), grad_out, out=self.grads["bias"])
        if not self.input_grad:
            return None
        return np.dot(grad_out, self.params["weights"].T)
