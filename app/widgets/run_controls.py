"""Continue, step, look back and rewind: the controls that make a training run a lab notebook.

``app.widgets.training_panel`` draws them; the bookkeeping is ``app.core.run_actions``.

- ``continue_buttons(prefix, hp, fp, busy)``: "Continue +E" (E = the epochs control) and
  "Step 1" / "Step N" (N = the step size box), drawn inside the panel's fragment next to
  Train, so they train in chunks with the same progress bar, live curve and Stop.
- ``look_back(prefix, run) -> TrainingRun``: the epoch slider over the run's snapshots and the
  rewind button, drawn after the panel; returns the run as it was at the chosen epoch (the run
  itself at its last epoch), which the page draws, so every plot follows the slider.
- ``shown_epoch(prefix, run)``: the epoch the slider shows (the error curve marks it).

Keys: ``panel_key(prefix, name)`` with name "continue", "step1", "stepn", "step_size", "look",
"rewind".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from app.core import limits
from app.core.run_actions import can_continue, continue_job, rewind, view_at
from app.core.training_jobs import TrainingRun
from app.server import training_slot

__all__ = ["continue_buttons", "look_back", "shown_epoch"]


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.tp.{name}"


def _continue(prefix: str, epochs: int, kind: str) -> None:
    """Button callback: a job training the current run ``epochs`` more."""
    state = st.session_state
    run = state.get(_key(prefix, "run"))
    if run is None or can_continue(run, epochs):
        return
    watch = bool(state.get(_key(prefix, "watch"), False))
    state[_key(prefix, "job")] = continue_job(run, epochs, kind, watch)


def continue_buttons(prefix: str, hp: Mapping[str, Any], fp: str, busy: bool) -> None:
    """The Continue and Step buttons (and the step size), for the panel's button row."""
    state = st.session_state
    run: TrainingRun | None = state.get(_key(prefix, "run"))
    if run is not None:
        run.stale = run.fingerprint != fp
    epochs = int(hp["epochs"])
    size_key = _key(prefix, "step_size")
    state.setdefault(size_key, 10)
    size = int(state[size_key])
    for name, label, icon, count, kind, what in (
        ("continue", f"Continue +{epochs}", "fast_forward", epochs, "continue",
         f"Train {epochs} more epochs from where the run is (the epochs box above)"),
        ("step1", "Step 1", "skip_next", 1, "step",
         "One more update: exactly one step of the optimiser"),
        ("stepn", f"Step {size}", "skip_next", size, "step",
         f"{size} more updates (the step size box)"),
    ):  # fmt: skip
        why = can_continue(run, count)
        st.button(
            label, key=_key(prefix, name), icon=f":material/{icon}:", disabled=busy or bool(why),
            on_click=_continue, args=(prefix, count, kind),
            help=what + (f" ({why})" if why else ""),
        )  # fmt: skip
    st.number_input(
        "step size (epochs)", min_value=1, max_value=limits.MAX_EPOCHS, step=1, key=size_key,
        width=130, help="How many updates the second Step button applies",
    )  # fmt: skip


def _rewind(prefix: str, index: int) -> None:
    """Button callback: the run forgets every epoch after snapshot ``index``."""
    state = st.session_state
    run = state.get(_key(prefix, "run"))
    if run is None or state.get(_key(prefix, "job")) is not None:
        return
    with training_slot(lambda: None):
        back = rewind(run, index)
    state[_key(prefix, "run")] = back
    state[_key(prefix, "look")] = back.epochs_run


def shown_epoch(prefix: str, run: TrainingRun) -> int:
    """The epoch the look-back slider shows (the last one until it is moved)."""
    epochs = [s.epoch for s in run.snapshots]
    value = st.session_state.get(_key(prefix, "look"))
    return value if value in epochs else epochs[-1]


def look_back(prefix: str, run: TrainingRun) -> TrainingRun:
    """The look-back slider and rewind button; the run as it was at the chosen epoch."""
    state = st.session_state
    epochs = [s.epoch for s in run.snapshots]
    key = _key(prefix, "look")
    if state.get(_key(prefix, "look_of")) is not run or state.get(key) not in epochs:
        # A new run (trained, continued, rewound, loaded) opens on its last epoch.
        state[_key(prefix, "look_of")] = run
        state[key] = epochs[-1]
    if len(epochs) < 2:
        return run
    with st.container(horizontal=True, vertical_alignment="bottom"):
        epoch = st.select_slider(
            "Show the run at epoch", epochs, key=key,
            help="Every plot below shows the model as it was then; drag to scrub through training",
        )  # fmt: skip
        index = epochs.index(epoch)
        last = index == len(epochs) - 1
        st.button(
            f"↩ Go back to epoch {epoch}", key=_key(prefix, "rewind"),
            disabled=last or run.stale or state.get(_key(prefix, "job")) is not None,
            on_click=_rewind, args=(prefix, index),
            help="Forget the epochs after this one: Continue and Step then go on from here",
        )  # fmt: skip
    if not last:
        st.caption(
            f"Showing epoch **{epoch}** of {epochs[-1]}: the plots and tables below are the "
            "model as it was then. **Continue** still goes on from the last epoch."
        )
    return view_at(run, index)
