"""A model's shapes, worked out with integers before anything is allocated.

:func:`plan_model` walks a section's :class:`~cnndemo.model_specs.ModelSpec` with concrete
hyper-parameters, input size and vocabulary size, and gives each layer's arguments, output
shape, parameter shapes and window-matrix size for one example, using the same size rule as
the ops (:func:`cnndemo.ops.output_size`). It refuses, with a ValueError naming the value and
the bound, any model beyond the engine's bounds (:mod:`cnndemo.bounds`). Building a model
(:func:`cnndemo.models.build_model`) plans it first, so nothing is drawn or allocated for a
model that would not fit; a view can also read a model's shapes here without building it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cnndemo import bounds, ops
from cnndemo import data as data_mod
from cnndemo.hyperparameters import resolve
from cnndemo.model_specs import LayerSpec, ModelSpec, model_spec

__all__ = ["LayerPlan", "ModelPlan", "plan_model", "plan_spec"]

Shape = tuple[int, ...]


@dataclass(frozen=True)
class LayerPlan:
    """One layer with its concrete arguments and shapes (per example, batch axis left out).

    Attributes
    ----------
    name, kind : str
        As in the layer's :class:`~cnndemo.model_specs.LayerSpec`.
    arguments : dict
        Each argument's value; kernel, window and stride sizes as tuples, one entry per axis.
    input_shape, output_shape : tuple of int
        (length,) token ids, (length, size) or (height, width, channels) arrays, (features,).
    parameters : tuple of (name, shape) pairs
        In the order the layer holds them (weights are drawn in this order, biases start at 0).
    window_numbers : int
        Numbers in the layer's window matrix for one example (one row of kernel-sized taps per
        output position): 0 for layers without windows.
    """

    name: str
    kind: str
    arguments: dict[str, Any]
    input_shape: Shape
    output_shape: Shape
    parameters: tuple[tuple[str, Shape], ...] = ()
    window_numbers: int = 0

    @property
    def parameter_count(self) -> int:
        return sum(math.prod(shape) for _, shape in self.parameters)


@dataclass(frozen=True)
class ModelPlan:
    """A whole model's plan: the spec, the values used and every layer's shapes."""

    spec: ModelSpec
    hyperparameters: dict[str, Any]
    input_size: Shape
    vocabulary_size: int | None
    layers: tuple[LayerPlan, ...]

    @property
    def parameter_count(self) -> int:
        return sum(layer.parameter_count for layer in self.layers)


def _axes(value: int | Sequence[int], n: int) -> Shape:
    return (int(value),) * n if np.isscalar(value) else tuple(int(v) for v in value)


def _window_output(name: str, spatial: Shape, window: Shape, stride: Shape, padding: str) -> Shape:
    """Output size per axis by the ops' rule, naming the layer and axis when a window is too big."""
    axes = ("length",) if len(spatial) == 1 else ("height", "width")
    out = []
    for axis, n, k, s in zip(axes, spatial, window, stride, strict=True):
        try:
            out.append(ops.output_size(n, k, s, padding))
        except ValueError as error:
            raise ValueError(f"{name}, along the {axis}: {error}") from None
    return tuple(out)


def _embedding(spec: LayerSpec, args: dict, shape: Shape, vocabulary: int | None) -> tuple:
    if vocabulary is None or vocabulary < 1:
        raise ValueError(f"{spec.name} needs a vocabulary of at least one token")
    return (*shape, args["size"]), (("weights", (vocabulary, args["size"])),), 0


def _conv(spec: LayerSpec, args: dict, shape: Shape, vocabulary: int | None) -> tuple:
    spatial, channels = shape[:-1], shape[-1]
    args["kernel"] = _axes(args["kernel"], len(spatial))
    args["stride"] = _axes(args["stride"], len(spatial))
    out = _window_output(spec.name, spatial, args["kernel"], args["stride"], args["padding"])
    kernel = (*args["kernel"], channels, args["channels"])
    windows = math.prod(out) * math.prod(kernel[:-1])
    return (*out, args["channels"]), (("kernel", kernel), ("bias", (args["channels"],))), windows


def _pool(spec: LayerSpec, args: dict, shape: Shape, vocabulary: int | None) -> tuple:
    args["size"] = _axes(args["size"], 2)
    args["stride"] = _axes(args["stride"], 2)
    out = _window_output(spec.name, shape[:2], args["size"], args["stride"], "valid")
    return (*out, shape[-1]), (), math.prod(out) * math.prod(args["size"]) * shape[-1]


def _elementwise(spec: LayerSpec, args: dict, shape: Shape, vocabulary: int | None) -> tuple:
    return shape, (), 0


def _global_pool(spec: LayerSpec, args: dict, shape: Shape, vocabulary: int | None) -> tuple:
    return (shape[-1],), (), 0


def _flatten(spec: LayerSpec, args: dict, shape: Shape, vocabulary: int | None) -> tuple:
    return (math.prod(shape),), (), 0


