"""The training panel shared by sections 3-8: Train/Stop, live progress, results.

A page calls these, in this order, all with the same ``prefix`` (its session-state namespace,
e.g. ``"s3"``; every key the panel writes starts with ``f"{prefix}.tp."``, see ``panel_key``)::

    from app.core.hyperparameters import POOL, training_controls
    from app.widgets.model_files import model_files
    from app.widgets.training_controls import hyperparameter_controls
    from app.widgets.training_panel import training_panel

    controls = training_controls("s3", section=3, extras=(POOL,))   # declared once, bound
    hp = hyperparameter_controls(controls)                          # main body
    data = ...                                                      # the page's TextData/ImageData
    run = training_panel("s3", section=3, data=data, hyperparameters=hp, controls=controls)
    if run is not None:                      # a finished (or stopped, or loaded) run
        if run.stale: ...                    # it came from another setup: say so next to results
        run.final.probabilities, run.snapshots, run.model ...
    model_files(controls, data)                                     # download / load a model

API
---
``training_panel(prefix, section, data, hyperparameters, *, heading=..., controls=...)``
    The Train, Continue, Step and Stop buttons, a progress bar and a live error curve while
    training, then the summary, what went wrong if anything did (``run_findings``), the error
    curve (log-scale switch) and the look-back slider (``app.widgets.run_controls``). Returns
    the latest run as it was at the epoch the slider shows (``run.stale`` tells whether it
    belongs to the setup now on screen) or None before the first run. With the page's
    ``controls`` (its ``TrainingControls``), each remedy of a finding is a button that sets
    them.
``run_findings(prefix, run, controls)``: a diverged, bouncing or stuck run explained in plain
words (``app.core.run_findings``, from ``cnndemo.diagnose``), with its remedies.
``current_run(prefix) -> TrainingRun | None``, ``stale_warning(run)``, ``panel_key(prefix, name)``,
``setting_keys(prefix)`` (the panel's own switches, for ``keep_state``)

The hyper-parameter controls are in ``app.widgets.training_controls``, "Download / Load a
model" in ``app.widgets.model_files``. The job, chunked training, runs, fingerprints and
model-file checks need no Streamlit: they live in ``app.core.training_jobs``.

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

import math
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app.core import markup
from app.core.hyperparameters import TrainingControls
from app.core.numbers import fixed
from app.core.run_actions import new_job
from app.core.run_findings import applicable, lesson_findings, panel_findings, setting_words
from app.core.training_jobs import (
    WATCH_PAUSE,
    WATCH_SECONDS,
    Data,
    TrainingJob,
    TrainingRun,
    fingerprint,
    finish,
    train_chunk,
)
from app.figures.training import error_curve
from app.server import training_slot
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from app.widgets.exact_links import restore_run, show_link_epoch
from app.widgets.run_controls import continue_buttons, look_back, shown_epoch


def panel_key(prefix: str, name: str) -> str:
    """Session-state key ``name`` of the training panel ``prefix`` (for tests and model files)."""
    return f"{prefix}.tp.{name}"


def setting_keys(prefix: str) -> tuple[str, ...]:
    """Keys of the panel's switches ("watch it learn", "log scale"), for ``keep_state``."""
    return panel_key(prefix, "watch"), panel_key(prefix, "log")


def current_run(prefix: str) -> TrainingRun | None:
    """The latest finished, stopped or loaded run of this page (None before the first)."""
    return st.session_state.get(panel_key(prefix, "run"))


def _start(prefix: str, section: int, data: Data, hp: dict[str, Any], fp: str) -> None:
    """Train button callback: a fresh model and optimiser (errors are shown, not raised)."""
    state = st.session_state
    state.pop(panel_key(prefix, "message"), None)
    state.pop(panel_key(prefix, "remedy_note"), None)
    watch = bool(state.get(panel_key(prefix, "watch"), False))
    try:
        state[panel_key(prefix, "job")] = new_job(section, data, hp, fp, watch)
    except ValueError as error:
        state[panel_key(prefix, "message")] = (
            f"Cannot train with this setup: {markup.message(error)}"
        )


WAITING = "waiting for the server: other learners are training, yours starts in a moment…"


def _fraction(job: TrainingJob) -> float:
    return len(job.errors) / max(job.epochs, 1)


