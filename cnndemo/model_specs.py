"""The six tutorial models (sections 3-8), each described by its layers.

============  ==============================================================================
section 3     embedding -> conv1d -> activation -> global pool (max/min/avg) -> dense
section 4     embedding -> conv1d -> activation -> flatten -> dense
section 5     conv2d -> activation -> global pool -> dense
section 6     conv2d -> activation -> flatten -> dense
section 7     conv2d -> activation -> conv2d -> activation -> flatten -> dense
section 8     conv2d -> activation -> pool2d (window, stride, kind) -> flatten -> dense
============  ==============================================================================

A :class:`ModelSpec` lists a model's layers in order; each :class:`LayerSpec` names the
hyper-parameter that feeds each of its arguments, or fixes the argument to a constant. Nothing
here allocates: :mod:`cnndemo.model_plan` turns a spec and hyper-parameters into shapes,
:func:`cnndemo.models.build_model` into layers with weights. Read a model's structure here
without building it::

    >>> [layer.name for layer in model_spec(8).layers]
    ['conv1', 'activation1', 'pool', 'flatten', 'dense']
    >>> model_spec(8).layers[2].feeds
    (('size', 'pool_size'), ('stride', 'pool_stride'), ('kind', 'pool'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral
from typing import Any

__all__ = [
    "IMAGE_SECTIONS",
    "LAYER_ARGUMENTS",
    "SECTIONS",
    "SECTION_TITLES",
    "SPECS",
    "TEXT_SECTIONS",
    "LayerSpec",
    "ModelSpec",
    "layer",
    "model_spec",
]

LAYER_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "embedding": ("size",),
    "conv": ("channels", "kernel", "stride", "padding"),
    "activation": ("function",),
    "global_pool": ("kind",),
    "pool": ("size", "stride", "kind"),
    "flatten": (),
    "dense": ("units",),
}
"""The arguments of each layer kind, every one fed by a hyper-parameter or fixed:

- ``embedding``: ``size`` of each token's vector (its rows follow the vocabulary);
- ``conv``: output ``channels``, ``kernel`` size and ``stride`` per axis, ``padding``
  ("valid"/"same"); its input channels are the previous layer's;
- ``activation``: ``function`` ("sigmoid"/"relu"/"tanh");
- ``global_pool``: ``kind`` ("max"/"min"/"avg") over every position;
- ``pool``: window ``size`` and ``stride`` per axis, ``kind`` (VALID padding);
- ``flatten``: none;
- ``dense``: ``units``, the number of outputs (one logit in every tutorial model).
"""


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a model: its kind, its name in the model, and where its arguments come from.

    Attributes
    ----------
    kind : str
        A key of :data:`LAYER_ARGUMENTS`.
    name : str
        The layer's name in :attr:`cnndemo.models.Model.layer_names` (``"conv1"``, ...).
    feeds : tuple of (argument, hyper-parameter) pairs
        The hyper-parameter whose value each of these arguments takes.
    fixed : tuple of (argument, value) pairs
        Arguments no hyper-parameter changes.
    """

    kind: str
    name: str
    feeds: tuple[tuple[str, str], ...] = ()
    fixed: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in LAYER_ARGUMENTS:
            raise ValueError(
                f"layer kind must be one of {list(LAYER_ARGUMENTS)}; got {self.kind!r}"
            )
        given = sorted(arg for arg, _ in self.feeds + self.fixed)
        if given != sorted(LAYER_ARGUMENTS[self.kind]):
            raise ValueError(
                f"a {self.kind} layer takes {list(LAYER_ARGUMENTS[self.kind])}, each fed or "
                f"fixed once; {self.name} gives {given}"
            )

    @property
    def hyperparameters(self) -> tuple[str, ...]:
        """The hyper-parameters feeding this layer, in argument order."""
        return tuple(hp for _, hp in self.feeds)

    def arguments(self, hyperparameters: Mapping[str, Any]) -> dict[str, Any]:
        """Every argument's value: fed ones read from ``hyperparameters``, fixed ones as given."""
        values = dict(self.fixed)
        values.update({arg: hyperparameters[hp] for arg, hp in self.feeds})
        return {arg: values[arg] for arg in LAYER_ARGUMENTS[self.kind]}


def layer(
    kind: str, name: str, /, fixed: Mapping[str, Any] | None = None, **feeds: str
) -> LayerSpec:
    """A :class:`LayerSpec` written as ``layer("conv", "conv1", channels="channels", ...)``."""
    return LayerSpec(kind, name, tuple(feeds.items()), tuple((fixed or {}).items()))


