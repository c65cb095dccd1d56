"""A training page's trained state, rebuilt from what was done: the seed, then the actions.

Training is deterministic (``cnndemo.models.build_model`` draws every weight from
``numpy.random.default_rng(seed)`` in layer order; ``cnndemo.train.train`` is full-batch), so
a trained model is fully described by its setup and the training actions that made it:

- ``Action("train", n)``: a fresh model from the seed and a fresh optimiser, then ``n`` epochs
  (the Train button);
- ``Action("continue", n)``: ``n`` more epochs of the same model with the same optimiser (its
  momentum or Adam moments kept), exactly as if the last run had asked for more epochs;
- ``Action("step", n)``: ``n`` single epochs one click at a time: the same numbers as
  ``continue``, kept apart because the page shows each step.

Hand-typed weights are a starting point instead of the seed: ``replay(..., weights=flat)``
starts from them (with a fresh optimiser) and applies the actions (``continue``/``step`` only).

``replay`` returns the engine's ``TrainResult`` of the whole history: ``errors`` of every epoch
in order, ``final`` the state after the last update (``final.epoch`` counts every update since
the fresh model or the typed weights).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core import limits
from app.core.training_jobs import Data, build_for_data
from cnndemo.optim import make_optimizer
from cnndemo.train import TrainResult, train

KINDS = ("train", "continue", "step")


@dataclass(frozen=True)
class Action:
    """One training action: ``kind`` (one of ``KINDS``) and its number of epochs (>= 1)."""

    kind: str
    epochs: int

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a training action is one of {', '.join(KINDS)}; got {self.kind!r}")
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int | np.integer):
            raise ValueError(f"{self.kind}: the epochs must be a whole number")
        if not 1 <= self.epochs <= limits.MAX_EPOCHS:
            raise ValueError(
                f"{self.kind} {self.epochs}: each action trains 1..{limits.MAX_EPOCHS} epochs"
            )


def check_actions(actions: Sequence[Action], typed_weights: bool = False) -> list[str]:
    """Problems with a sequence of actions (empty when it can be replayed).

    Without typed weights the first action must be ``train`` (a model starts from its seed);
    with them there is no ``train`` (it would throw the weights away). At most
    ``limits.MAX_ACTIONS`` actions and ``limits.MAX_REPLAY_EPOCHS`` epochs in all.
    """
    problems = []
    if len(actions) > limits.MAX_ACTIONS:
        problems.append(f"{len(actions)} training actions; at most {limits.MAX_ACTIONS}")
    total = sum(action.epochs for action in actions)
    if total > limits.MAX_REPLAY_EPOCHS:
        problems.append(
            f"{total} epochs of training in all; a link replays at most {limits.MAX_REPLAY_EPOCHS}"
        )
    trains = [i for i, action in enumerate(actions) if action.kind == "train"]
    if typed_weights and trains:
        problems.append("typed weights are followed by continue or step only, not train")
    if not typed_weights and actions and trains[:1] != [0]:
        problems.append("the training history must start with train")
    return problems


def since_last_train(actions: Sequence[Action]) -> tuple[Action, ...]:
    """The actions that still matter: a Train click starts afresh, forgetting the ones before."""
    starts = [i for i, action in enumerate(actions) if action.kind == "train"]
    return tuple(actions[starts[-1] :] if starts else actions)


def replay(
    section: int,
    data: Data,
    hyperparameters: Mapping[str, Any],
    actions: Sequence[Action],
    weights: np.ndarray | None = None,
) -> TrainResult:
    """Redo ``actions`` on a section's model and return the whole history.

    Parameters
    ----------
    section : {3, ..., 8}
    data : TextData or ImageData
        The page's training data.
    hyperparameters : mapping
        Every ``build_model`` keyword (``model_page_setups.model_setup`` gives them).
    actions : sequence of Action
        See ``check_actions``; none with typed weights gives their state on ``data``.
    weights : ndarray of shape (parameters,), optional
        Hand-typed weights laid out as ``Model.parameters``: the starting point instead of the
        seed.

    Returns
    -------
    TrainResult
        ``errors`` of every epoch since the start, ``final`` after the last update (its
        ``epoch`` the total number of updates), ``model`` the trained model.

    Raises
    ------
    ValueError
        Bad actions (``check_actions``), weights of the wrong size, or a setup the engine
        refuses.
    """
    actions = since_last_train(actions) if weights is None else tuple(actions)
    problems = check_actions(actions, typed_weights=weights is not None)
    if not actions and weights is None:
        problems.append("no training action to replay")
    if problems:
        raise ValueError("; ".join(problems))
    hp = dict(hyperparameters)
    model = build_for_data(section, data, hp)
    if weights is not None:
        flat = np.asarray(weights, dtype=np.float64).reshape(-1)
        if flat.shape != model.parameters.shape:
            raise ValueError(
                f"this model has {model.parameters.size} weights; {flat.size} were given"
            )
        model.set_parameters(flat)
    optimizer = make_optimizer(hp["optimizer"], hp["learning_rate"], hp["momentum"])
    errors: list[float] = []
    final = None
    for action in actions:
        result = train(model, data, epochs=action.epochs, optimizer=optimizer)
        errors.extend(result.errors)
        final = result.final
    if final is None:  # typed weights, no training: their state on the data
        final = train(model, data, epochs=0).final
    final.epoch = len(errors)
    return TrainResult(model, data, errors, [final], final)
