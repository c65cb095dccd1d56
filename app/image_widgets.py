"""Streamlit widgets for sets of small binary images (sections 5-8): edit, extend, draw.

An image is a tuple of row strings, ``'#'`` for an inked pixel (1) and ``' '`` for a blank one
(0), exactly as :data:`cnndemo.data.IMAGES` writes the tutorial's sixteen 3 x 3 images, so an
image is hashable (cache keys), readable in tests, and goes straight into the engine
(``cnndemo.train.train_section(images=..., labels=...)`` and ``Model.predict_proba``).

API
---
The images themselves (``ImageSet``, pixels, link fields) are plain data: ``app.core.image_sets``.

Streamlit widgets (state lives in ``st.session_state`` under the page's ``prefix``):

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
- ``draw_pad(prefix, *, default=None, resizable=True) -> tuple[str, ...]``: one image to draw,
  with height/width inputs (1..``limits.MAX_IMAGE_EDIT_SIDE``) and a clear button. ``pad_image``
  / ``set_pad_image`` read and write it.

Parts shared by the image training pages (each draws a whole block of a page):

- ``image_data_or_error(image_set)`` -> ``ImageData`` or None (after an ``st.error``).
- ``ledger_part(section, size, hyperparameters)``: shape ledger of a fresh model, measured.
- ``predictions_part(run, key)``: thumbnails with P(label 1), wrong ones framed and listed.
- ``classify_part(run, pad_prefix, set_prefix, pooled=...)``: the draw pad, the trained
  model's answer (a size it cannot take is explained, not raised), "add to the images".
- ``apply_image_page_state(state, images_key, pad_key, prefix, extra)``: a decoded share link
  (``app.core.training_links``) into the page's widgets.

Widget keys (for tests; every control is a stateless ``st.button`` whose ``on_click`` edits the
stored set, so keys never go stale when images are removed):

- ``pixel_key(prefix, i, r, c)``: pixel (r, c) of image i; the pad uses image index 0.
- ``label_key(prefix, i)``, ``remove_key(prefix, i)``, ``f"{prefix}.add"``,
  ``f"{prefix}.reset"``; the pad: ``f"{prefix}.h"``, ``f"{prefix}.w"`` (number inputs) and
  ``f"{prefix}.clear"``.
- State: ``f"{prefix}.set"`` holds the ``ImageSet``; ``f"{prefix}.image"`` the pad's rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from app import training_panel as tp
from app.core import ledger, limits
from app.core.image_analysis import display_name
from app.core.image_sets import (
    INK,
    ImageSet,
    Rows,
    blank_image,
    check_rows,
    image_from_array,
    resize_image,
    set_from_link,
    toggle_pixel,
    tutorial_set,
)
from app.core.model_ledgers import model_ledger
from app.core.training_links import link_hyperparameters
from app.figures.chart_spec import SpecFigure, spec_of
from app.figures.images import image_set_figure
from app.widgets import run_figure, show_ledger
from cnndemo import data as data_mod
from cnndemo.models import build_model

# =================================================================================================
# 1. Share links
# =================================================================================================


def apply_image_page_state(
    state: dict, images_key: str, pad_key: str, prefix: str, extra: dict[str, str]
) -> None:
    """Put a decoded link state (the inverse of ``app.core.training_links.image_page_state``) into the page's
    widgets: the image set, the drawing pad and the training panel ``prefix``."""
    set_image_set(images_key, set_from_link(state["img"], state["lab"]))
    set_pad_image(pad_key, image_from_array(state["pad"]))
    tp.set_hyperparameters(prefix, link_hyperparameters(state, extra))


# =================================================================================================
# 2. Image set editor
# =================================================================================================


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


def _pixel_grid(prefix: str, index: int, rows: Rows, on_click, args: tuple) -> None:
    """Buttons for the pixels of one image: filled (primary) = 1, outlined = 0."""
    for r, line in enumerate(rows):
        with st.container(horizontal=True, wrap=False, gap=None):
            for c, ch in enumerate(line):
                st.button(
                    "\u2009",  # a thin space: the state is the fill colour, not a glyph
                    key=pixel_key(prefix, index, r, c),
                    type="primary" if ch == INK else "secondary",
                    on_click=on_click,
                    args=(*args, r, c),
                    width=34,
                )


def probability_text(probability: float, label: int) -> str:
    """Markdown for a card: the probability of label 1, marked right (✓) or wrong (✗, bold)."""
    right = (probability > 0.5) == (label == 1)
    if right:
        return f":green[p = {probability:.3f} ✓]"
    return f":red[**p = {probability:.3f} ✗**]"


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
    if probabilities is not None and len(probabilities) != len(current):
        probabilities = None
    with st.container(horizontal=True, gap="small"):
        for i, (rows, label) in enumerate(zip(current.images, current.labels, strict=True)):
            with st.container(border=True, width=card_width, gap="small"):
                _pixel_grid(prefix, i, rows, _edit, (prefix, "toggled", i))
                with st.container(horizontal=True, wrap=False, gap="small"):
                    st.button(
                        f"label {label}",
                        key=label_key(prefix, i),
                        type="secondary",
                        on_click=_edit,
                        args=(prefix, "relabelled", i),
                        help="Click to switch the label: 1 = a single straight line, 0 = not",
                    )
                    st.button(
                        "✕",
                        key=remove_key(prefix, i),
                        type="tertiary",
                        on_click=_edit,
                        args=(prefix, "without", i),
                        help="Remove this image",
                        disabled=len(current) <= 1,
                    )
                if probabilities is not None:
                    st.markdown(probability_text(float(probabilities[i]), label))
    with st.container(horizontal=True):
        st.button(
            "➕ add a blank image",
            key=f"{prefix}.add",
            on_click=_add_blank,
            args=(prefix,),
            disabled=len(current) >= limits.MAX_IMAGES,
            help=f"At most {limits.MAX_IMAGES} images",
        )
        st.button(
            "↺ back to the tutorial's images",
            key=f"{prefix}.reset",
            on_click=set_image_set,
            args=(prefix, tutorial_set()),
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

    The editor's buttons are drawn only while the expander is open (``on_change="rerun"``
    tells the script when it opens), so a closed editor costs nothing on a rerun.
    """
    current = image_set(prefix)
    if probabilities is not None and len(probabilities) != len(current):
        probabilities = None
    shown = None if probabilities is None else tuple(float(p) for p in probabilities)
    spec = _thumbnails_spec(current, shown, title)
    st.plotly_chart(SpecFigure(spec), key=figure_key)
    editor = st.expander(EDIT_LABEL, key=edit_key, on_change="rerun")
    with editor:
        if editor.open:
            image_set_editor(prefix, probabilities=probabilities)
    return image_set(prefix)


