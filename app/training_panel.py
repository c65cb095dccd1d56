"""The training panel shared by sections 3-8: hyper-parameters, Train/Stop, live progress, results.

A page calls three functions, in this order, all with the same ``prefix`` (its session-state
namespace, e.g. ``"s3"``; every key this module writes starts with ``f"{prefix}.tp."``)::

    from app import training_panel as tp

    extras = (tp.choice("pool", "pooling", ("max", "min", "avg")),)
    hp = tp.hyperparameter_controls("s3", section=3, extras=extras)   # main body
    data = ...                                                        # the page's TextData/ImageData
    run = tp.training_panel("s3", section=3, data=data, hyperparameters=hp)
    if run is not None:                      # a finished (or stopped, or loaded) run
        if run.stale: ...                    # it came from another setup: say so next to results
        run.final.probabilities, run.snapshots, run.model ...
    tp.model_files("s3", section=3, data=data)                        # download / load a model

API
---
``choice(name, label, options, help=None) -> Control`` / ``integer(name, label, low, high,
help=None) -> Control``
    Section-specific hyper-parameter controls (``name`` is a ``build_model`` keyword such as
    ``pool``, ``activation``, ``embedding_size``, ``channels``).
``hyperparameter_controls(prefix, section, extras=(), *, show=COMMON) -> dict``
    Draws learning rate, momentum, optimiser, init scale, epochs (capped by
    ``limits.MAX_EPOCHS``), seed, then the extras; returns every hyper-parameter of
    ``cnndemo.models.default_hyperparameters(section)`` with the widgets' values filled in,
    ready for ``build_model(section, **hp)``. Widget keys: ``hp_key(prefix, name)``.
``set_hyperparameters(prefix, values)``
    Write widget values (share links, loaded models); call before the controls render or in
    a callback.
``training_panel(prefix, section, data, hyperparameters, *, every=None) -> TrainingRun | None``
    The Train and Stop buttons, a progress bar and a live error curve while training, then the
    summary, the error curve (log-scale switch) and a probability animation over the
    snapshots. Returns the latest run (``run.stale`` tells whether it belongs to the setup now
    on screen) or None before the first run.
``current_run(prefix) -> TrainingRun | None``
``model_files(prefix, section, data)``
    "Download the trained model" (JSON via ``cnndemo.persist.dumps``) and "Load a model"
    (``st.file_uploader``, at most ``limits.MAX_MODEL_FILE_BYTES``); a loaded model becomes the
    current run, evaluated on the page's data, and the controls take its hyper-parameters.
The job, chunked training, runs, fingerprints and model-file checks need no Streamlit: they live
in ``app.core.training_jobs``.

How training stays interruptible (Stop) in the browser
------------------------------------------------------
The Train click runs the panel's ``st.fragment``. Training runs in chunks of about
``CHUNK_SECONDS``; after each chunk the model, the optimiser (with its momentum) and the error
history are committed to ``st.session_state``, the progress bar and the curve are redrawn, and
the fragment asks for its own rerun (``st.rerun(scope="fragment")``). A Stop click sends a rerun
request for the same fragment; Streamlit does not interrupt a running fragment for a click,
it queues it (and merges it with our own rerun request, keeping the click), so the Stop
button's callback runs before the next chunk, which then finalises instead of training. No
Streamlit call happens while a chunk trains, so the stored state is never half-updated. When
the fragment runs inside a full-script run (AppTest, or a full rerun mid-training) a scoped
rerun is not allowed; the panel then trains the remaining chunks in the same run. The results
are complete only when training ends; the panel then reruns the whole page (the page's tables
live outside the fragment) with ``st.rerun()``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app.core import limits
from app.core.training_jobs import (
    WATCH_PAUSE,
    WATCH_SECONDS,
    Data,
    TrainingJob,
    TrainingRun,
    build_for_data,
    fingerprint,
    finish,
    read_model_file,
    snapshot_every,
    train_chunk,
)
from app.figures.training import error_curve
from app.server import training_slot
from app.widgets import run_figure
from cnndemo import persist
from cnndemo.models import default_hyperparameters
from cnndemo.optim import OPTIMIZERS, make_optimizer

__all__ = [
    "COMMON",
    "Control",
    "choice",
    "current_run",
    "hp_key",
    "hyperparameter_controls",
    "integer",
    "model_files",
    "set_hyperparameters",
    "stale_warning",
    "training_panel",
]

COMMON = ("learning_rate", "momentum", "optimizer", "init_scale", "epochs", "seed")
"""The hyper-parameters every training page shows."""


OPTIMIZER_LABELS = {
    "momentum": "gradient descent with momentum",
    "sgd": "plain gradient descent",
    "adam": "Adam",
}


# =================================================================================================
# Hyper-parameter controls
# =================================================================================================


@dataclass(frozen=True)
class Control:
    """A section-specific hyper-parameter control: a radio (``options``) or a whole number."""

    name: str
    label: str
    options: tuple[Any, ...] | None = None
    low: int = 1
    high: int = 1
    help: str | None = None


def choice(name: str, label: str, options: Sequence[Any], help: str | None = None) -> Control:
    """A radio over ``options`` for hyper-parameter ``name``."""
    return Control(name, label, tuple(options), help=help)


def integer(name: str, label: str, low: int, high: int, help: str | None = None) -> Control:
    """A whole-number input in ``[low, high]`` for hyper-parameter ``name``."""
    return Control(name, label, None, low, high, help)


def hp_key(prefix: str, name: str) -> str:
    """Widget key of hyper-parameter ``name`` (for tests and share links)."""
    return f"{prefix}.tp.hp.{name}"


def set_hyperparameters(prefix: str, values: Mapping[str, Any]) -> None:
    """Set the controls' values (before they render, or in a callback)."""
    for name, value in values.items():
        st.session_state[hp_key(prefix, name)] = value


