"""Sets of small binary images on the page (sections 5-8): thumbnails and a card editor.

State lives in ``st.session_state`` under the page's ``prefix``; the images themselves
(``ImageSet``, pixels, link fields) are plain data in ``app.core.image_sets``.

- ``init_image_set(prefix, default=None)``: once per session, before the editor renders.
- ``image_set(prefix) -> ImageSet`` and ``set_image_set(prefix, image_set)`` (safe in callbacks
  and before the editor renders, e.g. when applying a share link).
- ``image_set_editor(prefix, *, probabilities=None) -> ImageSet``: every image as a card of
  clickable pixels (dark = 1) with its label button (click to switch 1 <-> 0), a remove button,
  and, when ``probabilities`` (one per image) are given, the predicted probability of label 1
  marked right or wrong. Below the cards: "add a blank image" (up to ``limits.MAX_IMAGES``) and
  "back to the tutorial's images".
- ``image_set_section(prefix, *, probabilities=None, figure_key, edit_key)``: the set as one
  thumbnails figure (with the predictions when given) and the card editor above in an expander
  (key ``edit_key``) that only runs while open: ~190 buttons are the costliest part of a rerun.

Widget keys (for tests; every control is a stateless ``st.button`` whose ``on_click`` edits the
stored set, so keys never go stale when images are removed):

- ``pixel_key(prefix, i, r, c)``: pixel (r, c) of image i (``pixel_grid`` draws them; the draw
  pad of ``app.widgets.draw_pad`` uses image index 0).
- ``label_key(prefix, i)``, ``remove_key(prefix, i)``, ``f"{prefix}.add"``, ``f"{prefix}.reset"``.
- State: ``f"{prefix}.set"`` holds the ``ImageSet``.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app.core import limits
from app.core.image_sets import INK, ImageSet, Rows, blank_image, tutorial_set
from app.core.numbers import fixed
from app.figures.chart_spec import SpecFigure, spec_of
from app.figures.images import image_set_figure
from app.widgets.charts import plotly_chart
from app.widgets.expanders import lazy_expander
from app.widgets.locks import data_key, is_locked
from app.widgets.page_style import PIXEL_GRID


def pixel_key(prefix: str, index: int, row: int, col: int) -> str:
    """Key of the button for pixel (row, col) of image ``index``."""
    return f"{prefix}.i{index}.r{row}c{col}"


def label_key(prefix: str, index: int) -> str:
    """Key of the button switching the label of image ``index``."""
    return f"{prefix}.i{index}.label"


def remove_key(prefix: str, index: int) -> str:
    """Key of the button removing image ``index``."""
    return f"{prefix}.i{index}.remove"


def init_image_set(prefix: str, default: ImageSet | None = None) -> None:
    """Store the starting set once per session (the tutorial's unless ``default``)."""
    st.session_state.setdefault(f"{prefix}.set", default or tutorial_set())


def image_set(prefix: str) -> ImageSet:
    """The current set."""
    return st.session_state[f"{prefix}.set"]


def set_image_set(prefix: str, value: ImageSet) -> None:
    """Replace the set (a share link, a preset)."""
    st.session_state[f"{prefix}.set"] = value


def _edit(prefix: str, method: str, *args: int) -> None:
    # Button callbacks run before the script, so the cards drawn next already show the edit.
    st.session_state[f"{prefix}.set"] = getattr(image_set(prefix), method)(*args)


def _add_blank(prefix: str) -> None:
    current = image_set(prefix)
    if len(current) < limits.MAX_IMAGES:
        set_image_set(prefix, current.with_image(blank_image(*current.size), 0))


def pixel_name(row: int, col: int, on: bool) -> str:
    """What a screen reader says for a pixel button (counted from 1, as spoken)."""
    return f"pixel row {row + 1} column {col + 1}, {'on' if on else 'off'}"


def pixel_grid(
    prefix: str, index: int, rows: Rows, on_click, args: tuple, disabled: bool = False
) -> None:
    """Buttons for the pixels of one image: filled (primary) = 1, outlined = 0.

    Each button's label is its accessible name; the page style hides it from sight (the
    state is the fill colour), not from screen readers."""
    with st.container(key=f"{prefix}.i{index}.{PIXEL_GRID}", gap=None):
        for r, line in enumerate(rows):
            with st.container(horizontal=True, wrap=False, gap=None):
                for c, ch in enumerate(line):
                    st.button(
                        pixel_name(r, c, ch == INK),
                        key=pixel_key(prefix, index, r, c),
                        type="primary" if ch == INK else "secondary",
                        on_click=on_click,
                        args=(*args, r, c),
                        width=34,
                        disabled=disabled,
                    )


def probability_text(probability: float, label: int) -> str:
    """Markdown for a card: the probability of label 1, marked right (✓) or wrong (✗, bold)."""
    right = (probability > 0.5) == (label == 1)
    if right:
        return f":green[p = {fixed(probability, 3)} ✓]"
    return f":red[**p = {fixed(probability, 3)} ✗**]"


def image_set_editor(
    prefix: str,
    *,
    probabilities: Sequence[float] | None = None,
    card_width: int = 150,
) -> ImageSet:
    """Every image as a card of clickable pixels with its label; returns the current set.

    Call ``init_image_set`` first. ``probabilities`` (one per image, the model's probability of
    label 1) are shown on the cards when given; pass None when they belong to other data.
    """
    current = image_set(prefix)
    locked = is_locked(data_key(prefix))  # an exercise keeps the images as it set them
    if probabilities is not None and len(probabilities) != len(current):
        probabilities = None
    with st.container(horizontal=True, gap="small"):
        for i, (rows, label) in enumerate(zip(current.images, current.labels, strict=True)):
            with st.container(border=True, width=card_width, gap="small"):
                pixel_grid(prefix, i, rows, _edit, (prefix, "toggled", i), locked)
                with st.container(horizontal=True, wrap=False, gap="small"):
                    st.button(
                        f"label {label}",
                        key=label_key(prefix, i),
                        type="secondary",
                        on_click=_edit,
                        args=(prefix, "relabelled", i),
                        help="Click to switch the label: 1 = a single straight line, 0 = not",
                        disabled=locked,
                    )
                    st.button(
                        "✕",
                        key=remove_key(prefix, i),
                        type="tertiary",
                        on_click=_edit,
                        args=(prefix, "without", i),
                        help="Remove this image",
                        disabled=locked or len(current) <= 1,
                    )
                if probabilities is not None:
                    st.markdown(probability_text(float(probabilities[i]), label))
    with st.container(horizontal=True):
        st.button(
            "➕ add a blank image",
            key=f"{prefix}.add",
            on_click=_add_blank,
            args=(prefix,),
            disabled=locked or len(current) >= limits.MAX_IMAGES,
            help=f"At most {limits.MAX_IMAGES} images",
        )
        st.button(
            "↺ back to the tutorial's images",
            key=f"{prefix}.reset",
            on_click=set_image_set,
            args=(prefix, tutorial_set()),
            disabled=locked,
        )
    return image_set(prefix)


@st.cache_data(max_entries=16, show_spinner=False)
def _thumbnails_spec(value: ImageSet, probabilities: tuple[float, ...] | None, title: str) -> dict:
    """The thumbnails figure as plain JSON: a rerun only wraps it in a ``SpecFigure``."""
    return spec_of(image_set_figure(value.arrays(), value.labels, probabilities, title=title))


EDIT_LABEL = "✏️ Edit the images: click a pixel to switch it, a label to switch 1 (line) ↔ 0"


def image_set_section(
    prefix: str,
    *,
    probabilities: Sequence[float] | None = None,
    figure_key: str,
    edit_key: str,
    title: str = "The training images",
) -> ImageSet:
    """The set as thumbnails (with P(label 1) when ``probabilities`` are given) and the card
    editor in an expander keyed ``edit_key``; returns the current set.

    The editor's buttons are drawn only while the expander is open (``lazy_expander``,
    ``app.widgets.expanders``), so a closed editor costs nothing on a rerun.
    """
    current = image_set(prefix)
    if probabilities is not None and len(probabilities) != len(current):
        probabilities = None
    shown = None if probabilities is None else tuple(float(p) for p in probabilities)
    spec = _thumbnails_spec(current, shown, title)
    plotly_chart(st, SpecFigure(spec), key=figure_key)
    lazy_expander(EDIT_LABEL, lambda: image_set_editor(prefix, probabilities=probabilities),
                  key=edit_key)  # fmt: skip
    return image_set(prefix)
