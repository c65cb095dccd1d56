"""The training loss: sigmoid cross-entropy from logits, with its gradient."""

from __future__ import annotations

import numpy as np

from cnndemo.layers.base import ones

__all__ = ["sigmoid_cross_entropy"]


def sigmoid_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean sigmoid cross-entropy from logits, and its gradient.

    Parameters
    ----------
    logits : ndarray, shape (batch, 1) or (batch,)
    targets : ndarray, shape (batch,)
        0 or 1 (any value in [0, 1] works).

    Returns
    -------
    loss : float
        mean(softplus(z) - z t), an overflow-free form of
        -t log(sigmoid(z)) - (1 - t) log(1 - sigmoid(z)) (softplus via np.logaddexp).
    grad : ndarray, same shape as ``logits``
        (sigmoid(z) - t) / batch.
    """
    z = logits.reshape(-1)
    n = z.shape[0]
    softplus = np.logaddexp(0.0, z)  # log(1 + exp(z)) without overflow
    loss = (np.dot(softplus, ones(n)) - np.dot(z, targets)) / n
    grad = np.exp(z - softplus)  # = sigmoid(z); z - softplus(z) <= 0 so exp never overflows
    grad -= targets
    grad /= n
    return float(loss), grad.reshape(logits.shape)
