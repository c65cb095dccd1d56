"""Download the trained model as JSON, or load one (size-capped, errors shown as messages).

A loaded model becomes the page's current run, evaluated on the page's data, and the controls
take its hyper-parameters, brought into the controls' declared bounds (what was changed is
said). The checks behind "Load a model" need no Streamlit:
``app.core.training_jobs.read_model_file``.
"""

from __future__ import annotations

import streamlit as st

from app.core import limits, markup
from app.core.hyperparameters import TrainingControls
from app.core.training_jobs import Data, TrainingRun, fingerprint, read_model_file
from app.widgets.training_controls import set_hyperparameters
from app.widgets.training_panel import current_run, panel_key
from cnndemo import persist


def _load(controls: TrainingControls, data: Data | None) -> None:
    """File uploader callback: validate, evaluate on the page's data, take its settings."""
    state = st.session_state
    prefix, section = controls.prefix, controls.section
    state.pop(panel_key(prefix, "load_message"), None)
    state.pop(panel_key(prefix, "load_notes"), None)
    upload = state.get(panel_key(prefix, "upload"))
    if upload is None:
        return
    try:
        model, own, final = read_model_file(upload.getvalue(), section, data)
    except (persist.ModelFileError, ValueError) as error:
        state[panel_key(prefix, "load_message")] = (
            f"Could not use this model file: {markup.message(error)}"
        )
        return
    hp = dict(model.hyperparameters)
    notes = set_hyperparameters(controls.all, hp)
    if notes:
        state[panel_key(prefix, "load_notes")] = notes
    state[panel_key(prefix, "run")] = TrainingRun(
        section, hp, fingerprint(section, data, hp), model, own, [], [final], final,
        int(hp["epochs"]), source="loaded", file_name=upload.name,
    )  # fmt: skip


def model_files(controls: TrainingControls, data: Data | None) -> None:
    """Download the current model as JSON; load one (size-capped, errors as messages).

    A loaded model sets ``controls`` (the page's hyper-parameter controls) to its own values.
    """
    prefix, section = controls.prefix, controls.section
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
                key=panel_key(prefix, "download"), on_click="ignore",
            )  # fmt: skip
            st.caption("Weights, hyper-parameters and vocabulary; no code, just numbers.")
    with right:
        st.file_uploader(
            "Load a model (.json or .npz saved by this app)", type=["json", "npz"],
            key=panel_key(prefix, "upload"), on_change=_load,
            args=(controls, data),
            help=f"At most {limits.MAX_MODEL_FILE_BYTES // 1024} KB",
        )  # fmt: skip
        message = st.session_state.get(panel_key(prefix, "load_message"))
        if message:
            st.error(message)
        notes = st.session_state.get(panel_key(prefix, "load_notes"))
        if notes:  # Markdown as they are: Controls.set_values never echoes a file's text
            st.info("The model's settings were brought into the controls' ranges: "
                    + "; ".join(notes) + ".")  # fmt: skip