def _dense(spec: LayerSpec, args: dict, shape: Shape, vocabulary: int | None) -> tuple:
    units = args["units"]
    return (units,), (("weights", (shape[-1], units)), ("bias", (units,))), 0


# Each rule takes (layer spec, its arguments, input shape, vocabulary size) and returns (output
# shape, parameter shapes, window numbers); it writes sizes per axis back into the arguments as
# tuples, so a plan's arguments are the values the layer is built with.
_SHAPE_RULES: dict[str, Callable[..., tuple]] = {
    "embedding": _embedding,
    "conv": _conv,
    "activation": _elementwise,
    "global_pool": _global_pool,
    "pool": _pool,
    "flatten": _flatten,
    "dense": _dense,
}


def _check_input(spec: ModelSpec, input_size: Any, vocabulary_size: int | None) -> Shape:
    text = spec.input_kind == "text"
    what = "(length,)" if text else "(height, width)"
    if (
        not isinstance(input_size, Sequence | np.ndarray)
        or len(input_size) != spec.spatial_axes
        or not all(
            isinstance(n, int | np.integer) and not isinstance(n, bool) and n >= 1
            for n in input_size
        )
    ):
        raise ValueError(f"input_size must be {what}; got {input_size!r}")
    size = tuple(int(n) for n in input_size)
    if max(size) > bounds.MAX_INPUT_SIDE:
        raise ValueError(
            f"input_size {list(size)} has a side of {max(size)}, above the engine's bound of "
            f"{bounds.MAX_INPUT_SIDE}"
        )
    if text and vocabulary_size is not None and vocabulary_size > bounds.MAX_VOCABULARY:
        raise ValueError(
            f"the vocabulary has {vocabulary_size} tokens, above the engine's bound of "
            f"{bounds.MAX_VOCABULARY}"
        )
    return size


def _check_numbers(what: str, numbers: int, shape: Shape | None = None) -> None:
    if numbers > bounds.MAX_ACTIVATIONS:
        shown = "" if shape is None else f"{'x'.join(map(str, shape))} = "
        raise ValueError(
            f"{what} would hold {shown}{numbers:,} numbers per example, above the engine's "
            f"bound of {bounds.MAX_ACTIVATIONS:,}"
        )


def plan_spec(
    spec: ModelSpec,
    hyperparameters: dict[str, Any],
    input_size: Sequence[int],
    vocabulary_size: int | None = None,
) -> ModelPlan:
    """Plan a spec with hyper-parameters already checked (as :func:`resolve` returns them).

    Raises
    ------
    ValueError
        A bad input size, a window larger than its input, or a model beyond the engine's bounds.
    """
    size = _check_input(spec, input_size, vocabulary_size)
    shape: Shape = size if spec.input_kind == "text" else (*size, 1)
    _check_numbers("the input", math.prod(shape), shape)
    layers, parameters = [], 0
    for layer_spec in spec.layers:
        args = layer_spec.arguments(hyperparameters)
        rule = _SHAPE_RULES[layer_spec.kind]
        out, params, windows = rule(layer_spec, args, shape, vocabulary_size)
        plan = LayerPlan(layer_spec.name, layer_spec.kind, args, shape, out, params, windows)
        _check_numbers(f"the output of {plan.name}", math.prod(out), out)
        _check_numbers(f"the window matrix of {plan.name}", windows)
        parameters += plan.parameter_count
        if parameters > bounds.MAX_PARAMETERS:
            raise ValueError(
                f"the model would hold {parameters:,} parameters or more ({plan.name} alone "
                f"{plan.parameter_count:,}), above the engine's bound of "
                f"{bounds.MAX_PARAMETERS:,}"
            )
        layers.append(plan)
        shape = out
    return ModelPlan(spec, hyperparameters, size, vocabulary_size, tuple(layers))


def plan_model(
    section: int,
    *,
    vocabulary_size: int | None = None,
    input_size: Sequence[int] | None = None,
    **hyperparameters: Any,
) -> ModelPlan:
    """The plan of a section's model, as :func:`cnndemo.models.build_model` would build it.

    Parameters
    ----------
    section : {3, 4, 5, 6, 7, 8}
    vocabulary_size : int, optional
        Text sections: rows of the embedding; defaults to the tutorial vocabulary's.
    input_size : sequence of int, optional
        (length,) for text, (height, width) for images; defaults to the tutorial data's.
    **hyperparameters
        Any key of :func:`cnndemo.hyperparameters.default_hyperparameters` (None keeps the
        default).

    Raises
    ------
    ValueError
        Unknown hyper-parameter, invalid value, or a model the input or the bounds rule out.
    """
    spec = model_spec(section)
    hp = resolve(spec, hyperparameters)
    if spec.input_kind == "text" and vocabulary_size is None:
        vocabulary_size = len(data_mod.build_vocabulary(data_mod.TEXT_SENTENCES))
    size = spec.input_size if input_size is None else input_size
    return plan_spec(spec, hp, size, vocabulary_size)