@dataclass(frozen=True)
class ModelSpec:
    """A tutorial model: what it reads, its layers in order, and its reference training length.

    Attributes
    ----------
    section : int
    title : str
    input_kind : {"text", "image"}
        Text models read token ids (batch, length); image models grey images
        (batch, height, width, 1).
    input_size : tuple of int
        The tutorial data's size: (length,) for text, (height, width) for images.
    epochs : int
        The tutorial's reference number of epochs.
    layers : tuple of LayerSpec
        In forward order; weights are drawn in this order.
    """

    section: int
    title: str
    input_kind: str
    input_size: tuple[int, ...]
    epochs: int
    layers: tuple[LayerSpec, ...]

    @property
    def spatial_axes(self) -> int:
        """1 for text (a sentence is a row of tokens), 2 for images."""
        return 1 if self.input_kind == "text" else 2

    @property
    def layer_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.layers)

    def first(self, kind: str) -> LayerSpec | None:
        """The first layer of this kind, or None."""
        return next((spec for spec in self.layers if spec.kind == kind), None)

    @property
    def first_conv(self) -> LayerSpec:
        """The convolution that reads the input: its windows are the ones the pages show."""
        return self.first("conv")

    @property
    def any_input_size(self) -> bool:
        """Whether the head pools globally, so the dense layer's size does not depend on the
        input size and the model takes any input the convolutions accept."""
        return all(spec.kind != "flatten" for spec in self.layers)

    @property
    def layer_hyperparameters(self) -> tuple[str, ...]:
        """The hyper-parameters the layers read, each once, in layer order."""
        names = [hp for spec in self.layers for hp in spec.hyperparameters]
        return tuple(dict.fromkeys(names))


_DENSE = layer("dense", "dense", fixed={"units": 1})
_EMBEDDED_CONV = (
    layer("embedding", "embedding", size="embedding_size"),
    layer(
        "conv",
        "conv1",
        channels="channels",
        kernel="kernel_size",
        stride="conv_stride",
        padding="padding",
    ),
    layer("activation", "activation1", function="activation"),
)
_IMAGE_CONV = _EMBEDDED_CONV[1:]
_TWO_IMAGE_CONVS = _IMAGE_CONV + (
    layer(
        "conv",
        "conv2",
        fixed={"stride": 1},
        channels="second_channels",
        kernel="second_kernel_size",
        padding="padding",
    ),
    layer("activation", "activation2", function="activation"),
)
_DOWNSAMPLED = _IMAGE_CONV + (
    layer("pool", "pool", size="pool_size", stride="pool_stride", kind="pool"),
)
_POOLED_HEAD = (layer("global_pool", "pool", kind="pool"), _DENSE)
_FLAT_HEAD = (layer("flatten", "flatten"), _DENSE)
# The tutorial's data: four-token sentences and 3 x 3 images.
_TEXT: dict[str, Any] = {"input_kind": "text", "input_size": (4,), "epochs": 1000}
_IMAGE: dict[str, Any] = {"input_kind": "image", "input_size": (3, 3), "epochs": 2000}

SPECS: dict[int, ModelSpec] = {
    spec.section: spec
    for spec in (
        ModelSpec(3, "CNN 1D pooled", layers=_EMBEDDED_CONV + _POOLED_HEAD, **_TEXT),
        ModelSpec(4, "CNN 1D fully connected", layers=_EMBEDDED_CONV + _FLAT_HEAD, **_TEXT),
        ModelSpec(5, "CNN 2D pooled", layers=_IMAGE_CONV + _POOLED_HEAD, **_IMAGE),
        ModelSpec(6, "CNN 2D fully connected", layers=_IMAGE_CONV + _FLAT_HEAD, **_IMAGE),
        ModelSpec(
            7, "CNN 2D fully connected, 2 layers", layers=_TWO_IMAGE_CONVS + _FLAT_HEAD, **_IMAGE
        ),
        ModelSpec(8, "CNN 2D down sampled", layers=_DOWNSAMPLED + _FLAT_HEAD, **_IMAGE),
    )
}
"""Every tutorial model by section."""

SECTIONS = tuple(SPECS)
TEXT_SECTIONS = tuple(s for s, spec in SPECS.items() if spec.input_kind == "text")
IMAGE_SECTIONS = tuple(s for s, spec in SPECS.items() if spec.input_kind == "image")
SECTION_TITLES = {s: spec.title for s, spec in SPECS.items()}


def model_spec(section: int) -> ModelSpec:
    """The spec of a section's model.

    Raises
    ------
    ValueError
        ``section`` is not one of :data:`SECTIONS`.
    """
    if isinstance(section, bool) or not isinstance(section, Integral) or section not in SPECS:
        raise ValueError(f"models exist for sections {list(SECTIONS)}; got section {section!r}")
    return SPECS[int(section)]