def _common_widget(prefix: str, name: str, default: Any) -> Any:
    key = hp_key(prefix, name)
    st.session_state.setdefault(key, default)
    if name == "learning_rate":
        return st.number_input(
            "learning rate", min_value=1e-4, max_value=10.0, step=0.1, format="%.4g", key=key,
            help="How far each update moves the weights along the gradient",
        )  # fmt: skip
    if name == "momentum":
        return st.number_input(
            "momentum", min_value=0.0, max_value=0.99, step=0.05, format="%.2f", key=key,
            help="accumulator = momentum × accumulator + gradient (TensorFlow's rule); "
            "only the momentum optimiser uses it",
        )  # fmt: skip
    if name == "optimizer":
        return st.selectbox(
            "optimiser", OPTIMIZERS, key=key, format_func=OPTIMIZER_LABELS.__getitem__,
            help="Adam adapts the step per weight; try learning rate 0.05 with it",
        )  # fmt: skip
    if name == "init_scale":
        return st.number_input(
            "init scale", min_value=1e-4, max_value=2.0, step=0.01, format="%.4g", key=key,
            help="Standard deviation of the normal distribution the first weights come from",
        )  # fmt: skip
    if name == "epochs":
        st.session_state[key] = min(max(int(st.session_state[key]), 1), limits.MAX_EPOCHS)
        return int(
            st.number_input(
                "epochs",
                min_value=1,
                max_value=limits.MAX_EPOCHS,
                step=100,
                key=key,
                help=f"Full passes over the data (at most {limits.MAX_EPOCHS})",
            )  # fmt: skip
        )
    if name == "seed":
        return int(
            st.number_input(
                "seed",
                min_value=0,
                max_value=limits.MAX_SEED,
                step=1,
                key=key,
                help="Picks the random first weights: same seed, same run",
            )  # fmt: skip
        )
    raise ValueError(f"no common control for {name!r}")


