"""Exact links on the page: the share box's view of the page, and the page reopening it.

Besides the setup, a share link carries the page's view (``app.core.link_actions``): the open
tab (page 8; pages 1 and 2 keep theirs in their own fields), the example whose feature maps are
shown, the epoch the look-back slider shows and the trained state: the run's actions from the
seed, or from the weights it started from (typed by hand), or, for a run too long to replay or
a loaded model, its weights.

- ``open_view(page)``: once per session, at the top of the page (``share_box.link_warning``):
  reads the view, opens its tab, chooses its example and queues the run and the epoch;
- ``restore_run(prefix, section, data, hp, fp)``: called by the training panel before it
  draws; the queued run is trained again there, in chunks through the server's training
  slots with a progress bar, as a click's training;
- ``show_link_epoch(prefix, run)``: once the run is there, the look-back slider goes to the
  link's epoch;
- ``page_view(page, state) -> (View, parameters)``: what the share box writes;
- ``open_tab(page, state) -> str``: the tab word open now.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import streamlit as st

from app.core import limits, markup
from app.core.link_actions import View, decode_view
from app.core.page_setups import PAGES
from app.core.run_actions import new_job, run_length
from app.core.training_jobs import (
    Data,
    TrainingJob,
    TrainingRun,
    finish,
    snapshot_every,
    train_chunk,
)
from app.server import training_slot

TAB_KEYS = {"cnn2d-downsampled": "p8.tab"}
"""Pages whose open tab is not one of their own link fields: the tabs' widget key."""
LINK_WEIGHTS = "the link's weights"


def _key(prefix: str, name: str) -> str:
    # The training panel's keys (app.widgets.training_panel.panel_key), which imports this.
    return f"{prefix}.tp.{name}"


def example_key(prefix: str) -> str:
    """The "Feature maps of" picker's key (``app.widgets.learned_weights``)."""
    return f"{prefix}.learned.example"


def query_params() -> dict[str, Any]:
    """The address bar's parameters (a repeated one as a list, which the decoders refuse)."""
    params: dict[str, Any] = {}
    for name in st.query_params:
        values = st.query_params.get_all(name)
        params[name] = values[0] if len(values) == 1 else values
    return params


def open_view(page: str) -> None:
    """Once per session and page: apply the link's view (see the module docstring)."""
    state = st.session_state
    setup = PAGES.get(page)
    flag = f"{page}.view_checked"
    if setup is None or state.get(flag):
        return
    state[flag] = True
    view, errors = decode_view(query_params(), setup)
    if errors:
        state[f"{page}.view_errors"] = errors
        return
    if view.tab is not None and page in TAB_KEYS:
        state[TAB_KEYS[page]] = setup.tab(view.tab).label
    model = setup.model_page
    if model is None or state.get(f"{page}.link_errors"):
        return  # no model, or the setup was refused: a run of another setup means nothing
    if view.example is not None:
        state[example_key(model.prefix)] = view.example
    if view.trained:
        state[_key(model.prefix, "link_run")] = (view.actions, view.weights)
    if view.epoch is not None:
        state[_key(model.prefix, "link_epoch")] = view.epoch


def view_warning(page: str) -> None:
    """Say (once) why the link's view (tab, selection, trained model) was not used."""
    errors = st.session_state.pop(f"{page}.view_errors", None)
    if errors:
        st.warning(
            "The link's view (open tab, selection, trained model) could not be used, so the "
            "page opens with its setup only: " + markup.text("; ".join(errors), 400)
        )


def restore_run(prefix: str, section: int, data: Data | None, hp: dict, fp: str) -> None:
    """The link's run, queued by ``open_view``, trained again now, before the panel draws (so
    its buttons are drawn for the run): chunk by chunk through the server's training slots,
    with a progress bar, as a Train click trains."""
    state = st.session_state
    pending = state.get(_key(prefix, "link_run"))
    if pending is None or data is None or state.get(_key(prefix, "job")) is not None:
        return
    del state[_key(prefix, "link_run")]
    actions, weights = pending
    try:
        job = new_job(
            section, data, hp, fp, False, start=weights,
            start_label="seed" if weights is None else LINK_WEIGHTS,
        )  # fmt: skip
    except ValueError as error:
        state[_key(prefix, "message")] = (
            f"The link's model cannot be rebuilt: {markup.message(error)}"
        )
        return
    # Chunked training equals one run of run_length(actions) epochs (app.core.run_actions),
    # with the first Train's snapshot spacing, as the run kept it.
    job.epochs = run_length(actions)
    job.every = snapshot_every(actions[0].epochs if actions else 1)
    progress = st.progress(0.0, text="Training the link's model again…")
    while len(job.errors) < job.epochs:
        with training_slot(lambda: progress.progress(_done(job), text=WAITING)):
            train_chunk(job)
        progress.progress(
            _done(job), text=f"the link's model: epoch {len(job.errors)} of {job.epochs}"
        )
    progress.empty()
    run = finish(job)
    run.actions = actions  # one replayed stretch of epochs, made of these actions
    state[_key(prefix, "run")] = run


WAITING = "waiting for the server: other learners are training, the link's model is next…"


def _done(job: TrainingJob) -> float:
    return len(job.errors) / max(job.epochs, 1)


def show_link_epoch(prefix: str, run: TrainingRun) -> None:
    """Point the look-back slider at the link's epoch (its nearest snapshot at or before it)."""
    state = st.session_state
    if _key(prefix, "link_epoch") not in state:
        return
    epoch = state.pop(_key(prefix, "link_epoch"))
    epochs = [shot.epoch for shot in run.snapshots]
    state[_key(prefix, "look_of")] = run
    state[_key(prefix, "look")] = max((e for e in epochs if e <= epoch), default=epochs[0])


def open_tab(page: str, state: Mapping[str, Any]) -> str:
    """The word of the tab open now (``state``: the page's link state)."""
    setup = PAGES[page]
    if "tab" in state:
        return str(state["tab"])
    label = st.session_state.get(TAB_KEYS[page]) if page in TAB_KEYS else None
    return next((tab.word for tab in setup.tabs if tab.label == label), setup.tabs[0].word)


def current_model_run(page: str) -> TrainingRun | None:
    """The page's latest run when it belongs to the setup on screen (None otherwise)."""
    setup = PAGES.get(page)
    if setup is None or setup.model_page is None:
        return None
    run = st.session_state.get(_key(setup.model_page.prefix, "run"))
    return None if run is None or run.stale else run


def page_view(page: str, state: Mapping[str, Any]) -> tuple[View, np.ndarray | None]:
    """What a share link of the page carries besides its setup, and the trained model's
    weights (for a history too long to replay)."""
    setup = PAGES[page]
    tab = open_tab(page, state) if page in TAB_KEYS else None
    run = current_model_run(page)
    if run is None:
        return View(tab=tab), None
    prefix = setup.model_page.prefix
    example = st.session_state.get(example_key(prefix))
    epochs = [shot.epoch for shot in run.snapshots]
    shown = st.session_state.get(_key(prefix, "look"))
    epoch = shown if shown in epochs and shown != epochs[-1] else None
    if epoch is not None and epoch > limits.MAX_REPLAY_EPOCHS:
        epoch = None  # past what a link replays: the link opens on the last epoch
    parameters = run.model.parameters
    if run.source == "loaded" or not run.actions or run.actions[0].kind != "train":
        view = View(tab=tab, example=example or None, epoch=epoch, weights=parameters)
        return view, parameters
    view = View(tab=tab, example=example or None, epoch=epoch, actions=run.actions,
                weights=run.start)  # fmt: skip
    return view, parameters