def images_and_training(
    prefix: str, section: int, images: str, extras: Sequence = ()
) -> tuple[ImageSet, data_mod.ImageData | None, dict, object]:
    """The part every image training page shares, in page order: the images (thumbnails with
    the current run's predictions, editor below), the hyper-parameters and the training panel.

    ``prefix`` is the page's panel prefix (``"s5"``), ``images`` its image-set prefix. Returns
    ``(image set, its training data or None when invalid, hyper-parameters, run or None)``.
    """
    image_set_now = image_set(images)
    data = image_data_or_error(image_set_now)
    st.subheader("The images")
    st.caption(
        "Label 1 = a single straight line. After training each thumbnail shows the model's "
        "P(label 1) and a wrong answer is framed; open the editor below it to change the images."
    )
    cards = st.container()

    st.subheader("Hyper-parameters")
    hp = tp.hyperparameter_controls(prefix, section, extras)
    run = tp.training_panel(prefix, section, data, hp)

    with cards:
        fresh = run is not None and not run.stale
        image_set_section(
            images,
            probabilities=run.final.probabilities if fresh else None,
            figure_key=f"{prefix}.fig.images",
            edit_key=f"{prefix}.edit",
        )
    return image_set_now, data, hp, run


# =================================================================================================
# 3. Draw pad
# =================================================================================================


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
        _pixel_grid(prefix, 0, rows, _toggle_pad, (prefix,))
    return rows


# =================================================================================================
# 4. Parts shared by the image training pages (5-8)
# =================================================================================================


def image_data_or_error(value: ImageSet) -> data_mod.ImageData | None:
    """The engine's dataset for ``value``, or None after showing why it cannot be used."""
    try:
        return data_mod.image_data(value.images, value.labels)
    except ValueError as error:
        st.error(f"These images cannot be used for training: {error}")
        return None


@st.cache_data(max_entries=32, show_spinner=False)
def _ledger_rows(section: int, size: tuple[int, int], hp_json: str) -> list:
    """Shapes and parameter counts of a fresh model (keyed on the setup only)."""
    return model_ledger(build_model(section, input_size=size, **json.loads(hp_json)))


