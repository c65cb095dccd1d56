"""What a page shows for a setup, computed by the engine: the numbers checks are made on.

``outcome(page, tab, state, actions)`` computes, for a page's decoded link state,

- on a convolution or pooling tab, its output (``output_of(kind, state)``, the batch axis
  dropped): page 1's (positions, out) or the scalar tab's (positions,), page 2's
  (rows, columns, out) or the picture's feature map (rows, columns) after its activation, page
  8's pooled grid (rows, columns, channels);
- on a training tab, the run the actions make (``app.core.run_actions.replay``; by default one Train click
  with the page's epochs): the engine's ``TrainResult`` with its final snapshot.

A page that already has the numbers builds its ``Outcome`` directly (``Outcome(page, tab,
state, output=...)`` or ``run=`` its current, not stale, run): a ``TrainingRun`` has the same
``final``, ``data``, ``model`` and ``hyperparameters``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.model_page_setups import model_setup
from app.core.page_setups import page_setup
from app.core.pictures import builtin_picture
from app.core.presets import apply_activation
from app.core.run_actions import Action, replay
from cnndemo import ops
from cnndemo.train import train

PICTURE_SIZE = 64
"""Side of page 2's built-in picture (``app.core.pictures.builtin_picture``)."""


@dataclass
class Outcome:
    """A page's numbers for one setup.

    Attributes
    ----------
    page, tab : str
        As in ``app.core.page_setups``.
    state : dict
        The page's link state.
    output : ndarray or None
        A convolution or pooling tab's output (see the module docstring for its shape).
    run : TrainResult, TrainingRun or None
        A training tab's run: ``final`` (its ``Snapshot``), ``data``, ``model``.
    error : str or None
        Why there are no numbers (a kernel larger than the input, a model never trained).
    """

    page: str
    tab: str
    state: dict[str, Any]
    output: np.ndarray | None = None
    run: Any = None
    error: str | None = None


def picture() -> np.ndarray:
    """Page 2's built-in picture, (64, 64) greys in 0..255."""
    return builtin_picture(PICTURE_SIZE)


def output_of(kind: str, state: Mapping[str, Any]) -> np.ndarray:
    """The output a convolution or pooling tab shows (batch axis dropped).

    Parameters
    ----------
    kind : {"conv1d", "conv1d_scalar", "conv2d", "picture", "pool2d"}
    state : mapping
        The page's link state.

    Raises
    ------
    ValueError
        The engine's message when the kernel or window does not fit.
    """
    if kind == "conv1d":
        return ops.conv1d(state["x"][None], state["k"], state["s"], state["p"], state["d"])[0]
    if kind == "conv1d_scalar":
        v, w = state["v"], state["w"]
        return ops.conv1d(v[None, :, None], w[:, None, None], state["vs"], state["vp"])[0, :, 0]
    if kind == "conv2d":
        stride = (state["sy"], state["sx"])
        return ops.conv2d(state["x"][None], state["k"], stride, state["p"], state["d"])[0]
    if kind == "picture":
        kernel = state["ik"][:, :, None, None]
        feature = ops.conv2d(picture()[None, :, :, None], kernel, state["is"], state["ip"])
        return apply_activation(state["act"], feature[0, :, :, 0])
    if kind == "pool2d":
        size, stride = (state["ky"], state["kx"]), (state["sy"], state["sx"])
        return ops.pool2d(state["x"][None], size, stride, state["k"], state["p"])[0]
    if kind == "gradients":
        raise ValueError("the Gradients tab shows gradients, not an output to check")
    raise ValueError(f"no output for a tab of kind {kind!r}")


def default_actions(state: Mapping[str, Any]) -> tuple[Action, ...]:
    """One Train click with the page's epochs."""
    return (Action("train", int(state["ep"])),)


def outcome(
    page: str,
    tab: str | None,
    state: Mapping[str, Any],
    actions: Sequence[Action] | None = None,
    weights: np.ndarray | None = None,
) -> Outcome:
    """The page's numbers for ``state`` on ``tab`` (the first tab when None).

    On a training tab the run is replayed from ``actions`` (one Train click by default) or
    ``weights``; the engine's refusals become ``Outcome.error`` instead of an exception.
    """
    setup = page_setup(page)
    tab_spec = setup.tab(tab)
    result = Outcome(page, tab_spec.word, dict(state))
    try:
        if tab_spec.kind == "model":
            section, data, hp = model_setup(page, state)
            if actions is None and weights is None:
                actions = default_actions(state)
            model, _ = replay(section, data, hp, actions or (), weights)
            # No update: the trained model's state on the data (its final snapshot).
            result.run = train(model, data, epochs=0)
        else:
            result.output = output_of(tab_spec.kind, state)
    except ValueError as error:
        result.error = str(error)
    return result