def _progress_text(job: TrainingJob) -> str:
    done = len(job.errors)
    return f"epoch {done} of {job.epochs} · error {job.errors[-1]:.4f} · {job.seconds:.2f} s"


def _request_stop(prefix: str) -> None:
    job = st.session_state.get(panel_key(prefix, "job"))
    if job is not None:
        job.stop_requested = True


def _finish(prefix: str, job: TrainingJob) -> TrainingRun:
    run = finish(job)
    st.session_state[panel_key(prefix, "run")] = run
    st.session_state.pop(panel_key(prefix, "job"), None)
    return run


def training_panel(
    prefix: str,
    section: int,
    data: Data | None,
    hyperparameters: Mapping[str, Any],
    *,
    heading: str = "Train the model",
    controls: TrainingControls | None = None,
) -> TrainingRun | None:
    """Draw the panel (a fragment); return the latest run with ``stale`` set, or None.

    ``data`` None means the page's data is invalid right now: the Train button is disabled
    (the page shows why). ``controls``: the page's hyper-parameter controls, which the
    remedies of a failed run set (without them remedies are only named).
    """
    hp = dict(hyperparameters)
    fp = fingerprint(section, data, hp) if data is not None else ""
    st.subheader(heading)
    restore_run(prefix, section, data, hp, fp)  # a share link's trained model, replayed
    _panel(prefix, section, data, hp, fp, controls)
    run = current_run(prefix)
    if run is None:
        return None
    run.stale = run.fingerprint != fp
    show_link_epoch(prefix, run)
    return look_back(prefix, run)


@st.fragment
def _panel(
    prefix: str,
    section: int,
    data: Data | None,
    hp: dict[str, Any],
    fp: str,
    controls: TrainingControls | None,
) -> None:
    state = st.session_state
    if state.pop(panel_key(prefix, "rerun_page"), False):
        # A remedy set controls drawn outside this fragment: the whole page must show them.
        st.rerun()
    job: TrainingJob | None = state.get(panel_key(prefix, "job"))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            "▶ Train", key=panel_key(prefix, "train"), type="primary",
            disabled=job is not None or data is None,
            on_click=_start, args=(prefix, section, data, hp, fp),
            help="Build a fresh model from the seed and train it on the data above",
        )  # fmt: skip
        continue_buttons(prefix, hp, fp, busy=job is not None or data is None)
        st.button(
            "■ Stop", key=panel_key(prefix, "stop"), disabled=job is None,
            on_click=_request_stop, args=(prefix,), help="Stop after the current chunk of epochs",
        )  # fmt: skip
        st.toggle(
            "watch it learn (slow motion)", key=panel_key(prefix, "watch"),
            help=f"Spread the training over about {WATCH_SECONDS:g} s so you can follow it",
        )  # fmt: skip
    message = state.get(panel_key(prefix, "message"))
    if message:
        st.error(message)
    if job is None:
        _results(prefix, fp, controls)
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
                key=panel_key(prefix, "live") if fragment_rerun else None,
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
            _results(prefix, fp, controls)
            return
        progress.progress(_fraction(job), text=_progress_text(job))
        if fragment_rerun:
            try:
                st.rerun(scope="fragment")
            except StreamlitAPIException:
                # Running inside a full-script run: no scoped rerun, so keep going here.
                fragment_rerun = False


