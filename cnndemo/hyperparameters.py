"""Hyper-parameters: what each one accepts, its default, and which ones a section's model takes.

Every model takes the training ones (``learning_rate``, ``momentum``, ``optimizer``,
``init_scale``, ``epochs``, ``seed``) and those its layers read (see
:attr:`cnndemo.model_specs.ModelSpec.layer_hyperparameters`). Each value is checked where it
enters, against the engine's bounds in :mod:`cnndemo.bounds`, with the value and the limit in
the message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cnndemo import bounds
from cnndemo.layers import ACTIVATIONS, POOL_KINDS
from cnndemo.model_specs import ModelSpec, model_spec
from cnndemo.optim import OPTIMIZERS

__all__ = [
    "HYPERPARAMETERS",
    "TRAINING",
    "HyperParameter",
    "check",
    "default_hyperparameters",
    "resolve",
    "section_hyperparameters",
]


@dataclass(frozen=True)
class HyperParameter:
    """One hyper-parameter and the values it accepts.

    Attributes
    ----------
    name : str
    kind : {"choice", "number", "fraction", "integer", "size"}
        ``choice``: one of ``options``. ``number``: a finite float in (0, high].
        ``fraction``: a float in [0, 1). ``integer``: an int in [low, high]. ``size``: an int in
        [1, high] per spatial axis: one int for text models, ``[rows, columns]`` for image
        models (one int there means the same on both axes).
    default : object
        For sizes, the value on each axis. None: the section's spec gives it (``epochs``).
    low, high : number
        Bounds for integers, numbers and sizes.
    options : tuple of str
        For choices.
    """

    name: str
    kind: str
    default: Any
    low: int = 1
    high: float = 0
    options: tuple[str, ...] = ()

    def check(self, value: Any, spatial_axes: int = 1) -> Any:
        """The value in its canonical form (float, int, [int, int]), or a ValueError."""
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.options:
                raise ValueError(f"{self.name} must be one of {list(self.options)}; got {value!r}")
            return value
        if self.kind == "size":
            return self._size(value, spatial_axes)
        if self.kind == "integer":
            return self._integer(value)
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise ValueError(f"{self.name} must be a number; got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{self.name} must be finite; got {value!r}")
        if self.kind == "fraction":
            if not 0 <= value < 1:
                raise ValueError(f"{self.name} must be a number in [0, 1); got {value!r}")
        elif not 0 < value <= self.high:
            raise ValueError(
                f"{self.name} must be a positive number at most {self.high:g} (the engine's "
                f"bound); got {value!r}"
            )
        return float(value)

    def _integer(self, value: Any, name: str | None = None) -> int:
        name = name or self.name
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < self.low:
            sign = "non-negative" if self.low == 0 else "positive"
            raise ValueError(f"{name} must be a {sign} integer; got {value!r}")
        if value > self.high:
            raise ValueError(f"{name} is {value}, above the engine's bound of {self.high}")
        return int(value)

    def _size(self, value: Any, spatial_axes: int) -> int | list[int]:
        if spatial_axes == 1:
            return self._integer(value)
        if isinstance(value, int | np.integer) and not isinstance(value, bool):
            value = [value, value]
        if not isinstance(value, list | tuple | np.ndarray) or len(value) != 2:
            raise ValueError(f"{self.name} must be an integer or [rows, columns]; got {value!r}")
        return [self._integer(v) for v in value]


def _size(name: str, default: int, high: int) -> HyperParameter:
    return HyperParameter(name, "size", default, high=high)


def _count(name: str, default: int | None, high: int, low: int = 1) -> HyperParameter:
    return HyperParameter(name, "integer", default, low=low, high=high)


HYPERPARAMETERS: dict[str, HyperParameter] = {
    p.name: p
    for p in (
        HyperParameter("activation", "choice", "sigmoid", options=tuple(ACTIVATIONS)),
        HyperParameter("learning_rate", "number", 1.0, high=bounds.MAX_LEARNING_RATE),
        HyperParameter("momentum", "fraction", 0.9),
        HyperParameter("optimizer", "choice", "momentum", options=tuple(OPTIMIZERS)),
        HyperParameter("init_scale", "number", 0.01, high=bounds.MAX_INIT_SCALE),
        _count("seed", 0, bounds.MAX_SEED, low=0),
        _count("channels", 2, bounds.MAX_CHANNELS),
        _size("conv_stride", 1, bounds.MAX_STRIDE),
        HyperParameter("padding", "choice", "valid", options=("valid", "same")),
        _count("epochs", None, bounds.MAX_EPOCHS, low=0),
        _count("embedding_size", 2, bounds.MAX_CHANNELS),
        _size("kernel_size", 2, bounds.MAX_KERNEL),
        HyperParameter("pool", "choice", "max", options=POOL_KINDS),
        _count("second_channels", 2, bounds.MAX_CHANNELS),
        _size("second_kernel_size", 2, bounds.MAX_KERNEL),
        _size("pool_size", 2, bounds.MAX_KERNEL),
        _size("pool_stride", 2, bounds.MAX_STRIDE),
    )
}
"""Every hyper-parameter, in the order model files and reports list them."""

TRAINING = ("learning_rate", "momentum", "optimizer", "init_scale", "epochs", "seed")
"""Hyper-parameters of training and initialisation, which every model takes."""


def section_hyperparameters(spec: ModelSpec) -> tuple[str, ...]:
    """The names a model takes: the training ones and those its layers read."""
    taken = set(TRAINING) | set(spec.layer_hyperparameters)
    return tuple(name for name in HYPERPARAMETERS if name in taken)


def check(name: str, value: Any, spatial_axes: int = 1) -> Any:
    """``value`` checked as hyper-parameter ``name`` (see :class:`HyperParameter`)."""
    return HYPERPARAMETERS[name].check(value, spatial_axes)


def default_hyperparameters(section: int) -> dict[str, Any]:
    """The reference hyper-parameters of a section: every argument :func:`build_model` takes.

    Keys (all sections): ``activation`` ("sigmoid"/"relu"/"tanh"), ``learning_rate``,
    ``momentum``, ``optimizer`` ("momentum"/"sgd"/"adam"), ``init_scale``, ``epochs``, ``seed``,
    ``channels``, ``kernel_size``, ``conv_stride``, ``padding`` ("valid"/"same"). Sections 3-4
    add ``embedding_size``; 3, 5 and 8 add ``pool`` ("max"/"min"/"avg"); 7 adds
    ``second_channels`` and ``second_kernel_size``; 8 adds ``pool_size`` and ``pool_stride``.
    2D sizes and strides are ``[rows, columns]`` lists.
    """
    spec = model_spec(section)
    params: dict[str, Any] = {}
    for name in section_hyperparameters(spec):
        param = HYPERPARAMETERS[name]
        value = spec.epochs if name == "epochs" else param.default
        if param.kind == "size" and spec.spatial_axes == 2:
            value = [value, value]
        params[name] = value
    return params


def resolve(spec: ModelSpec, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The section's defaults updated with ``overrides`` (None means default), each checked.

    Raises
    ------
    ValueError
        A name the section does not take, or a value out of its range.
    """
    hp = default_hyperparameters(spec.section)
    given = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(given) - set(hp)
    if unknown:
        raise ValueError(
            f"section {spec.section} has no hyper-parameter(s) {sorted(unknown)}; "
            f"it takes {sorted(hp)}"
        )
    hp.update(given)
    return {name: check(name, value, spec.spatial_axes) for name, value in hp.items()}
