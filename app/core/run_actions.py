"""A run as a lab notebook: start it, continue or step it, look back, rewind, replay.

A training run (``app.core.training_jobs.TrainingRun``) is its first weights (drawn from the
seed, or given: typed by hand, loaded from a file) plus the actions applied to them
(``Action``: train, continue, step, rewind). Every action trains the same model with the same
optimiser on the same data, and chunked training equals one long run, so the weights after any
sequence of actions are those of one uninterrupted run of ``run_length(actions)`` epochs from
the first weights: ``replay`` rebuilds them exactly (bit for bit), which an exact share link can
do later. A rewind needs no replay: the run keeps the optimiser's state at every snapshot.

- ``new_job(section, data, hp, fp, watch, start=None, start_label="seed")``: Train (from the
  seed, or from the weights ``start``).
- ``continue_job(run, epochs, kind, watch)``: Continue / Step from the run's last state.
- ``can_continue(run, epochs) -> str``: why not ("" when it can).
- ``view_at(run, index)``: the run as it was at snapshot ``index`` (every plot can show it).
- ``rewind(run, index)``: a new run whose last state is snapshot ``index``, replayed.
- ``replay(section, data, hp, actions, start=None) -> (model, optimizer)``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from app.core import limits
from app.core.training_jobs import (
    Action,
    Data,
    TrainingJob,
    TrainingRun,
    build_for_data,
    snapshot_every,
)
from cnndemo.models import Model
from cnndemo.optim import Optimizer, make_optimizer
from cnndemo.train import train

__all__ = [
    "Action",
    "can_continue",
    "continue_job",
    "new_job",
    "replay",
    "rewind",
    "run_length",
    "view_at",
]


def run_length(actions: Sequence[Action]) -> int:
    """Updates applied after ``actions``: trained epochs add up, a rewind sets the count."""
    epochs = 0
    for action in actions:
        epochs = action.epochs if action.kind == "rewind" else epochs + action.epochs
    return epochs


def _fresh(
    section: int, data: Data, hp: Mapping[str, Any], start: np.ndarray | None
) -> tuple[Model, Optimizer]:
    """The first state of a run: its model (weights from the seed or ``start``), a new optimiser.

    Raises ValueError for a setup the engine refuses (the panel shows the message).
    """
    model = build_for_data(section, data, hp)
    if start is not None:
        model.set_parameters(start)
    return model, make_optimizer(hp["optimizer"], hp["learning_rate"], hp["momentum"])


def new_job(
    section: int,
    data: Data,
    hp: Mapping[str, Any],
    fp: str,
    watch: bool,
    start: np.ndarray | None = None,
    start_label: str = "seed",
) -> TrainingJob:
    """A Train job: ``hp["epochs"]`` epochs from the seed's weights, or from ``start``."""
    model, optimizer = _fresh(section, data, hp, start)
    epochs = int(hp["epochs"])
    return TrainingJob(
        section, dict(hp), fp, model, optimizer, data, epochs, snapshot_every(epochs), watch,
        start=None if start is None else np.array(start, dtype=np.float64),
        start_label=start_label,
    )  # fmt: skip


def can_continue(run: TrainingRun | None, epochs: int) -> str:
    """Why ``run`` cannot be trained ``epochs`` more (empty when it can)."""
    if run is None:
        return "train first"
    if run.stale:
        return "the setup changed since this run: press Train"
    if run.epochs_run + epochs > limits.MAX_RUN_EPOCHS:
        return f"a run holds at most {limits.MAX_RUN_EPOCHS} epochs"
    return ""


