"""Controls an exercise locks or hides: which widget keys, kept in session state.

An exercise (built in, or from a teacher link) may lock controls (shown, not editable) or hide
them (not drawn; they keep their values). ``app.widgets.task_box`` sets them when the exercise
opens and clears them when the learner leaves it; ``app.widgets.controls.control_input`` and
``app.widgets.tensor_editor`` read them. Keys are page-specific (``c1d.s``, ``s3.lr``), so the
locks of one page's exercise never touch another page.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

_LOCKED, _HIDDEN = "teach.locked", "teach.hidden"


def set_locks(locked: Iterable[str], hidden: Iterable[str]) -> None:
    """Lock the widgets ``locked`` and hide ``hidden`` (widget keys) until ``clear_locks``."""
    st.session_state[_LOCKED] = frozenset(locked)
    st.session_state[_HIDDEN] = frozenset(hidden)


def clear_locks() -> None:
    st.session_state.pop(_LOCKED, None)
    st.session_state.pop(_HIDDEN, None)


def is_locked(key: str) -> bool:
    """Whether the widget ``key`` is shown but may not be changed."""
    return key in st.session_state.get(_LOCKED, ()) or is_hidden(key)


def is_hidden(key: str) -> bool:
    """Whether the widget ``key`` is not drawn at all."""
    return key in st.session_state.get(_HIDDEN, ())
