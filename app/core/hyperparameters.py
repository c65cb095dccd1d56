"""The training pages' hyper-parameter controls (sections 3-8), each declared once.

A declaration's key is the hyper-parameter's ``build_model`` name; ``training_controls(prefix,
section, extras)`` binds the common controls and a page's extras to the training panel's keys
(``hp_key(prefix, name)`` = ``"{prefix}.tp.hp.{name}"``) with the engine's defaults for the
section (``cnndemo.models.default_hyperparameters``). Every training page's link uses the same
fields for the same hyper-parameter: lr, mom, opt, init, ep, seed, act, ch, pool, em, ch2.
Where a bound differs between the text pages (3-4) and the image pages (5-8) it is declared
twice, once per page group (``TEXT_CHANNELS``, ``IMAGE_CHANNELS``); the numbers are in
``app.core.limits``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core import limits
from app.core.controls import Control, Controls
from cnndemo.layers import ACTIVATIONS, POOL_KINDS
from cnndemo.models import default_hyperparameters
from cnndemo.optim import OPTIMIZERS

LEARNING_RATE = Control(
    "learning_rate", "lr", "learning rate", "float",
    low=limits.MIN_LEARNING_RATE, high=limits.MAX_LEARNING_RATE, step=0.1, format="%.4g",
    help="How far each update moves the weights along the gradient",
)  # fmt: skip
MOMENTUM = Control(
    "momentum", "mom", "momentum", "float", low=0.0, high=limits.MAX_MOMENTUM, step=0.05,
    format="%.2f",
    help="accumulator = momentum × accumulator + gradient (TensorFlow's rule); "
    "only the momentum optimiser uses it",
)  # fmt: skip
OPTIMIZER_LABELS = {
    "momentum": "gradient descent with momentum",
    "sgd": "plain gradient descent",
    "adam": "Adam",
}
OPTIMIZER = Control(
    "optimizer", "opt", "optimiser", "choice", options=tuple(OPTIMIZERS),
    option_labels=tuple(OPTIMIZER_LABELS[name] for name in OPTIMIZERS),
    widget="select", help="Adam adapts the step per weight; try learning rate 0.05 with it",
)  # fmt: skip
EPOCHS = Control(
    "epochs", "ep", "epochs", "int", low=1, high=limits.MAX_EPOCHS, step=100,
    help=f"Full passes over the data (at most {limits.MAX_EPOCHS})",
)  # fmt: skip
SEED = Control(
    "seed", "seed", "seed", "int", low=0, high=limits.MAX_SEED, step=1,
    help="Picks the random first weights: same seed, same run",
)  # fmt: skip
INIT_SCALE = Control(
    "init_scale", "init", "init scale", "float",
    low=limits.MIN_INIT_SCALE, high=limits.MAX_INIT_SCALE, step=0.01, format="%.4g",
    help="Standard deviation of the normal distribution the first weights come from",
)  # fmt: skip
COMMON = (LEARNING_RATE, MOMENTUM, OPTIMIZER, INIT_SCALE, EPOCHS, SEED)
"""The hyper-parameters every training page shows, in the order they are drawn."""

ACTIVATION = Control(
    "activation", "act", "activation", "choice", options=tuple(ACTIVATIONS), widget="radio"
)
POOL = Control(
    "pool", "pool", "pooling over positions", "choice", options=tuple(POOL_KINDS), widget="radio"
)
TEXT_CHANNELS = Control(
    "channels", "ch", "conv channels", "int", low=limits.MIN_TEXT_CHANNELS,
    high=limits.MAX_CHANNELS, step=1,
    help="Output vectors of the convolution (the plots show two of them)",
)  # fmt: skip
IMAGE_CHANNELS = Control("channels", "ch", "conv channels", "int", low=1,
                         high=limits.MAX_IMAGE_CHANNELS, help="Length of each region's vector")  # fmt: skip
SECOND_CHANNELS = Control(
    "second_channels", "ch2", "layer 2 channels", "int", low=1,
    high=limits.MAX_IMAGE_CHANNELS, step=1,
)  # fmt: skip
EMBEDDING_SIZE = Control(
    "embedding_size", "em", "embedding size", "int", low=1, high=limits.MAX_EMBEDDING, step=1,
    help="Numbers per word",
)  # fmt: skip


def text_extras(pool: bool) -> tuple[Control, ...]:
    """The text pages' own controls (sections 3-4); section 3 (``pool``) adds the pooling."""
    extras = (
        ACTIVATION.worded("activation after the conv",
                          "The tutorial uses sigmoid: the vectors then live in the unit square"),
        EMBEDDING_SIZE,
        TEXT_CHANNELS,
    )  # fmt: skip
    if pool:
        return (POOL.worded(help="max = ANY bigram fires, min = ALL fire, avg = on average"),
                *extras)  # fmt: skip
    return extras


def hp_key(prefix: str, name: str) -> str:
    """Widget key of hyper-parameter ``name`` in training panel ``prefix``."""
    return f"{prefix}.tp.hp.{name}"


@dataclass(frozen=True)
class TrainingControls:
    """A training page's hyper-parameter controls, bound to its panel ``prefix``.

    ``common`` are drawn in a grid, ``extras`` (the section's own) in a row below.
    """

    prefix: str
    section: int
    common: Controls
    extras: Controls

    @property
    def all(self) -> Controls:
        return self.common + self.extras

    def hyperparameters(self, session: Mapping[str, Any]) -> dict[str, Any]:
        """Every hyper-parameter of the section for ``build_model``: the engine's defaults with
        the controls' values (clamped) filled in."""
        return default_hyperparameters(self.section) | self.all.values(session)


def training_controls(
    prefix: str, section: int, extras: Sequence[Control] = ()
) -> TrainingControls:
    """The common controls and ``extras`` under panel ``prefix``, defaults from the engine."""
    defaults = default_hyperparameters(section)

    def bind(controls: Sequence[Control]) -> Controls:
        return Controls(
            tuple(c.bound(hp_key(prefix, c.name), defaults.get(c.name)) for c in controls)
        )

    return TrainingControls(prefix, section, bind(COMMON), bind(extras))