def hyperparameter_controls(
    prefix: str,
    section: int,
    extras: Sequence[Control] = (),
    *,
    show: Sequence[str] = COMMON,
    columns: int = 4,
) -> dict[str, Any]:
    """Draw the controls; return the full hyper-parameter dict for ``build_model(section, ...)``."""
    hp = default_hyperparameters(section)
    cols = st.columns(columns)
    for i, name in enumerate(show):
        with cols[i % columns]:
            hp[name] = _common_widget(prefix, name, hp[name])
    if extras:
        cols = st.columns(max(len(extras), 1))
        for col, control in zip(cols, extras, strict=True):
            key = hp_key(prefix, control.name)
            st.session_state.setdefault(key, hp[control.name])
            with col:
                if control.options is not None:
                    if st.session_state[key] not in control.options:
                        st.session_state[key] = control.options[0]
                    hp[control.name] = st.radio(
                        control.label, control.options, key=key, horizontal=True,
                        help=control.help,
                    )  # fmt: skip
                else:
                    value = min(max(int(st.session_state[key]), control.low), control.high)
                    st.session_state[key] = value
                    hp[control.name] = int(
                        st.number_input(
                            control.label,
                            control.low,
                            control.high,
                            step=1,
                            key=key,
                            help=control.help,
                        )  # fmt: skip
                    )
    hp["learning_rate"] = float(hp["learning_rate"])
    hp["momentum"] = float(hp["momentum"])
    hp["init_scale"] = float(hp["init_scale"])
    return hp


# =================================================================================================
# Runs and their state
# =================================================================================================


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.tp.{name}"


def current_run(prefix: str) -> TrainingRun | None:
    """The latest finished, stopped or loaded run of this page (None before the first)."""
    return st.session_state.get(_key(prefix, "run"))


def _start(prefix: str, section: int, data: Data, hp: dict[str, Any], fp: str) -> None:
    """Train button callback: a fresh model and optimiser (errors are shown, not raised)."""
    state = st.session_state
    state.pop(_key(prefix, "message"), None)
    try:
        model = build_for_data(section, data, hp)
        optimizer = make_optimizer(hp["optimizer"], hp["learning_rate"], hp["momentum"])
    except ValueError as error:
        state[_key(prefix, "message")] = f"Cannot train with this setup: {error}"
        return
    epochs = int(hp["epochs"])
    state[_key(prefix, "job")] = TrainingJob(
        section, dict(hp), fp, model, optimizer, data, epochs, snapshot_every(epochs),
        bool(state.get(_key(prefix, "watch"), False)),
    )  # fmt: skip


WAITING = "waiting for the server: other learners are training, yours starts in a moment…"


def _fraction(job: TrainingJob) -> float:
    return len(job.errors) / max(job.epochs, 1)


def _progress_text(job: TrainingJob) -> str:
    done = len(job.errors)
    return f"epoch {done} of {job.epochs} · error {job.errors[-1]:.4f} · {job.seconds:.2f} s"


def _request_stop(prefix: str) -> None:
    job = st.session_state.get(_key(prefix, "job"))
    if job is not None:
        job.stop_requested = True


def _finish(prefix: str, job: TrainingJob) -> TrainingRun:
    run = finish(job)
    st.session_state[_key(prefix, "run")] = run
    st.session_state.pop(_key(prefix, "job"), None)
    return run


# =================================================================================================
# The panel
# =================================================================================================


def training_panel(
    prefix: str,
    section: int,
    data: Data | None,
    hyperparameters: Mapping[str, Any],
    *,
    heading: str = "Train the model",
) -> TrainingRun | None:
    """Draw the panel (a fragment); return the latest run with ``stale`` set, or None.

    ``data`` None means the page's data is invalid right now: the Train button is disabled
    (the page shows why).
    """
    hp = dict(hyperparameters)
    fp = fingerprint(section, data, hp) if data is not None else ""
    st.subheader(heading)
    _panel(prefix, section, data, hp, fp)
    run = current_run(prefix)
    if run is not None:
        run.stale = run.fingerprint != fp
    return run


