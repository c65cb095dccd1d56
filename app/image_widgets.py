"""Streamlit widgets for sets of small binary images (sections 5-8): edit, extend, draw.

An image is a tuple of row strings, ``'#'`` for an inked pixel (1) and ``' '`` for a blank one
(0), exactly as :data:`cnndemo.data.IMAGES` writes the tutorial's sixteen 3 x 3 images, so an
image is hashable (cache keys), readable in tests, and goes straight into the engine
(``cnndemo.train.train_section(images=..., labels=...)`` and ``Model.predict_proba``).

API
---
Pure helpers (no Streamlit; tested in ``tests/app/test_image_widgets.py``):

- ``ImageSet(images, labels)``: frozen; ``.arrays()`` -> (n, h, w) floats, ``.names`` (rows
  joined by "/", as the engine reports them), ``.size`` -> (h, w), ``len()``;
  ``.with_image(rows, label)``, ``.without(i)``, ``.toggled(i, r, c)``, ``.relabelled(i)``.
- ``tutorial_set()``: the tutorial's sixteen images and labels.
- ``blank_image(h, w)``, ``toggle_pixel(rows, r, c)``, ``resize_image(rows, h, w)`` (crop or pad
  with blanks), ``image_from_array(array)``.
- Share links: ``link_fields(images="img", labels="lab")`` -> two ``TensorField`` for a page's
  ``Schema``; ``link_values(image_set)`` -> their values; ``check_link(images, labels)`` -> list
  of problems (for ``Schema.check``); ``set_from_link(images, labels)`` -> ``ImageSet``.

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
- Share links of a training page: ``image_page_schema(extra_fields)``,
  ``image_page_state(image_set, hp, extra, pad_rows)``, ``link_hyperparameters(state, extra)``
  and ``NumberField`` (a range-checked decimal field for ``app.share.Schema``).

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
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from app import image_figures as imf
from app import ledger, limits
from app import training_panel as tp
from app.chart_spec import SpecFigure, spec_of
from app.share import ChoiceField, IntField, Schema, TensorField, format_number, parse_number
from app.widgets import show_ledger
from cnndemo import data as data_mod
from cnndemo.models import build_model
from cnndemo.optim import OPTIMIZERS

Rows = tuple[str, ...]

INK, BLANK = "#", " "

# =================================================================================================
# 1. Pure helpers
# =================================================================================================


def _check_rows(rows: Sequence[str]) -> Rows:
    rows = tuple(rows)
    if not rows or any(not isinstance(r, str) for r in rows):
        raise ValueError(f"an image is a non-empty list of row strings; got {rows!r}")
    if len({len(r) for r in rows}) != 1 or not rows[0]:
        raise ValueError(f"image rows must be non-empty and equally long; got {rows!r}")
    if set("".join(rows)) - {INK, BLANK}:
        raise ValueError("image rows may only hold '#' (pixel on) and ' ' (pixel off)")
    return rows


@dataclass(frozen=True)
class ImageSet:
    """Equal-sized binary images with a 0/1 label each (1 = a single straight line).

    Attributes
    ----------
    images : tuple of images, each a tuple of row strings ('#' = 1, ' ' = 0)
    labels : tuple of int, one 0 or 1 per image
    """

    images: tuple[Rows, ...]
    labels: tuple[int, ...]

    def __post_init__(self) -> None:
        images = tuple(_check_rows(rows) for rows in self.images)
        labels = tuple(int(v) for v in self.labels)
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        if any(v not in (0, 1) for v in labels):
            raise ValueError(f"labels must be 0 or 1; got {list(labels)}")
        if len({(len(r), len(r[0])) for r in images}) > 1:
            raise ValueError("all images of a set must have the same size")
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "labels", labels)

    def __len__(self) -> int:
        return len(self.images)

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of every image (the tutorial's (3, 3) for an empty set)."""
        if not self.images:
            return (3, 3)
        return len(self.images[0]), len(self.images[0][0])

    @property
    def names(self) -> tuple[str, ...]:
        """Rows joined by "/" (``"###/   /   "``): how the engine names each image."""
        return tuple("/".join(rows) for rows in self.images)

    def arrays(self) -> np.ndarray:
        """The images as 0/1 floats, shape (n, height, width)."""
        h, w = self.size
        if not self.images:
            return np.zeros((0, h, w))
        return np.array(
            [[[ch == INK for ch in row] for row in rows] for rows in self.images], float
        )

    def with_image(self, rows: Sequence[str], label: int = 0) -> ImageSet:
        """This set with one more image at the end."""
        return ImageSet((*self.images, tuple(rows)), (*self.labels, int(label)))

    def without(self, index: int) -> ImageSet:
        """This set without image ``index``."""
        keep = [i for i in range(len(self)) if i != index]
        return ImageSet(tuple(self.images[i] for i in keep), tuple(self.labels[i] for i in keep))

    def toggled(self, index: int, row: int, col: int) -> ImageSet:
        """This set with pixel (row, col) of image ``index`` switched."""
        images = list(self.images)
        images[index] = toggle_pixel(images[index], row, col)
        return ImageSet(tuple(images), self.labels)

    def relabelled(self, index: int) -> ImageSet:
        """This set with the label of image ``index`` switched between 0 and 1."""
        labels = list(self.labels)
        labels[index] = 1 - labels[index]
        return ImageSet(self.images, tuple(labels))


