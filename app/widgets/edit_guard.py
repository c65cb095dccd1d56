"""Check a data editor's pending edits before ``st.data_editor`` applies them.

Streamlit applies whatever edit state the client sent (pandas, one added row at a time), so a
hand-made state can cost minutes or raise inside Streamlit. Every editor of the app calls
:func:`guard_edits` just before drawing its table: the state is read as Streamlit stored it
(``st.session_state[key]``, the deserialized ``{"edited_rows", "added_rows",
"deleted_rows"}``), checked by ``app.core.table_edits.check_edits`` in O(table size), and a
refused state is deleted, so the widget is drawn afresh from the table's own data. The caller
then bumps its table's version (a new widget key), so a browser also drops the edits it holds,
and says what happened.
"""

from __future__ import annotations

import contextlib
from typing import Any

import streamlit as st

from app.core.table_edits import EditCheck, TableRules, check_edits

__all__ = ["guard_edits", "pending_edits"]


class _Unreadable:
    """Stands for a state Streamlit itself cannot deserialize (refused as "unknown form")."""


def pending_edits(key: str) -> Any:
    """The edit state of data editor ``key`` as Streamlit holds it; None when there is none."""
    try:
        return st.session_state.get(key)
    except Exception:  # noqa: BLE001 - a hand-made value Streamlit cannot even deserialize
        return _Unreadable()


def guard_edits(key: str, rules: TableRules) -> EditCheck:
    """Check the pending edits of data editor ``key`` (call before drawing it); a refused state
    is deleted, one that only adds rows past the limit is kept for the caller to cut."""
    check = check_edits(pending_edits(key), rules)
    if check.problem is not None and not check.cut:
        drop_edits(key)
    return check


def drop_edits(key: str) -> None:
    """Forget the pending edits of data editor ``key`` (it is then drawn from its data)."""
    with contextlib.suppress(KeyError):
        del st.session_state[key]
