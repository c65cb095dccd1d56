"""Widget values kept while their widget is not drawn (a closed tab or expander, another page)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


def keep_state(keys: Sequence[str]) -> None:
    """Keep these widgets' values while they are not drawn (a closed tab, another page).

    Streamlit forgets a widget's value after a run that did not draw it; re-assigning the value
    before the widget is drawn makes it ordinary session state, which persists. Call before the
    widgets would be drawn (at the top of a page, or where a closed expander skips them). Not
    for ``st.data_editor`` keys (their state cannot be assigned).
    """
    state = st.session_state
    for key in keys:
        if key in state:
            state[key] = state[key]
