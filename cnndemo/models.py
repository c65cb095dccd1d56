"""The six tutorial models (sections 3-8), built from :mod:`cnndemo.layers`.

============  ==============================================================================
section 3     embedding -> conv1d -> activation -> global pool (max/min/avg) -> dense
section 4     embedding -> conv1d -> activation -> flatten -> dense
section 5     conv2d -> activation -> global pool -> dense
section 6     conv2d -> activation -> flatten -> dense
section 7     conv2d -> activation -> conv2d -> activation -> flatten -> dense
section 8     conv2d -> activation -> pool2d (window, stride, kind) -> flatten -> dense
============  ==============================================================================

Every model ends in one logit; the probability of label 1 is its sigmoid. Weights are drawn
from ``np.random.default_rng(seed)`` (normal, standard deviation ``init_scale``) in layer order,
biases start at zero, so the same hyper-parameters always give the same model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from cnndemo import data as data_mod
from cnndemo.layers import (
    ACTIVATIONS,
    POOL_KINDS,
    Conv1D,
    Conv2D,
    Dense,
    Embedding,
    Flatten,
    GlobalPool,
    Layer,
    Pool2D,
    make_activation,
    sigmoid,
    sigmoid_cross_entropy,
)
from cnndemo.optim import OPTIMIZERS

__all__ = [
    "IMAGE_SECTIONS",
    "SECTIONS",
    "SECTION_TITLES",
    "TEXT_SECTIONS",
    "Model",
    "build_model",
    "default_hyperparameters",
]

TEXT_SECTIONS = (3, 4)
IMAGE_SECTIONS = (5, 6, 7, 8)
SECTIONS = TEXT_SECTIONS + IMAGE_SECTIONS
SECTION_TITLES = {
    3: "CNN 1D pooled",
    4: "CNN 1D fully connected",
    5: "CNN 2D pooled",
    6: "CNN 2D fully connected",
    7: "CNN 2D fully connected, 2 layers",
    8: "CNN 2D down sampled",
}

_COMMON = {
    "activation": "sigmoid",
    "learning_rate": 1.0,
    "momentum": 0.9,
    "optimizer": "momentum",
    "init_scale": 0.01,
    "seed": 0,
    "channels": 2,
    "conv_stride": 1,
    "padding": "valid",
}


def default_hyperparameters(section: int) -> dict[str, Any]:
    """The reference hyper-parameters of a section: every argument :func:`build_model` takes.

    Keys (all sections): ``activation`` ("sigmoid"/"relu"/"tanh"), ``learning_rate``,
    ``momentum``, ``optimizer`` ("momentum"/"sgd"/"adam"), ``init_scale``, ``epochs``, ``seed``,
    ``channels``, ``kernel_size``, ``conv_stride``, ``padding`` ("valid"/"same"). Sections 3-4
    add ``embedding_size``; 3, 5 and 8 add ``pool`` ("max"/"min"/"avg"); 7 adds
    ``second_channels`` and ``second_kernel_size``; 8 adds ``pool_size`` and ``pool_stride``.
    2D sizes and strides are ``[rows, columns]`` lists.
    """
    _check_section(section)
    params: dict[str, Any] = dict(_COMMON)
    if section in TEXT_SECTIONS:
        params.update(epochs=1000, embedding_size=2, kernel_size=2)
    else:
        params.update(epochs=2000, kernel_size=[2, 2], conv_stride=[1, 1])
    if section in (3, 5, 8):
        params["pool"] = "max"
    if section == 7:
        params.update(second_channels=2, second_kernel_size=[2, 2])
    if section == 8:
        params.update(pool_size=[2, 2], pool_stride=[2, 2])
    return params


def _check_section(section: int) -> None:
    if section not in SECTIONS:
        raise ValueError(f"models exist for sections {list(SECTIONS)}; got section {section!r}")


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def _size(name: str, value: Any, nd: int) -> int | list[int]:
    if nd == 1:
        return _positive_int(name, value)
    values = [value, value] if isinstance(value, int | np.integer) else list(value)
    if len(values) != 2:
        raise ValueError(f"{name} must be an integer or [rows, columns]; got {value!r}")
    return [_positive_int(name, v) for v in values]


def _choice(name: str, value: Any, options: Sequence[str]) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}; got {value!r}")
    return value


def _resolve(section: int, overrides: dict[str, Any]) -> dict[str, Any]:
    """Defaults updated with ``overrides`` (None means default), each value checked."""
    hp = default_hyperparameters(section)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(overrides) - set(hp)
    if unknown:
        raise ValueError(
            f"section {section} has no hyper-parameter(s) {sorted(unknown)}; it takes {sorted(hp)}"
        )
    hp.update(overrides)
    nd = 1 if section in TEXT_SECTIONS else 2
    hp["activation"] = _choice("activation", hp["activation"], list(ACTIVATIONS))
    hp["optimizer"] = _choice("optimizer", hp["optimizer"], OPTIMIZERS)
    hp["padding"] = _choice("padding", hp["padding"], ("valid", "same"))
    for name in ("learning_rate", "init_scale"):
        value = hp[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValueError(f"{name} must be a positive number; got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite; got {value!r}")
        hp[name] = float(value)
    m = hp["momentum"]
    if isinstance(m, bool) or not isinstance(m, int | float) or not 0 <= m < 1:
        raise ValueError(f"momentum must be a number in [0, 1); got {m!r}")
    hp["momentum"] = float(m)
    for name in ("epochs", "seed"):
        value = hp[name]
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer; got {value!r}")
        hp[name] = int(value)
    hp["channels"] = _positive_int("channels", hp["channels"])
    hp["kernel_size"] = _size("kernel_size", hp["kernel_size"], nd)
    hp["conv_stride"] = _size("conv_stride", hp["conv_stride"], nd)
    if "embedding_size" in hp:
        hp["embedding_size"] = _positive_int("embedding_size", hp["embedding_size"])
    if "pool" in hp:
        hp["pool"] = _choice("pool", hp["pool"], POOL_KINDS)
    if section == 7:
        hp["second_channels"] = _positive_int("second_channels", hp["second_channels"])
        hp["second_kernel_size"] = _size("second_kernel_size", hp["second_kernel_size"], 2)
    if section == 8:
        hp["pool_size"] = _size("pool_size", hp["pool_size"], 2)
        hp["pool_stride"] = _size("pool_stride", hp["pool_stride"], 2)
    return hp


class Model:
    """A sequence of layers ending in one logit, with its section, hyper-parameters and data.

    Build one with :func:`build_model`. All parameters live in one flat array
    (``parameters``) and all gradients in another (``gradients``); each layer's ``params`` and
    ``grads`` are views into them, so an optimiser updates the whole model in one step.

    Attributes
    ----------
    section : int
    hyperparameters : dict
        As :func:`default_hyperparameters`, with the values used.
    vocabulary : tuple of str or None
        Sections 3-4: the token list the embedding rows follow.
    input_size : tuple of int
        The input size the model was built for: (length,) for text, (height, width) for images.
        Flattened models (4, 6, 7, 8) only accept this size; pooled ones (3, 5) any size at
        least the kernel's.
    layers : list of Layer
    layer_names : list of str
        E.g. ``["conv1", "activation1", "pool", "dense"]``.
    """

    def __init__(
        self,
        section: int,
        layers: list[Layer],
        layer_names: list[str],
        hyperparameters: dict[str, Any],
        input_size: tuple[int, ...],
        vocabulary: tuple[str, ...] | None = None,
    ) -> None:
        self.section = section
        self.layers = layers
        self.layer_names = layer_names
        self.hyperparameters = hyperparameters
        self.input_size = tuple(input_size)
        self.vocabulary = vocabulary
        self.layers[0].input_grad = False  # the data needs no gradient
        self._pack()
        self._outputs: list[np.ndarray] = []

    def _pack(self) -> None:
        """Move every parameter and gradient into one flat buffer each, leaving views behind."""
        sizes = [p.size for layer in self.layers for p in layer.params.values()]
        self.parameters = np.empty(sum(sizes))
        self.gradients = np.zeros(sum(sizes))
        offset = 0
        for layer in self.layers:
            for name, value in layer.params.items():
                end = offset + value.size
                view = self.parameters[offset:end].reshape(value.shape)
                view[...] = value
                layer.params[name] = view
                layer.grads[name] = self.gradients[offset:end].reshape(value.shape)
                offset = end

    # -- parameters ---------------------------------------------------------------------------

    def named_parameters(self) -> dict[str, np.ndarray]:
        """``{"conv1.kernel": array, ...}``: views, so writing into them changes the model."""
        return {
            f"{lname}.{pname}": value
            for lname, layer in zip(self.layer_names, self.layers, strict=True)
            for pname, value in layer.params.items()
        }

    def named_gradients(self) -> dict[str, np.ndarray]:
        """Gradients from the last :meth:`loss` call, keyed as :meth:`named_parameters`."""
        return {
            f"{lname}.{pname}": value
            for lname, layer in zip(self.layer_names, self.layers, strict=True)
            for pname, value in layer.grads.items()
        }

    def layer(self, name: str) -> Layer:
        """The layer called ``name`` (see ``layer_names``)."""
        return self.layers[self.layer_names.index(name)]

    # -- the fast path used by training (no checks) -------------------------------------------

    def forward(self, inputs: np.ndarray) -> np.ndarray:
        """Logits for encoded inputs, caching what :meth:`backward` needs.

        Parameters
        ----------
        inputs : ndarray
            Token ids (n, length) for text, images (n, height, width, 1) for images.

        Returns
        -------
        ndarray, shape (n,)
        """
        outputs = self._outputs = []
        x = inputs
        for layer in self.layers:
            x = layer.forward(x)
            outputs.append(x)
        return x.reshape(-1)

    def backward(self, grad_logits: np.ndarray) -> None:
        """Fill ``gradients`` from the gradient of the loss w.r.t. the logits, shape (n,)."""
        grad = grad_logits.reshape(-1, 1)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def loss(self, inputs: np.ndarray, targets: np.ndarray, backward: bool = True) -> float:
        """Mean sigmoid cross-entropy of the batch; fills ``gradients`` unless backward=False."""
        loss, grad = sigmoid_cross_entropy(self.forward(inputs), targets)
        if backward:
            self.backward(grad)
        return loss

    # -- what the pages plot ------------------------------------------------------------------

    def feature_maps(self) -> list[np.ndarray]:
        """Post-activation output of each conv layer from the last forward pass.

        Returns
        -------
        list of ndarray
            (n, positions, channels) for text, (n, out_h, out_w, channels) for images.
        """
        return [
            self._outputs[i]
            for i, name in enumerate(self.layer_names)
            if name.startswith("activation")
        ]

    def example_vectors(self) -> np.ndarray:
        """Input of the dense layer from the last forward pass: the pooled or flattened vector
        of each example, shape (n, features)."""
        return self._outputs[-2].reshape(len(self._outputs[-2]), -1)

    def last_probabilities(self) -> np.ndarray:
        """Sigmoid of the last forward pass's logits, shape (n,)."""
        return sigmoid(self._outputs[-1].reshape(-1))

    def window_vectors(self, windows: np.ndarray) -> np.ndarray:
        """Post-activation output of the first conv layer for inputs one kernel window in size.

        Parameters
        ----------
        windows : ndarray
            Token ids (distinct, k_w) for text; pixels (distinct, k_h, k_w, 1) for images
            (see :func:`cnndemo.data.text_windows` / :func:`cnndemo.data.image_windows`).

        Returns
        -------
        ndarray, shape (distinct, channels)
        """
        if self.section in TEXT_SECTIONS:
            windows = self.layers[0].params["weights"][windows]
            conv = self.layers[1]
        else:
            conv = self.layers[0]
        # A fresh activation layer: reusing the model's would overwrite its backward cache.
        return make_activation(self.hyperparameters["activation"]).forward(
            conv.window_response(windows)
        )

    def windows(self, inputs: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Distinct windows the first conv layer sees in ``inputs``: (labels, windows).

        Labels are the tokens joined by spaces (``"i like"``) or the pixels as a row-major bit
        string (``"1100"``).
        """
        hp = self.hyperparameters
        if self.section in TEXT_SECTIONS:
            return data_mod.text_windows(
                inputs, self.vocabulary, hp["kernel_size"], hp["conv_stride"]
            )
        return data_mod.image_windows(inputs, hp["kernel_size"], hp["conv_stride"])

    # -- prediction on new inputs (checked) ---------------------------------------------------

    def encode(self, examples: Sequence[Any]) -> np.ndarray:
        """Check and encode raw examples: sentences for text models, images for image models.

        Returns
        -------
        ndarray
            (n, length) token ids or (n, height, width, 1) pixels.

        Raises
        ------
        ValueError
            Unknown word (naming it and the vocabulary), a size the model cannot take (for
            flattened models: another size than ``input_size``, since the dense layer's weight
            matrix fixes it; for pooled ones: smaller than the kernel).
        """
        if self.section in TEXT_SECTIONS:
            if isinstance(examples, str):
                examples = [examples]
            inputs = data_mod.encode(list(examples), self.vocabulary)
            size, what = inputs.shape[1:], "tokens"
        else:
            inputs = data_mod.parse_images(examples)
            size, what = inputs.shape[1:3], "pixels"
        self.check_input_size(tuple(size), what)
        return inputs

    def check_input_size(self, size: tuple[int, ...], what: str = "") -> None:
        """Raise ValueError unless the model can take inputs of ``size``.

        Parameters
        ----------
        size : tuple of int
            (length,) for text, (height, width) for images.
        what : str
            Unit named in the message ("tokens", "pixels").
        """
        hp = self.hyperparameters
        kernel = (hp["kernel_size"],) if np.isscalar(hp["kernel_size"]) else hp["kernel_size"]
        shown = "x".join(map(str, size))
        if hp["padding"] == "valid" and any(n < k for n, k in zip(size, kernel, strict=True)):
            raise ValueError(
                f"input of {shown} {what} is smaller than the kernel "
                f"({'x'.join(map(str, kernel))}); the convolution needs at least one window"
            )
        pooled = self.section in (3, 5)
        if not pooled and size != self.input_size:
            dense = self.layer("dense")
            expected = "x".join(map(str, self.input_size))
            raise ValueError(
                f"this model flattens the conv output into a dense layer with "
                f"{dense.in_features} inputs, which fixes the input size at {expected} {what}; "
                f"got {shown} {what}. Only the pooled models accept other sizes."
            )

    def predict_proba(self, examples: Sequence[Any]) -> np.ndarray:
        """Probability of label 1 for raw examples (sentences or images), shape (n,).

        Sentences of different lengths and images of different sizes may be mixed (pooled
        models); each then runs on its own. Raises ValueError as :meth:`encode`.
        """
        if self.section in TEXT_SECTIONS:
            examples = [examples] if isinstance(examples, str) else list(examples)
            if len({len(data_mod.tokenize(s)) for s in examples}) > 1:
                return np.array([self.predict_proba([s])[0] for s in examples])
        elif not isinstance(examples, np.ndarray):
            parsed = [data_mod.parse_image(image) for image in examples]
            if len({p.shape for p in parsed}) > 1:
                return np.array([self.predict_proba([p])[0] for p in parsed])
        saved = self._outputs  # keep the training pass's cache intact
        probabilities = sigmoid(self.forward(self.encode(examples)))
        self._outputs = saved
        return probabilities

    def __repr__(self) -> str:
        body = ", ".join(
            f"{n}={layer!r}" for n, layer in zip(self.layer_names, self.layers, strict=True)
        )
        return f"Model(section={self.section}, {body})"


def build_model(
    section: int,
    *,
    vocabulary: Sequence[str] | None = None,
    input_size: Sequence[int] | None = None,
    **hyperparameters: Any,
) -> Model:
    """A freshly initialised model of a tutorial section.

    Parameters
    ----------
    section : {3, 4, 5, 6, 7, 8}
    vocabulary : sequence of str, optional
        Text sections: the embedding's token list; defaults to the tutorial's vocabulary.
    input_size : sequence of int, optional
        (length,) for text, (height, width) for images: fixes the dense layer's size in the
        flattened models. Defaults to the tutorial data's (4,) and (3, 3).
    **hyperparameters
        Any key of :func:`default_hyperparameters` (None keeps the default).

    Raises
    ------
    ValueError
        Unknown hyper-parameter, invalid value, or an input size too small for the layers.
    """
    _check_section(section)
    hp = _resolve(section, hyperparameters)
    rng = np.random.default_rng(hp["seed"])
    scale = hp["init_scale"]

    def normal(*shape: int) -> np.ndarray:
        return rng.normal(0.0, scale, size=shape)

    text = section in TEXT_SECTIONS
    if text:
        vocab = tuple(
            data_mod.build_vocabulary(data_mod.TEXT_SENTENCES) if vocabulary is None else vocabulary
        )
        size = (4,) if input_size is None else tuple(input_size)
    else:
        vocab = None
        size = (3, 3) if input_size is None else tuple(input_size)
    if len(size) != (1 if text else 2) or not all(
        isinstance(n, int | np.integer) and n >= 1 for n in size
    ):
        raise ValueError(
            f"input_size must be {'(length,)' if text else '(height, width)'}; got {input_size!r}"
        )
    size = tuple(int(n) for n in size)

    channels, act = hp["channels"], hp["activation"]
    layers: list[Layer] = []
    names: list[str] = []
    if text:
        layers.append(Embedding(normal(len(vocab), hp["embedding_size"])))
        names.append("embedding")
        kernel = normal(hp["kernel_size"], hp["embedding_size"], channels)
        layers.append(Conv1D(kernel, stride=hp["conv_stride"], padding=hp["padding"]))
    else:
        kernel = normal(*hp["kernel_size"], 1, channels)
        layers.append(Conv2D(kernel, stride=hp["conv_stride"], padding=hp["padding"]))
    names.append("conv1")
    layers.append(make_activation(act))
    names.append("activation1")
    if section == 7:
        kernel = normal(*hp["second_kernel_size"], channels, hp["second_channels"])
        layers += [Conv2D(kernel, padding=hp["padding"]), make_activation(act)]
        names += ["conv2", "activation2"]
    if section in (3, 5):
        layers.append(GlobalPool(hp["pool"]))
        names.append("pool")
    if section == 8:
        layers.append(Pool2D(hp["pool_size"], hp["pool_stride"], hp["pool"]))
        names.append("pool")
    if section in (4, 6, 7, 8):
        layers.append(Flatten())
        names.append("flatten")

    # Run a dummy input through to learn the dense layer's input size (and to reject an input
    # size the conv and pool layers cannot take, with their own messages).
    dummy = np.zeros((1, *size), dtype=np.int64) if text else np.zeros((1, *size, 1))
    for layer in layers:
        dummy = layer.forward(dummy)
    features = dummy.reshape(1, -1).shape[1]
    layers.append(Dense(normal(features, 1)))
    names.append("dense")
    return Model(section, layers, names, hp, size, vocab)
