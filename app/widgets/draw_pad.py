"""One image to draw on (sections 5-8): a grid of pixel buttons, its size, a clear button.

Keys: the pixels are ``pixel_key(prefix, 0, r, c)``; ``f"{prefix}.h"``, ``f"{prefix}.w"``
(number inputs) and ``f"{prefix}.clear"``; ``f"{prefix}.image"`` holds the pad's rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app.core import limits
from app.core.image_sets import Rows, blank_image, check_rows, resize_image, toggle_pixel
from app.widgets.image_set_editor import pixel_grid


def pad_image(prefix: str) -> Rows:
    """The image on the pad."""
    return st.session_state[f"{prefix}.image"]


def set_pad_image(prefix: str, rows: Sequence[str]) -> None:
    """Put an image on the pad (and its size in the size inputs); callbacks or before render."""
    rows = check_rows(rows)
    side = limits.MAX_IMAGE_EDIT_SIDE
    rows = resize_image(rows, min(len(rows), side), min(len(rows[0]), side))
    st.session_state[f"{prefix}.image"] = rows
    st.session_state[f"{prefix}.h"] = len(rows)
    st.session_state[f"{prefix}.w"] = len(rows[0])


def _toggle_pad(prefix: str, row: int, col: int) -> None:
    st.session_state[f"{prefix}.image"] = toggle_pixel(pad_image(prefix), row, col)


def _clear_pad(prefix: str) -> None:
    rows = pad_image(prefix)
    st.session_state[f"{prefix}.image"] = blank_image(len(rows), len(rows[0]))


def draw_pad(prefix: str, *, default: Sequence[str] | None = None, resizable: bool = True) -> Rows:
    """A pad to draw one image on; returns its rows.

    With ``resizable`` it has height and width inputs (1..``limits.MAX_IMAGE_EDIT_SIDE``) so the
    learner can try another size than the training images' (the page explains what the model
    does with it).
    """
    state = st.session_state
    if f"{prefix}.image" not in state:
        set_pad_image(prefix, default or blank_image())
    rows = pad_image(prefix)
    side = limits.MAX_IMAGE_EDIT_SIDE
    if resizable:
        with st.container(horizontal=True, vertical_alignment="bottom"):
            height = st.number_input("height", 1, side, step=1, key=f"{prefix}.h", width=110)
            width = st.number_input("width", 1, side, step=1, key=f"{prefix}.w", width=110)
            st.button("clear", key=f"{prefix}.clear", on_click=_clear_pad, args=(prefix,))
        if (height, width) != (len(rows), len(rows[0])):
            rows = resize_image(rows, int(height), int(width))
            state[f"{prefix}.image"] = rows
    else:
        st.button("clear", key=f"{prefix}.clear", on_click=_clear_pad, args=(prefix,))
    with st.container(border=True, width="content", gap="small"):
        pixel_grid(prefix, 0, rows, _toggle_pad, (prefix,))
    return rows
