"""Models of the tutorial sections (3-8), built layer by layer from their specs.

A section's model is described by its layers in :mod:`cnndemo.model_specs`; its shapes are
worked out (and checked against the engine's bounds) in :mod:`cnndemo.model_plan`;
:func:`build_model` walks that plan, making each layer and drawing its weights. Every model ends
in one logit; the probability of label 1 is its sigmoid. Weights are drawn from
``np.random.default_rng(seed)`` (normal, standard deviation ``init_scale``) in layer order,
biases start at zero, so the same hyper-parameters always give the same model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from cnndemo import data as data_mod
from cnndemo.hyperparameters import default_hyperparameters, resolve
from cnndemo.layers import (
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
from cnndemo.model_plan import LayerPlan, plan_spec
from cnndemo.model_specs import (
    IMAGE_SECTIONS,
    SECTION_TITLES,
    SECTIONS,
    SPECS,
    TEXT_SECTIONS,
    ModelSpec,
    model_spec,
)

__all__ = [
    "IMAGE_SECTIONS",
    "SECTIONS",
    "SECTION_TITLES",
    "SPECS",
    "TEXT_SECTIONS",
    "Model",
    "ModelSpec",
    "build_model",
    "default_hyperparameters",
    "model_spec",
]


class Model:
    """A sequence of layers ending in one logit, with its section, hyper-parameters and data.

    Build one with :func:`build_model`. All parameters live in one flat array
    (``parameters``) and all gradients in another (``gradients``); each layer's ``params`` and
    ``grads`` are views into them, so an optimiser updates the whole model in one step.

    Attributes
    ----------
    section : int
    spec : ModelSpec
        The section's layers and input kind (:func:`cnndemo.model_specs.model_spec`).
    hyperparameters : dict
        As :func:`default_hyperparameters`, with the values used.
    vocabulary : tuple of str or None
        Sections 3-4: the token list the embedding rows follow.
    input_size : tuple of int
        The input size the model was built for: (length,) for text, (height, width) for images.
        Flattened models (4, 6, 7, 8) only accept this size; globally pooled ones (3, 5) any
        size the convolutions accept (``spec.any_input_size``).
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
        self.spec = model_spec(section)
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

    def unflatten(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """A flat vector laid out like ``parameters`` (a snapshot's weights or gradients) cut
        into named copies shaped as :meth:`named_parameters`."""
        flat = np.asarray(flat, dtype=np.float64).reshape(self.parameters.shape)
        ends = np.cumsum([value.size for value in self.named_parameters().values()])
        return {
            name: flat[end - value.size : end].reshape(value.shape).copy()
            for (name, value), end in zip(self.named_parameters().items(), ends, strict=True)
        }

    def set_parameters(self, flat: np.ndarray) -> None:
        """Overwrite every weight from a flat vector (a snapshot's ``parameters``)."""
        self.parameters[...] = np.asarray(flat, dtype=np.float64).reshape(self.parameters.shape)

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
            for i, layer in enumerate(self.spec.layers)
            if layer.kind == "activation"
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
        embedding = self.spec.first("embedding")
        if embedding is not None:
            # Look the tokens up directly: the embedding's forward would overwrite its cache.
            windows = self.layer(embedding.name).params["weights"][windows]
        conv = self.layer(self.spec.first_conv.name)
        # A fresh activation layer: reusing the model's would overwrite its backward cache.
        return make_activation(self.hyperparameters["activation"]).forward(
            conv.window_response(windows)
        )

    def windows(self, inputs: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Distinct windows the first conv layer sees in ``inputs``: (labels, windows).

        Labels are the tokens joined by spaces (``"i like"``) or the pixels as a row-major bit
        string (``"1100"``).
        """
        conv = self.spec.first_conv.arguments(self.hyperparameters)
        if self.spec.input_kind == "text":
            return data_mod.text_windows(inputs, self.vocabulary, conv["kernel"], conv["stride"])
        return data_mod.image_windows(inputs, conv["kernel"], conv["stride"])

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
            matrix fixes it; for pooled ones: smaller than the kernel, or beyond the engine's
            bounds).
        """
        if self.spec.input_kind == "text":
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
        conv = self.spec.first_conv.arguments(self.hyperparameters)
        kernel = (conv["kernel"],) if np.isscalar(conv["kernel"]) else conv["kernel"]
        shown = "x".join(map(str, size))
        if conv["padding"] == "valid" and any(n < k for n, k in zip(size, kernel, strict=True)):
            raise ValueError(
                f"input of {shown} {what} is smaller than the kernel "
                f"({'x'.join(map(str, kernel))}); the convolution needs at least one window"
            )
        if not self.spec.any_input_size and size != self.input_size:
            dense = self.layer("dense")
            expected = "x".join(map(str, self.input_size))
            raise ValueError(
                f"this model flattens the conv output into a dense layer with "
                f"{dense.in_features} inputs, which fixes the input size at {expected} {what}; "
                f"got {shown} {what}. Only the pooled models accept other sizes."
            )
        vocabulary_size = None if self.vocabulary is None else len(self.vocabulary)
        plan_spec(self.spec, self.hyperparameters, size, vocabulary_size)

    def predict_proba(self, examples: Sequence[Any]) -> np.ndarray:
        """Probability of label 1 for raw examples (sentences or images), shape (n,).

        Sentences of different lengths and images of different sizes may be mixed (pooled
        models); each then runs on its own. Raises ValueError as :meth:`encode`.
        """
        if self.spec.input_kind == "text":
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


def _make_layer(plan: LayerPlan, normal: Callable[..., np.ndarray]) -> Layer:
    """The layer a plan describes; its weights (never its biases) drawn by ``normal``."""
    args, shapes = plan.arguments, dict(plan.parameters)
    if plan.kind == "embedding":
        return Embedding(normal(*shapes["weights"]))
    if plan.kind == "conv":
        conv = Conv1D if len(args["kernel"]) == 1 else Conv2D
        return conv(normal(*shapes["kernel"]), stride=args["stride"], padding=args["padding"])
    if plan.kind == "activation":
        return make_activation(args["function"])
    if plan.kind == "global_pool":
        return GlobalPool(args["kind"])
    if plan.kind == "pool":
        return Pool2D(args["size"], args["stride"], args["kind"])
    if plan.kind == "flatten":
        return Flatten()
    return Dense(normal(*shapes["weights"]))


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
        Unknown hyper-parameter, invalid value, an input size too small for the layers, or a
        model beyond the engine's bounds (:mod:`cnndemo.bounds`); all found before anything
        is allocated.
    """
    spec = model_spec(section)
    hp = resolve(spec, hyperparameters)
    vocab = None
    if spec.input_kind == "text":
        tutorial = vocabulary is None
        vocab = tuple(
            data_mod.build_vocabulary(data_mod.TEXT_SENTENCES) if tutorial else vocabulary
        )
    size = spec.input_size if input_size is None else input_size
    plan = plan_spec(spec, hp, size, None if vocab is None else len(vocab))

    rng = np.random.default_rng(hp["seed"])
    scale = hp["init_scale"]

    def normal(*shape: int) -> np.ndarray:
        return rng.normal(0.0, scale, size=shape)

    layers = [_make_layer(layer_plan, normal) for layer_plan in plan.layers]
    return Model(spec.section, layers, list(spec.layer_names), hp, plan.input_size, vocab)
