"""The engine's own bounds: the largest model and the largest intermediate arrays it agrees to make.

These are engine-level ceilings, far above anything the app offers (``app/limits.py`` keeps the
learner's caps: 6 channels, kernels of 7, images of 6 x 6, 10 tokens, embeddings of 4, 2000
epochs, seeds to 100,000) and above every size the tests and benchmarks build. They exist so
that a hand-edited model file or a script cannot make :func:`cnndemo.models.build_model`
allocate gigabytes: every hyper-parameter is checked against them, and every layer's output
shape and the total parameter count are computed with integers (:mod:`cnndemo.model_plan`)
before any weight is drawn or any array allocated. Messages name the value and the bound.

A float64 number takes 8 bytes, so a million numbers are 8 MB.
"""

from __future__ import annotations

__all__ = [
    "MAX_ACTIVATIONS",
    "MAX_CHANNELS",
    "MAX_EPOCHS",
    "MAX_INIT_SCALE",
    "MAX_INPUT_SIDE",
    "MAX_KERNEL",
    "MAX_LEARNING_RATE",
    "MAX_LOWERING_ENTRIES",
    "MAX_ONE_HOT_VOCABULARY",
    "MAX_PARAMETERS",
    "MAX_SEED",
    "MAX_STRIDE",
    "MAX_VOCABULARY",
]

MAX_PARAMETERS = 1_000_000
"""Trainable numbers in one model (8 MB; gradients and optimiser state take as much again,
twice for Adam). The tutorial's models hold 11-25."""

MAX_ACTIVATIONS = 1_000_000
"""Numbers one example makes in any one layer: its input, each layer's output, and the window
matrices of convolution and pooling (one row of kernel-sized taps per output position)."""

MAX_CHANNELS = 1024
"""Output channels of a convolution, and the embedding size."""

MAX_KERNEL = 64
"""Kernel or pooling window extent along any axis."""

MAX_INPUT_SIDE = 4096
"""Tokens of a sentence, or rows or columns of an image."""

MAX_STRIDE = MAX_INPUT_SIDE
"""Step between windows along any axis: a longer step than any input is meaningless."""

MAX_VOCABULARY = 10_000
"""Tokens in a text model's vocabulary (rows of its embedding)."""

MAX_SEED = 2**32 - 1
"""Largest random seed: the range every NumPy generator (and ``np.random.seed``) accepts."""

MAX_EPOCHS = 100_000
"""Training epochs of one run: fifty times the tutorial's largest reference count."""

MAX_LEARNING_RATE = 1000.0
"""Largest learning rate (the app offers up to 10); larger steps only overflow."""

MAX_INIT_SCALE = 1000.0
"""Largest standard deviation of the initial weights (the app offers up to 2)."""

MAX_LOWERING_ENTRIES = 4_000_000
"""Entries of one layer's precomputed 0/1 matrix (a convolution's gather matrix, a pooling
layer's scatter matrix: 32 MB). Above it the layer computes with :mod:`cnndemo.ops` instead."""

MAX_ONE_HOT_VOCABULARY = 1024
"""Largest vocabulary an embedding looks up as a one-hot matmul; larger ones index rows."""
