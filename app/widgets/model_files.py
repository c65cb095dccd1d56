"""Download the trained model as JSON, or load one (size-capped, errors shown as messages).

A loaded model becomes the page's current run, evaluated on the page's data, and the controls
take its hyper-parameters. The checks behind "Load a model" need no Streamlit:
``app.core.training_jobs.read_model_file``.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app.core import limits
from app.core.training_jobs import Data, TrainingRun, fingerprint, read_model_file
from app.widgets.training_controls import COMMON, set_hyperparameters
from app.widgets.training_panel import current_run, panel_key
from cnndemo import persist


def _load(prefix: str, section: int, data: Data | None, names: Sequence[str]) -> None:
    """File uploader callback: validate, evaluate on the page's data, take its settings."""
    state = st.session_state
    state.pop(panel_key(prefix, "load_message"), None)
    upload = state.get(panel_key(prefix, "upload"))
    if upload is None:
        return
    try:
        model, own, final = read_model_file(upload.getvalue(), section, data)
    except (persist.ModelFileError, ValueError) as error:
        state[panel_key(prefix, "load_message")] = f"Could not use this model file: {error}"
        return
    hp = dict(model.hyperparameters)
    set_hyperparameters(prefix, {k: hp[k] for k in names if k in hp})
    state[panel_key(prefix, "run")] = TrainingRun(
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
                key=panel_key(prefix, "download"), on_click="ignore",
            )  # fmt: skip
            st.caption("Weights, hyper-parameters and vocabulary; no code, just numbers.")
    with right:
        st.file_uploader(
            "Load a model (.json or .npz saved by this app)", type=["json", "npz"],
            key=panel_key(prefix, "upload"), on_change=_load,
            args=(prefix, section, data, tuple(controlled)),
            help=f"At most {limits.MAX_MODEL_FILE_BYTES // 1024} KB",
        )  # fmt: skip
        message = st.session_state.get(panel_key(prefix, "load_message"))
        if message:
            st.error(message)