@st.fragment
def _panel(prefix: str, section: int, data: Data | None, hp: dict[str, Any], fp: str) -> None:
    state = st.session_state
    job: TrainingJob | None = state.get(_key(prefix, "job"))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            "▶ Train", key=_key(prefix, "train"), type="primary",
            disabled=job is not None or data is None,
            on_click=_start, args=(prefix, section, data, hp, fp),
            help="Build a fresh model from the seed and train it on the data above",
        )  # fmt: skip
        st.button(
            "■ Stop", key=_key(prefix, "stop"), disabled=job is None,
            on_click=_request_stop, args=(prefix,), help="Stop after the current chunk of epochs",
        )  # fmt: skip
        st.toggle(
            "watch it learn (slow motion)", key=_key(prefix, "watch"),
            help=f"Spread the training over about {WATCH_SECONDS:g} s so you can follow it",
        )  # fmt: skip
    message = state.get(_key(prefix, "message"))
    if message:
        st.error(message)
    if job is None:
        _results(prefix, fp)
        return
    if job.fingerprint != fp and data is not None:
        # The setup changed under a running job (a full rerun mid-training): its numbers no
        # longer belong to the page, so end it now, marked as stopped.
        job.stop_requested = True
    # Each chunk is a fragment rerun that draws the panel anew, so the bar and the curve are
    # drawn first, from the chunks so far, and stay up while the next chunk trains.
    # Drawn after the chunk instead, right before the rerun, the browser only ever showed
    # them for an instant (the rerun marks them stale): no live curve, and a bar animated
    # from zero on every chunk.
    # The chart itself takes the curve's place when there is one: a placeholder drawn first
    # would blank the previous chart until the new one arrives (seen under load).
    progress = st.progress(_fraction(job), text=_progress_text(job) if job.errors else "starting…")
    curve = None if job.errors else st.empty()
    fragment_rerun = True
    while True:
        if job.errors:
            # The fixed key does not let the browser update the live chart in place: Streamlit
            # 1.67 builds a Plotly chart's element id from its figure too
            # (key_as_main_identity=False), so every redraw is a new element. The browser
            # mounts it anew (blank until Plotly has drawn it) and keeps the old copy, hidden
            # and stale, until the run ends. In slow motion the curve shows in about half the
            # samples the browser test takes. Writing to a placeholder outside the fragment
            # behaves the same; st.line_chart stays mounted but fades as stale for a third of
            # each chunk. A full-script run may draw the chart several times, so it goes
            # without a key there.
            curve = (curve or st).plotly_chart(
                error_curve(
                    job.errors, epochs_target=job.epochs, title="Training error (live)",
                    max_points=400,
                ),
                key=_key(prefix, "live") if fragment_rerun else None,
            )  # fmt: skip
        if not job.stop_requested and len(job.errors) < job.epochs:
            with training_slot(lambda: progress.progress(_fraction(job), text=WAITING)):
                train_chunk(job)
            if job.watch:
                time.sleep(WATCH_PAUSE)
        done = len(job.errors)
        if job.stop_requested or done >= job.epochs:
            run = _finish(prefix, job)
            if fragment_rerun:
                st.rerun()  # the page's result tables live outside the fragment
            progress.progress(run.epochs_run / max(run.epochs_planned, 1), text="done")
            curve.empty()
            _results(prefix, fp)
            return
        progress.progress(_fraction(job), text=_progress_text(job))
        if fragment_rerun:
            try:
                st.rerun(scope="fragment")
            except StreamlitAPIException:
                # Running inside a full-script run: no scoped rerun, so keep going here.
                fragment_rerun = False


