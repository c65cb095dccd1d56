"""Network layers with their forward pass and gradient rule side by side.

Each layer is a small class. ``forward`` caches exactly what ``backward`` needs; ``backward``
takes the gradient of the loss with respect to the layer's output, writes the gradients of the
layer's parameters into ``grads`` (in place, so a model can keep all gradients in one flat
buffer) and returns the gradient with respect to the input (``None`` when ``input_grad`` is
False, which models set on their first layer: nobody needs the gradient of the data).

Layout is TensorFlow's, channels last: 1D activations are (batch, width, channels), 2D ones
(batch, height, width, channels), 1D kernels (k_w, in, out), 2D kernels (k_h, k_w, in, out).

=================  =======================================================================
``base``           the Layer interface
``dense``          Embedding, Flatten, Dense
``activations``    Sigmoid, ReLU, Tanh (and ``sigmoid``, ``make_activation``)
``convolution``    Conv1D, Conv2D, lowered to a gather matrix once per input shape
``pooling``        GlobalPool, Pool2D
``loss``           sigmoid_cross_entropy
=================  =======================================================================

``cnndemo.ops`` stays the general-purpose implementation; the tests check these layers
against it, and the layers fall back to it when a precomputed matrix would exceed
:data:`cnndemo.bounds.MAX_LOWERING_ENTRIES`.
"""

from cnndemo.layers.activations import ACTIVATIONS, ReLU, Sigmoid, Tanh, make_activation, sigmoid
from cnndemo.layers.base import Layer
from cnndemo.layers.convolution import Conv1D, Conv2D
from cnndemo.layers.dense import Dense, Embedding, Flatten
from cnndemo.layers.loss import sigmoid_cross_entropy
from cnndemo.layers.pooling import POOL_KINDS, GlobalPool, Pool2D

__all__ = [
    "ACTIVATIONS",
    "POOL_KINDS",
    "Conv1D",
    "Conv2D",
    "Dense",
    "Embedding",
    "Flatten",
    "GlobalPool",
    "Layer",
    "Pool2D",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "make_activation",
    "sigmoid",
    "sigmoid_cross_entropy",
]
