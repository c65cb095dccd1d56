"""What the loss asks of each weight at a moment of training: gradients, whole and per example.

Training runs full batch, so the update of every epoch follows the gradient of the *mean* error
over the training set: the sum of every example's share, ``1 / n`` of the gradient of that
example's own error. Seeing the shares says which example pulls a kernel which way; seeing the
whole says why training stalls (at a plateau every share is tiny, or the shares cancel).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cnndemo import data as data_mod
from cnndemo.models import Model

__all__ = ["example_gradients", "gradients_at", "layer_norms"]

Data = data_mod.TextData | data_mod.ImageData


def gradients_at(model: Model, data: Data, parameters: np.ndarray) -> dict[str, np.ndarray]:
    """The gradient of the mean training error at ``parameters`` (a snapshot's weights).

    Parameters
    ----------
    model : Model
        Its weights are restored afterwards; the forward caches are not (call ``forward``
        again before reading feature maps from it).
    data : TextData or ImageData
        The data the model trains on.
    parameters : ndarray, shape (model.parameters.size,)

    Returns
    -------
    dict of name -> ndarray, keyed and shaped as ``Model.named_parameters``
    """
    return _gradient(model, data.inputs, data.targets, parameters, 1.0)


def example_gradients(
    model: Model, data: Data, parameters: np.ndarray, index: int
) -> dict[str, np.ndarray]:
    """Example ``index``'s share of :func:`gradients_at`: ``1 / n`` of its own error's gradient.

    The shares of all examples add up to :func:`gradients_at`.
    """
    n = len(data.targets)
    if not 0 <= index < n:
        raise ValueError(f"example {index} is outside 0..{n - 1}")
    inputs, targets = data.inputs[index : index + 1], data.targets[index : index + 1]
    return _gradient(model, inputs, targets, parameters, 1.0 / n)


def _gradient(
    model: Model, inputs: np.ndarray, targets: np.ndarray, parameters: np.ndarray, scale: float
) -> dict[str, np.ndarray]:
    saved = model.parameters.copy()
    saved_gradients = model.gradients.copy()
    try:
        model.set_parameters(parameters)
        model.loss(inputs, targets)
        return {name: value * scale for name, value in model.named_gradients().items()}
    finally:
        model.parameters[...] = saved
        model.gradients[...] = saved_gradients


def layer_norms(names: Sequence[str], norms: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Per-parameter gradient norms (``TrainResult.gradient_norms``) combined per layer.

    Parameters
    ----------
    names : sequence of str
        The named parameters (``"conv1.kernel"``, ``"conv1.bias"``, ...), in the norms' order.
    norms : ndarray, shape (epochs, len(names))

    Returns
    -------
    (layers, ndarray of shape (epochs, len(layers)))
        Layer names in first-seen order and the norm of each layer's whole gradient.
    """
    norms = np.asarray(norms, dtype=np.float64)
    layers: list[str] = []
    for name in names:
        layer = name.split(".")[0]
        if layer not in layers:
            layers.append(layer)
    combined = np.zeros((norms.shape[0], len(layers)))
    for column, name in enumerate(names):
        combined[:, layers.index(name.split(".")[0])] += norms[:, column] ** 2
    return layers, np.sqrt(combined)