def continue_job(run: TrainingRun, epochs: int, kind: str, watch: bool) -> TrainingJob:
    """Train ``run`` ``epochs`` more from its last state (kind "continue" or "step").

    The run's model and optimiser (with its momentum) carry on; a loaded model gets a new
    optimiser. The run itself is left as it was until the job finishes.
    """
    model = run.model.copy()
    hp = run.hyperparameters
    optimizer = (
        copy.deepcopy(run.optimizer)
        if run.optimizer is not None
        else make_optimizer(hp["optimizer"], hp["learning_rate"], hp["momentum"])
    )
    start, label, actions = run.start, run.start_label, run.actions
    if run.source == "loaded" and start is None:
        # A loaded model's weights are its first weights: replaying starts from them.
        start, label, actions = run.model.parameters.copy(), f"loaded {run.file_name}", ()
    done = run.epochs_run
    every = run.every if run.errors else snapshot_every(epochs)
    return TrainingJob(
        run.section, dict(hp), run.fingerprint, model, optimizer, run.data, done + epochs,
        every, watch, errors=list(run.errors), snapshots=list(run.snapshots),
        seconds=run.seconds, kind=kind, first_epoch=done, start=start, start_label=label,
        actions=actions, optimizer_states=dict(run.optimizer_states),
        gradient_norms=[] if run.gradient_norms is None else list(run.gradient_norms),
    )  # fmt: skip


def replay(
    section: int,
    data: Data,
    hp: Mapping[str, Any],
    actions: Sequence[Action],
    start: np.ndarray | None = None,
) -> tuple[Model, Optimizer]:
    """The model and optimiser after ``actions`` from the first weights (seed or ``start``)."""
    model, optimizer = _fresh(section, data, hp, start)
    epochs = run_length(actions)
    if epochs:
        train(model, data, epochs=epochs, optimizer=optimizer)
    return model, optimizer


def view_at(run: TrainingRun, index: int) -> TrainingRun:
    """The run as it was at snapshot ``index``: that snapshot as its final state, the snapshots
    up to it, a copy of the model with that snapshot's weights. The last index is the run itself.

    Views are kept with the run (one per index); a view cannot be continued (no optimiser).
    """
    index = min(max(int(index), 0), len(run.snapshots) - 1)
    if index == len(run.snapshots) - 1:
        return run

    def build() -> TrainingRun:
        shot = run.snapshots[index]
        model = run.model.copy()
        if shot.parameters is not None:
            model.set_parameters(shot.parameters)
        return TrainingRun(
            run.section, run.hyperparameters, run.fingerprint, model, run.data,
            run.errors[: shot.epoch], run.snapshots[: index + 1], shot, run.epochs_planned,
            stopped=run.stopped, source=run.source, file_name=run.file_name,
            seconds=run.seconds, every=run.every, start=run.start,
            start_label=run.start_label, actions=run.actions,
            gradient_norms=_norms_until(run, shot.epoch),
        )  # fmt: skip

    view = run.memo(("view", index), build)
    view.stale = run.stale
    return view


def rewind(run: TrainingRun, index: int) -> TrainingRun:
    """A new run that forgets everything after snapshot ``index``: the model takes that
    snapshot's weights and the optimiser its state then (kept at every snapshot; replayed from
    the first weights if missing), so a Continue from there is exactly the run that would have
    gone on from that epoch."""
    shot = run.snapshots[index]
    actions = (*run.actions, Action("rewind", shot.epoch))
    kept = run.optimizer_states.get(shot.epoch)
    if kept is None or shot.parameters is None:
        model, optimizer = replay(run.section, run.data, run.hyperparameters, actions, run.start)
    else:
        model, optimizer = run.model.copy(), copy.deepcopy(kept)
        model.set_parameters(shot.parameters)
    final = train(model, run.data, epochs=0).final
    final.epoch = shot.epoch
    states = {e: o for e, o in run.optimizer_states.items() if e <= shot.epoch}
    return TrainingRun(
        run.section, run.hyperparameters, run.fingerprint, model, run.data,
        run.errors[: shot.epoch], [*run.snapshots[:index], final], final, run.epochs_planned,
        source=run.source, file_name=run.file_name, seconds=run.seconds, optimizer=optimizer,
        every=run.every, start=run.start, start_label=run.start_label, actions=actions,
        optimizer_states=states, gradient_norms=_norms_until(run, shot.epoch),
    )  # fmt: skip


def _norms_until(run: TrainingRun, epoch: int) -> np.ndarray | None:
    """The run's per-epoch gradient norms of the epochs before ``epoch`` (None if it has none)."""
    return None if run.gradient_norms is None else run.gradient_norms[:epoch]
