"""Draw any declared control (``app.core.controls.Control``) and keep the values of those a run
does not draw.

``control_input(control)`` sets the control's default once, brings a stored value (a link, a
model file, a hostile client) into its declared bounds, and draws the widget its declaration
names; bounds, options and words all come from the declaration. ``control_row(controls)`` draws
several side by side. ``keep_state`` (``app.widgets.kept_state``) keeps the values of controls
that are not drawn (a closed tab); ``open_controls`` does what the top of a page with tabs
needs: keep, set the tables once, apply a share link.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import streamlit as st

from app.core.controls import Control, Controls, TensorSpec
from app.core.share import Schema
from app.widgets.kept_state import keep_state
from app.widgets.locks import is_hidden, is_locked
from app.widgets.share_box import restore_from_link
from app.widgets.tensor_editor import init_tensor


def open_controls(
    page: str,
    controls: Controls,
    schema: Schema,
    tables: Sequence[tuple[TensorSpec, np.ndarray]],
    *,
    keep: Sequence[str] = (),
    apply: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """The top of a page (before any widget): keep the values of ``controls`` (and of the other
    widgets in ``keep``) while a tab is closed, set each table of ``tables`` once per session
    (with its default), then apply a share link once: the controls and tables, then ``apply``
    (anything else the link holds, e.g. an image set)."""
    keep_state((*controls.keys, *keep))
    for spec, default in tables:
        init_tensor(spec, default)

    def apply_link(state: dict[str, Any]) -> None:
        controls.apply(state, st.session_state)
        if apply is not None:
            apply(state)

    restore_from_link(page, schema, apply_link)


def set_default(key: str, value: Any) -> None:
    """A widget's starting value, written to session state once."""
    # Widgets read their value from session state; setting it once here (not via value=) avoids
    # Streamlit's warning about a widget given both a default and a session-state value.
    st.session_state.setdefault(key, value)


def control_row(controls: Sequence[Control], widths: Sequence[float] | None = None) -> list[Any]:
    """Draw ``controls`` side by side (one column each, ``widths`` relative); their values."""
    values = []
    for column, control in zip(st.columns(widths or len(controls)), controls, strict=True):
        with column:
            values.append(control_input(control))
    return values


def control_input(control: Control) -> Any:
    """Draw ``control`` as its declaration says; returns its value (int, float or option)."""
    state = st.session_state
    key = control.key
    set_default(key, control.fallback)
    state[key] = control.clamp(state[key])
    if is_hidden(key):  # an exercise hides it: it keeps its value, undrawn
        state[key] = state[key]
        value = state[key]
        return int(value) if control.kind == "int" else value
    common = {"key": key, "help": control.help, "disabled": is_locked(key)}
    if control.widget == "radio":
        return st.radio(control.label, control.options, horizontal=True,
                        format_func=control.label_of, **common)  # fmt: skip
    if control.widget == "select":
        return st.selectbox(control.label, control.options, format_func=control.label_of, **common)
    if control.kind == "choice":  # a slider over options
        return st.select_slider(control.label, control.options, format_func=control.label_of,
                                **common)  # fmt: skip
    bounds = {"min_value": control.low, "max_value": control.high, "step": control.step}
    if control.format is not None:
        bounds["format"] = control.format
    draw = st.slider if control.widget == "slider" else st.number_input
    value = draw(control.label, **bounds, **common)
    return int(value) if control.kind == "int" else float(value)
