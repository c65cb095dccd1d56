"""Tabs of which only the open one runs: each rerun does the work of one part of the page."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st


def lazy_tabs(key: str, parts: Mapping[str, Callable[[], None]]) -> None:
    """One tab per label of ``parts``; only the open tab's part runs (``on_change="rerun"``).

    The closed tabs' widgets are not drawn, so their values need ``keep_state``
    (``app.widgets.controls``). ``key`` holds the open tab's label.
    """
    tabs = st.tabs(list(parts), key=key, on_change="rerun")
    for tab, part in zip(tabs, parts.values(), strict=True):
        if tab.open:
            with tab:
                part()