def _results(prefix: str, fp: str, controls: TrainingControls | None) -> None:
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
        what = (
            f"Loaded model {markup.code(run.file_name, 80)}, evaluated on the data above "
            "(no training)."
        )
    elif run.stopped:
        what = (
            f"Stopped after **{run.epochs_run}** of {run.epochs_planned} epochs "
            f"({run.seconds:.2f} s)."
        )
    elif run.actions and run.actions[-1].kind == "rewind":
        what = f"Went back to epoch **{run.epochs_run}**: Continue and Step go on from here."
    else:
        what = f"Trained **{run.epochs_run}** epochs in {run.seconds:.2f} s."
    if run.start_label != "seed":  # typed by hand, or a loaded model's weights
        what += f" Started from {markup.text(run.start_label, 80)}."
    st.markdown(what)
    cols = st.columns(4)
    if run.errors:
        cols[0].metric("first error", fixed(run.errors[0]), help="ln 2 = 0.6931 for 0.5 answers")
    change = run.final.error - run.errors[0] if run.errors else math.nan
    cols[1].metric(
        "final error",
        fixed(run.final.error),
        delta=fixed(change, sign=True) if math.isfinite(change) else None,
        # A change that rounds to 0.0000 is no progress: grey, not a green "down" (a stall).
        delta_color="inverse" if abs(change) >= 5e-5 else "off",
    )
    undecided = len(run.undecided())
    cols[2].metric(
        "right side of 0.5", f"{n - len(wrong) - undecided} of {n}",
        delta=f"{undecided} undecided" if undecided else None, delta_color="off",
        delta_arrow="off",
        help="An answer that shows as 0.5000 is undecided: neither right nor wrong",
    )  # fmt: skip
    cols[3].metric("epochs", f"{run.epochs_run}")
    run_findings(prefix, run, controls)
    if run.errors:
        log = st.toggle(
            "log scale", key=panel_key(prefix, "log"), help="Shows the slow end of training"
        )
        shown = shown_epoch(prefix, run)
        mark = None if shown == run.epochs_run else shown
        plotly_chart(st,
            run_figure(run, ("error", log, mark), lambda: error_curve(
                run.errors, log_scale=log, mark_epoch=mark
            )),
            key=panel_key(prefix, "error_curve"),
        )  # fmt: skip
        st.caption(
            "The error is measured before each update, so epoch 0 shows the untrained model: "
            "with tiny random weights every answer is about 0.5 and the error about ln 2."
        )


DETAIL_LIMIT = 1200
"""Characters of a finding's explanation (they run to about 600)."""


def run_findings(prefix: str, run: TrainingRun, controls: TrainingControls | None) -> None:
    """What went wrong in ``run``, in plain words, each finding with its remedies: buttons that
    set the page's ``controls`` and say so (named only, without controls). Below them, as
    information, what the model cannot tell apart or has not decided (``lesson_findings``)."""
    shown = [
        (finding, st.error if finding.kind == "diverged" else st.warning, ":material/troubleshoot:")
        for finding in panel_findings(run)
    ]
    shown += [(finding, st.info, ":material/lightbulb:") for finding in lesson_findings(run)]
    for number, (finding, alert, icon) in enumerate(shown):
        # The details quote the run's numbers and may quote the learner's examples: escaped.
        alert(
            f"**{markup.text(finding.title)}.** {markup.text(finding.detail, DETAIL_LIMIT)}",
            icon=icon,
        )
        if finding.remedies:
            _remedies(prefix, number, finding, controls)
    note = st.session_state.get(panel_key(prefix, "remedy_note"))
    if note:
        st.success(note, icon=":material/tune:")


def _remedies(prefix: str, number: int, finding, controls: TrainingControls | None) -> None:
    """A finding's remedies: buttons setting the controls (or, without them, their names)."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown("Try:")
        for i, remedy in enumerate(finding.remedies):
            if controls is None or not applicable(controls.all, remedy.settings):
                st.caption(f"{markup.text(remedy.label)} ({markup.text(remedy.why)})")
                continue
            st.button(
                markup.text(remedy.label), key=panel_key(prefix, f"remedy.{number}.{i}"),
                help=f"{markup.text(remedy.why)}: sets {setting_words(controls.all, remedy.settings)}",
                on_click=_apply_remedy, args=(controls, dict(remedy.settings)),
            )  # fmt: skip


def _apply_remedy(controls: TrainingControls, settings: dict[str, Any]) -> None:
    """Remedy button callback: set the controls (clamped into their bounds) and say what was
    set; the page reruns whole so the controls show it."""
    state = st.session_state
    chosen = applicable(controls.all, settings)
    controls.all.set_values(chosen, state)
    now = {name: state[controls.all[name].key] for name in chosen}
    state[panel_key(controls.prefix, "remedy_note")] = (
        f"Set {setting_words(controls.all, now)} in the controls above. Press **▶ Train** to "
        "train with " + ("it." if len(now) == 1 else "them.")
    )
    state[panel_key(controls.prefix, "rerun_page")] = True


def stale_warning(run: TrainingRun) -> None:
    """The standard notice for results that no longer match the setup on screen."""
    st.warning(
        "These results come from an **earlier setup** (data or hyper-parameters have changed "
        "since). Press **▶ Train** to train on what you see now.",
        icon=":material/history:",
    )
