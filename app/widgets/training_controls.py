"""The hyper-parameter controls of the training pages (sections 3-8), drawn from their
declarations (``app.core.hyperparameters``).

``hyperparameter_controls(controls, *, columns=4) -> dict``
    Draws the common controls (learning rate, momentum, optimiser, init scale, epochs, seed) in
    a grid, then the section's extras in a row; returns every hyper-parameter of
    ``cnndemo.models.default_hyperparameters(section)`` with the widgets' values filled in,
    ready for ``build_model(section, **hp)``. Widget keys: ``hp_key(prefix, name)``.
``set_hyperparameters(controls, values) -> notes``
    Write values by name (loaded models), clamped into the declared bounds; call before the
    controls render or in a callback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from app.core.controls import Controls
from app.core.hyperparameters import TrainingControls, hp_key
from app.widgets.controls import control_input

__all__ = ["hp_key", "hyperparameter_controls", "set_hyperparameters"]


def set_hyperparameters(controls: Controls, values: Mapping[str, Any]) -> list[str]:
    """Set the controls' values by name, clamped; a note for each value brought into bounds."""
    return controls.set_values(values, st.session_state)


def hyperparameter_controls(controls: TrainingControls, *, columns: int = 4) -> dict[str, Any]:
    """Draw the controls; return the full hyper-parameter dict for ``build_model``."""
    # A column holding a drop-down is twice as wide: its option is cut to the box's width
    # ("gradient descent with momen"), where a number or a radio wraps or fits.
    widths = [
        2.0 if any(c.widget == "select" for c in list(controls.common)[i::columns]) else 1.0
        for i in range(columns)
    ]
    cols = st.columns(widths)
    for i, control in enumerate(controls.common):
        with cols[i % columns]:
            control_input(control)
    if len(controls.extras):
        for col, control in zip(st.columns(len(controls.extras)), controls.extras, strict=True):
            with col:
                control_input(control)
    return controls.hyperparameters(st.session_state)