def tutorial_set() -> ImageSet:
    """The tutorial's sixteen 3 x 3 images: six lines (label 1), then ten others (label 0)."""
    return ImageSet(data_mod.IMAGES, data_mod.IMAGE_LABELS)


def blank_image(height: int = 3, width: int = 3) -> Rows:
    """An image with every pixel off."""
    return (BLANK * width,) * height


def toggle_pixel(rows: Sequence[str], row: int, col: int) -> Rows:
    """``rows`` with pixel (row, col) switched on/off."""
    rows = list(_check_rows(rows))
    line = rows[row]
    flipped = BLANK if line[col] == INK else INK
    rows[row] = line[:col] + flipped + line[col + 1 :]
    return tuple(rows)


def resize_image(rows: Sequence[str], height: int, width: int) -> Rows:
    """Crop or extend (with blank pixels) to ``height`` x ``width``, keeping the top-left."""
    rows = _check_rows(rows)
    fitted = [row[:width].ljust(width, BLANK) for row in rows[:height]]
    fitted += [BLANK * width] * (height - len(fitted))
    return tuple(fitted)


def image_from_array(array: np.ndarray) -> Rows:
    """Row strings of a 0/1 array of shape (height, width)."""
    return data_mod.image_rows(np.asarray(array))


# --- Share links --------------------------------------------------------------------------------


def link_fields(images: str = "img", labels: str = "lab") -> tuple[TensorField, TensorField]:
    """Link fields for an image set: pixels (n, h, w) and labels (n,), within the caps."""
    side = limits.MAX_IMAGE_EDIT_SIDE
    return (
        TensorField(images, (limits.MAX_IMAGES, side, side), max_abs=1.0),
        TensorField(labels, (limits.MAX_IMAGES,), max_abs=1.0),
    )


def link_values(image_set: ImageSet) -> tuple[np.ndarray, np.ndarray]:
    """The values of ``link_fields`` for ``image_set`` (pixels, labels)."""
    return image_set.arrays(), np.array(image_set.labels, dtype=np.float64)


def check_link(images: np.ndarray, labels: np.ndarray) -> list[str]:
    """Problems with decoded link values (pixels and labels must be 0/1, one label per image)."""
    problems = []
    if not np.isin(images, (0.0, 1.0)).all():
        problems.append("image pixels must be 0 or 1")
    if not np.isin(labels, (0.0, 1.0)).all():
        problems.append("image labels must be 0 or 1")
    if len(images) != len(labels):
        problems.append(f"the link has {len(images)} images but {len(labels)} labels")
    return problems