def _results(prefix: str, fp: str) -> None:
    run = current_run(prefix)
    if run is None:
        st.info(
            "Press **▶ Train**: a fresh model (weights from the seed) learns the data above. "
            "The error curve and the moving vectors appear here while it trains."
        )
        return
    run.stale = run.fingerprint != fp
    if run.stale:
        stale_warning(run)
    n = len(run.data.targets)
    wrong = run.wrong()
    if run.source == "loaded":
        what = f"Loaded model **{run.file_name}**, evaluated on the data above (no training)."
    elif run.stopped:
        what = (
            f"Stopped after **{run.epochs_run}** of {run.epochs_planned} epochs "
            f"({run.seconds:.2f} s)."
        )
    else:
        what = f"Trained **{run.epochs_run}** epochs in {run.seconds:.2f} s."
    st.markdown(what)
    cols = st.columns(4)
    if run.errors:
        cols[0].metric("first error", f"{run.errors[0]:.4f}", help="ln 2 = 0.6931 for 0.5 answers")
    cols[1].metric(
        "final error",
        f"{run.final.error:.4f}",
        delta=f"{run.final.error - run.errors[0]:+.4f}" if run.errors else None,
        delta_color="inverse",
    )
    cols[2].metric("right side of 0.5", f"{n - len(wrong)} of {n}")
    cols[3].metric("epochs", f"{run.epochs_run}")
    if run.errors:
        log = st.toggle("log scale", key=_key(prefix, "log"), help="Shows the slow end of training")
        st.plotly_chart(
            run_figure(run, ("error", log), lambda: error_curve(run.errors, log_scale=log)),
            key=_key(prefix, "error_curve"),
        )
        st.caption(
            "The error is measured before each update, so epoch 0 shows the untrained model: "
            "with tiny random weights every answer is about 0.5 and the error about ln 2."
        )


def stale_warning(run: TrainingRun) -> None:
    """The standard notice for results that no longer match the setup on screen."""
    st.warning(
        "These results come from an **earlier setup** (data or hyper-parameters have changed "
        "since). Press **▶ Train** to train on what you see now.",
        icon=":material/history:",
    )


# =================================================================================================
# Model files
# =================================================================================================


def _load(prefix: str, section: int, data: Data | None, names: Sequence[str]) -> None:
    """File uploader callback: validate, evaluate on the page's data, take its settings."""
    state = st.session_state
    state.pop(_key(prefix, "load_message"), None)
    upload = state.get(_key(prefix, "upload"))
    if upload is None:
        return
    try:
        model, own, final = read_model_file(upload.getvalue(), section, data)
    except (persist.ModelFileError, ValueError) as error:
        state[_key(prefix, "load_message")] = f"Could not use this model file: {error}"
        return
    hp = dict(model.hyperparameters)
    set_hyperparameters(prefix, {k: hp[k] for k in names if k in hp})
    state[_key(prefix, "run")] = TrainingRun(
        section, hp, fingerprint(section, data, hp), model, own, [], [final], final,
        int(hp["epochs"]), source="loaded", file_name=upload.name,
    )  # fmt: skip


def model_files(
    prefix: str, section: int, data: Data | None, controlled: Sequence[str] = COMMON
) -> None:
    """Download the current model as JSON; load one (size-capped, errors as messages).

    ``controlled`` names the hyper-parameters the page's controls show (a loaded model sets
    them); pass the common names plus the extras' names.
    """
    run = current_run(prefix)
    left, right = st.columns(2)
    with left:
        st.markdown("**Download the trained model**")
        if run is None:
            st.caption("Train first; then the model can be saved as a JSON file.")
        else:
            st.download_button(
                "⬇ model.json", data=run.memo("json", lambda: persist.dumps(run.model)),
                file_name=f"cnndemo-section{section}-model.json", mime="application/json",
                key=_key(prefix, "download"), on_click="ignore",
            )  # fmt: skip
            st.caption("Weights, hyper-parameters and vocabulary; no code, just numbers.")
    with right:
        st.file_uploader(
            "Load a model (.json or .npz saved by this app)", type=["json", "npz"],
            key=_key(prefix, "upload"), on_change=_load,
            args=(prefix, section, data, tuple(controlled)),
            help=f"At most {limits.MAX_MODEL_FILE_BYTES // 1024} KB",
        )  # fmt: skip
        message = st.session_state.get(_key(prefix, "load_message"))
        if message:
            st.error(message)
