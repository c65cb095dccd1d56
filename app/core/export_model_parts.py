"""What the exported model scripts (NumPy and PyTorch) share: the data, the hyper-parameters,
the layer plan and the trained weights, each written as literals.

``model_export(section, data, hyperparameters, weights)`` gathers them once from the engine:
the layers, their arguments and weight shapes come from ``cnndemo.model_plan.plan_spec`` (the
shapes ``build_model`` draws, in its order), SAME padding amounts from
``cnndemo.ops.padding_amounts``; the scripts only write them down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.export_literals import array, number, text, whole, word
from app.core.training_jobs import Data
from cnndemo import data as data_mod
from cnndemo import ops
from cnndemo.explain import PADDINGS, POOL_KINDS
from cnndemo.layers import ACTIVATIONS
from cnndemo.model_plan import LayerPlan, plan_spec
from cnndemo.models import model_spec
from cnndemo.optim import OPTIMIZERS


@dataclass(frozen=True)
class ModelExport:
    """A model page's setup, ready to be written as a script.

    Attributes
    ----------
    section : int
    title : str
    text : bool
        Sentences (sections 3-4) or images (5-8).
    data_block : str
        Python source defining ``names``, ``labels`` and the data (NumPy arrays).
    settings_block : str
        Python source assigning every training hyper-parameter.
    layers : tuple of LayerPlan
        The engine's plan, in forward order.
    pads : dict
        Layer name -> ((before, after), ...) per spatial axis, for the convolutions.
    weights : dict or None
        The trained weights by cnndemo's names (``"conv1.kernel"``), or None to train.
    optimizer : str
    epochs : int
    """

    section: int
    title: str
    text: bool
    data_block: str
    settings_block: str
    layers: tuple[LayerPlan, ...]
    pads: dict[str, tuple[tuple[int, int], ...]]
    weights: dict[str, np.ndarray] | None
    optimizer: str
    epochs: int


def _data_block(data: Data) -> str:
    labels = array(data.targets, 9)
    if isinstance(data, data_mod.TextData):
        sentences = ",\n    ".join(text(s) for s in data.sentences)
        return (
            f"sentences = [\n    {sentences},\n]\n"
            f"labels = np.array({labels}, dtype=float)  # 1 = positive, 0 = negative\n"
            "# The vocabulary is the sorted set of words; a word's number is its place in it.\n"
            "vocabulary = sorted({word for sentence in sentences for word in sentence.split()})\n"
            "inputs = np.array([[vocabulary.index(word) for word in sentence.split()]\n"
            "                   for sentence in sentences])  # (sentences, words) word numbers\n"
            "names = sentences\n"
        )
    rows = [data_mod.image_rows(image) for image in data.inputs]
    images = ",\n    ".join("(" + ", ".join(text(r) for r in image) + ")" for image in rows)
    return (
        "# Each image is its rows of pixels: '#' = ink (1), ' ' = blank (0).\n"
        f"images = [\n    {images},\n]\n"
        f"labels = np.array({labels}, dtype=float)  # 1 = a single straight line\n"
        "inputs = np.array([[[1.0 if pixel == '#' else 0.0 for pixel in row] for row in image]\n"
        "                   for image in images])[..., None]  # (images, rows, columns, 1 channel)\n"
        "names = ['/'.join(image) for image in images]\n"
    )


def _settings_block(hp: Mapping[str, Any], weights: bool) -> str:
    lines = [
        f"seed = {whole(hp['seed'])}  # picks the first weights",
        f"init_scale = {number(hp['init_scale'])}  # their standard deviation",
        f"optimizer = {word(hp['optimizer'], OPTIMIZERS)}",
        f"learning_rate = {number(hp['learning_rate'])}",
        f"momentum = {number(hp['momentum'])}  # used by the momentum optimiser only",
        f"epochs = {whole(hp['epochs'])}  # full passes over the data, one update each",
    ]
    if weights:
        lines.append("# The page's model was trained: its weights are below, no training needed.")
    return "\n".join(lines) + "\n"


def _check_words(layers: tuple[LayerPlan, ...]) -> None:
    """Every word a layer carries is one the scripts know (nothing else reaches the code)."""
    for layer in layers:
        args = layer.arguments
        if layer.kind == "conv":
            word(args["padding"], PADDINGS)
        elif layer.kind == "activation":
            word(args["function"], tuple(ACTIVATIONS))
        elif layer.kind in ("global_pool", "pool"):
            word(args["kind"], POOL_KINDS)


def model_export(
    section: int,
    data: Data,
    hyperparameters: Mapping[str, Any],
    weights: Mapping[str, np.ndarray] | None = None,
) -> ModelExport:
    """Gather a model page's setup for the script writers.

    Parameters
    ----------
    section : {3, ..., 8}
    data : TextData or ImageData
    hyperparameters : mapping
        Every ``build_model`` keyword.
    weights : mapping, optional
        The trained model's ``named_parameters()``; None exports training from the seed.
    """
    spec = model_spec(section)
    text_model = spec.input_kind == "text"
    size = data.inputs.shape[1:2] if text_model else data.inputs.shape[1:3]
    vocabulary = len(data.vocabulary) if text_model else None
    plan = plan_spec(spec, dict(hyperparameters), tuple(size), vocabulary)
    _check_words(plan.layers)
    pads = {
        layer.name: tuple(
            ops.padding_amounts(n, k, s, layer.arguments["padding"])
            for n, k, s in zip(layer.input_shape[:-1], layer.arguments["kernel"],
                               layer.arguments["stride"], strict=True)
        )
        for layer in plan.layers
        if layer.kind == "conv"
    }  # fmt: skip
    named = None
    if weights is not None:
        named = {name: np.asarray(value, dtype=np.float64) for name, value in weights.items()}
        expected = [f"{layer.name}.{name}" for layer in plan.layers for name, _ in layer.parameters]
        if list(named) != expected:
            raise ValueError("the weights do not belong to this model")
    return ModelExport(
        section, spec.title, text_model, _data_block(data),
        _settings_block(plan.hyperparameters, named is not None), plan.layers, pads, named,
        plan.hyperparameters["optimizer"], int(plan.hyperparameters["epochs"]),
    )  # fmt: skip


def weights_block(export: ModelExport, constructor: str) -> str:
    """``trained = {...}``: every trained weight array by cnndemo's name, each made by
    ``constructor`` (``"np.array"`` or ``"torch.tensor"``)."""
    layouts = {f"{layer.name}.{name}": layout(layer, name)
               for layer in export.layers for name, _ in layer.parameters}  # fmt: skip
    items = [
        f"    {text(name)}: {constructor}(  # {layouts[name]}\n        {array(value, 8)}\n    ),"
        for name, value in export.weights.items()
    ]
    return "trained = {\n" + "\n".join(items) + "\n}\n"


def layout(layer: LayerPlan, parameter: str) -> str:
    """What the axes of a layer's weight array are, in cnndemo's (TensorFlow's) layout."""
    if parameter == "bias":
        return "(out,)" if layer.kind == "conv" else "(1,)"
    if layer.kind == "embedding":
        return "(words, size)"
    if layer.kind == "dense":
        return "(features, 1)"
    if len(layer.arguments["kernel"]) == 1:
        return "(taps, in, out)"
    return "(kernel rows, kernel columns, in, out)"


def shape_args(shape: tuple[int, ...]) -> str:
    """``2, 2, 1, 2``: a shape as the arguments of ``normal(...)``."""
    return ", ".join(whole(n) for n in shape)