def set_from_link(images: np.ndarray, labels: np.ndarray) -> ImageSet:
    """The ``ImageSet`` of checked link values (see ``check_link``)."""
    return ImageSet(
        tuple(image_from_array(image) for image in images), tuple(int(v) for v in labels)
    )


@dataclass(frozen=True)
class NumberField:
    """A decimal number in ``[low, high]`` (``app.share`` has integers, choices and tensors only;
    this follows the same rules: plain decimals only, range-checked)."""

    name: str
    low: float
    high: float

    def to_text(self, value: float) -> str:
        return format_number(float(value))

    def from_text(self, text: str) -> float:
        number = parse_number(text, self.name)
        if not self.low <= number <= self.high:
            raise ValueError(f"'{self.name}' = {number:g} is outside {self.low:g}..{self.high:g}")
        return number


# Link field -> build_model hyper-parameter, for the controls every training page shows.
TRAINING_LINK = {
    "lr": "learning_rate",
    "mom": "momentum",
    "opt": "optimizer",
    "init": "init_scale",
    "ep": "epochs",
    "seed": "seed",
}


def image_page_schema(extra_fields: Sequence = (), pad: bool = True) -> Schema:
    """A training page's link: the image set, the pad image (optional), the common
    hyper-parameters (``TRAINING_LINK``) and the page's ``extra_fields``."""
    side = limits.MAX_IMAGE_EDIT_SIDE
    fields = [
        *link_fields(),
        NumberField("lr", 1e-4, 10.0),
        NumberField("mom", 0.0, 0.99),
        ChoiceField("opt", tuple(OPTIMIZERS)),
        NumberField("init", 1e-4, 2.0),
        IntField("ep", 1, limits.MAX_EPOCHS),
        IntField("seed", 0, limits.MAX_SEED),
        *extra_fields,
    ]
    if pad:
        fields.append(TensorField("pad", (side, side), max_abs=1.0))

    def check(state: dict) -> list[str]:
        problems = check_link(state["img"], state["lab"])
        if pad and not np.isin(state["pad"], (0.0, 1.0)).all():
            problems.append("the drawn image's pixels must be 0 or 1")
        if len(state["img"]) == 0:
            problems.append("the link has no images")
        return problems

    return Schema(tuple(fields), check=check)


def image_page_state(
    image_set_value: ImageSet,
    hyperparameters: dict,
    extra: dict[str, str],
    pad_rows: Sequence[str] | None = None,
) -> dict:
    """The link state of a page: ``extra`` maps link names to hyper-parameter names."""
    images, labels = link_values(image_set_value)
    state = {"img": images, "lab": labels}
    for field, name in {**TRAINING_LINK, **extra}.items():
        state[field] = hyperparameters[name]
    if pad_rows is not None:
        state["pad"] = data_mod.parse_image(list(pad_rows))
    return state


def link_hyperparameters(state: dict, extra: dict[str, str]) -> dict:
    """Hyper-parameter values (by ``build_model`` name) from a decoded link state."""
    return {name: state[field] for field, name in {**TRAINING_LINK, **extra}.items()}


def apply_image_page_state(
    state: dict, images_key: str, pad_key: str, prefix: str, extra: dict[str, str]
) -> None:
    """Put a decoded link state (the inverse of :func:`image_page_state`) into the page's
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
    return spec_of(imf.image_set_figure(value.arrays(), value.labels, probabilities, title=title))


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
    rows = _check_rows(rows)
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
    return imf.model_ledger(build_model(section, input_size=size, **json.loads(hp_json)))


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
        run.figure(
            "thumbs",
            lambda: imf.image_set_figure(
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
                f"`{imf.display_name(names[i])}` (label {int(targets[i])}, "
                f"p = {probabilities[i]:.3f})"
                for i in wrong
            )
        )
    else:
        st.markdown("**Every image is on the right side of 0.5.**")
    with st.expander("All probabilities as a table"):
        st.dataframe(
            pd.DataFrame(
                {
                    "image (· = blank)": [imf.display_name(n) for n in names],
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
