"""Tabs of which only the open one runs: each rerun does the work of one part of the page."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from app.core.controls import Control


def lazy_tabs(tab: str | Control, parts: Mapping[str, Callable[[], None]]) -> None:
    """One tab per label of ``parts``; only the open tab's part runs (``on_change="rerun"``).

    ``tab`` is the widget's key, which holds the open tab's label, or a declared ``Control``
    whose options are the labels (``app.core.conv_controls.tab_control``): its value is then
    brought into bounds first, so a share link can open a tab. The closed tabs' widgets are
    not drawn, so their values need ``keep_state`` (``app.widgets.kept_state``).
    """
    key = tab if isinstance(tab, str) else tab.key
    if isinstance(tab, Control):
        if tuple(parts) != tab.options:
            raise ValueError(f"{key}: the parts {tuple(parts)} are not the tabs {tab.options}")
        if key in st.session_state:
            st.session_state[key] = tab.clamp(st.session_state[key])
    tabs = st.tabs(list(parts), key=key, on_change="rerun")
    for tab_container, part in zip(tabs, parts.values(), strict=True):
        if tab_container.open:
            with tab_container:
                part()
