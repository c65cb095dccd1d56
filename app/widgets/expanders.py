"""Expanders whose contents run only while open: a closed one costs its label on a rerun."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st


def lazy_expander(
    label: str, part: Callable[[], None], *, key: str, target: Any = st, **options: Any
) -> None:
    """An expander labelled ``label`` in ``target`` (``st`` or a container); ``part`` runs inside
    it only while it is open (``on_change="rerun"`` reruns the script when the reader opens or
    closes it).

    ``key`` holds True while it is open. ``options`` are the expander's others (``icon``, ...).
    While it is closed its widgets are not drawn, so their values need ``keep_state``
    (``app.widgets.kept_state``) to outlive a closing.
    """
    box = target.expander(label, key=key, on_change="rerun", **options)
    if box.open:
        with box:
            part()