def ledger_part(section: int, size: tuple[int, int], hyperparameters: dict) -> None:
    """The shape ledger of the page's model, with the conv output-size formula per axis."""
    hp = {k: v for k, v in hyperparameters.items()}
    try:
        rows = _ledger_rows(section, tuple(size), json.dumps(hp, sort_keys=True))
    except ValueError as error:
        st.error(f"This model cannot be built: {error}")
        return
    kh, kw = hp["kernel_size"]
    formulas = [
        ledger.output_size_latex(size[0], kh, 1, "valid", axis="rows"),
        ledger.output_size_latex(size[1], kw, 1, "valid", axis="cols"),
    ]
    if section == 7:
        second = hp["second_kernel_size"]
        formulas.append(
            ledger.output_size_latex(size[0] - kh + 1, second[0], 1, "valid", axis="rows,2")
        )
    show_ledger(rows, formulas)


def predictions_part(run, key: str, heading: str = "What it answers for each image") -> None:
    """Thumbnails with P(label 1) (wrong ones framed), the wrong ones in words, a table."""
    st.subheader(heading)
    names, targets = run.data.names, run.data.targets
    probabilities = run.final.probabilities
    st.plotly_chart(
        run_figure(
            run,
            "thumbs",
            lambda: image_set_figure(
                run.data.inputs[..., 0],
                targets.astype(int),
                probabilities,
                title="Predicted probability of label 1",
            ),
        ),
        key=f"{key}.fig.thumbs",
    )
    wrong = run.wrong()
    if wrong:
        st.markdown(
            f"**Wrong ({len(wrong)}):** "
            + ", ".join(
                f"`{display_name(names[i])}` (label {int(targets[i])}, p = {probabilities[i]:.3f})"
                for i in wrong
            )
        )
    else:
        st.markdown("**Every image is on the right side of 0.5.**")
    with st.expander("All probabilities as a table"):
        st.dataframe(
            pd.DataFrame(
                {
                    "image (· = blank)": [display_name(n) for n in names],
                    "label": targets.astype(int),
                    "P(label 1)": np.round(probabilities, 4),
                    "right?": ["✗ wrong" if i in wrong else "✓" for i in range(len(names))],
                }
            ),
            hide_index=True,
        )


def _add_drawing(set_prefix: str, rows: Rows, label: int) -> None:
    current = image_set(set_prefix)
    if len(current) < limits.MAX_IMAGES:
        set_image_set(set_prefix, current.with_image(rows, label))


def classify_part(run, pad_prefix: str, set_prefix: str, *, pooled: bool) -> None:
    """Draw an image, get the trained model's answer; add the drawing to the training images.

    A size the model cannot take (flattened models: any other size than the training
    images') is explained with the engine's own message instead of failing.
    """
    st.subheader("Draw a new image and classify it")
    if pooled:
        st.caption(
            "Click pixels to ink them. A pooled model takes any image at least as large as its "
            "kernel: try a 4x4 image with a line."
        )
    else:
        st.caption(
            "Click pixels to ink them. This model flattens its feature maps into the dense "
            "layer, whose weight count is fixed by the training images' size: try another "
            "size to see what that means."
        )
    left, right = st.columns([1, 2])
    with left:
        rows = draw_pad(pad_prefix)
    with right:
        if run is None:
            st.info("Train the model first; then it classifies your drawing here.")
        else:
            try:
                p = float(run.model.predict_proba([list(rows)])[0])
            except ValueError as error:
                st.warning(f"The trained model cannot take this image: {error}")
            else:
                verdict = "a line (label 1)" if p > 0.5 else "not a line (label 0)"
                st.metric("P(label 1)", f"{p:.4f}")
                st.markdown(f"The trained model says **{verdict}**.")
                if run.stale:
                    st.caption("(The model of the last run, trained on an earlier setup.)")
        current = image_set(set_prefix)
        if (len(rows), len(rows[0])) == current.size:
            cols = st.columns(2)
            for label, col in zip((1, 0), cols, strict=True):
                col.button(
                    f"add to the images as label {label}",
                    key=f"{pad_prefix}.add{label}",
                    on_click=_add_drawing,
                    args=(set_prefix, tuple(rows), label),
                    disabled=len(current) >= limits.MAX_IMAGES,
                )
        else:
            st.caption(
                f"The training images are {current.size[0]}x{current.size[1]}: resize the "
                "drawing to add it to them."
            )
