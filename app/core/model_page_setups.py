"""The link setups of the training pages (sections 3-8) as plain data, and the engine's model
setup a link state describes.

A training page's link holds its data (``t``/``y`` sentences and labels on pages 3-4,
``img``/``lab`` images and labels on pages 5-8, ``pad`` the drawing on 5-7) and its
hyper-parameter controls (``lr``, ``mom``, ``opt``, ``init``, ``ep``, ``seed`` and the page's
own: ``act``, ``ch``, ``pool``, ``em``, ``ch2``; page 8 adds its model's pooling window and
stride ``mpy``, ``mpx``, ``msy``, ``msx`` and its grid part's fields). The schemas are the
pages' own (``app.core.training_links``); ``model_setup(page, state)`` turns a decoded link
state into what ``cnndemo`` trains: ``(section, data, hyperparameters)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core import limits
from app.core.controls import Controls
from app.core.conv_controls import size_control
from app.core.conv_page_setups import GRID_CONTROLS, grid_defaults
from app.core.hyperparameters import (
    ACTIVATION,
    IMAGE_CHANNELS,
    POOL,
    SECOND_CHANNELS,
    training_controls,
)
from app.core.image_sets import blank_image, set_from_link, tutorial_set
from app.core.sentences import sentences_from_codes
from app.core.share import Schema
from app.core.training_links import (
    image_page_schema,
    image_page_state,
    text_page_controls,
    text_page_schema,
    text_page_state,
)
from cnndemo import data as data_mod
from cnndemo.models import default_hyperparameters, model_spec

Data = data_mod.TextData | data_mod.ImageData

POOL_SHAPE = Controls(
    tuple(
        size_control(f"p8m.{key}", label, limits.MAX_IMAGE_EDIT_SIDE, 2, field)
        for key, label, field in (
            ("py", "pool window height", "mpy"),
            ("px", "pool window width", "mpx"),
            ("sy", "pool stride y", "msy"),
            ("sx", "pool stride x", "msx"),
        )
    )
)
"""Page 8's model pooling: window (rows, columns) then stride (rows, columns)."""


@dataclass(frozen=True)
class ModelPage:
    """One training page: its section, the panel prefix of its controls and their link fields.

    ``controls`` are every control of the page's link (hyper-parameters, and on page 8 the grid
    part's and the model's pooling shape); ``hyperparameter_controls`` only those that are
    ``build_model`` keywords.
    """

    page: str
    section: int
    prefix: str
    hyperparameter_controls: Controls
    controls: Controls

    @property
    def text(self) -> bool:
        return model_spec(self.section).input_kind == "text"

    @property
    def schema(self) -> Schema:
        if self.text:
            return text_page_schema("pool" in default_hyperparameters(self.section))
        return image_page_schema(self.controls, pad=self.section != 8)

    def defaults(self) -> dict[str, Any]:
        """The page's link state as it opens: the tutorial's data, the engine's defaults."""
        hp = default_hyperparameters(self.section)
        if self.text:
            return text_page_state(data_mod.TEXT_SENTENCES, data_mod.TEXT_LABELS, hp, "pool" in hp)
        values = self.hyperparameter_controls.link_values(hp)
        if self.section != 8:
            return image_page_state(tutorial_set(), values, blank_image())
        shape = {control.field: control.default for control in POOL_SHAPE}
        return grid_defaults() | image_page_state(tutorial_set(), values) | shape


def _image_page(page: str, section: int, prefix: str, extras: tuple) -> ModelPage:
    controls = training_controls(prefix, section, extras).all
    return ModelPage(page, section, prefix, controls, controls)


def _text_page(page: str, section: int, prefix: str) -> ModelPage:
    controls = text_page_controls("pool" in default_hyperparameters(section))
    return ModelPage(page, section, prefix, controls, controls)


_PAGE8_HP = training_controls("p8m", 8, (POOL,)).all
MODEL_PAGES: dict[str, ModelPage] = {
    spec.page: spec
    for spec in (
        _text_page("cnn1d-pooled", 3, "s3"),
        _text_page("cnn1d-flat", 4, "s4"),
        _image_page("cnn2d-pooled", 5, "s5", (POOL, ACTIVATION, IMAGE_CHANNELS)),
        _image_page("cnn2d-flat", 6, "s6", (ACTIVATION, IMAGE_CHANNELS)),
        _image_page("cnn2d-two-layers", 7, "s7", (ACTIVATION, IMAGE_CHANNELS, SECOND_CHANNELS)),
        ModelPage("cnn2d-downsampled", 8, "p8m", _PAGE8_HP, GRID_CONTROLS + _PAGE8_HP + POOL_SHAPE),
    )
}
"""Every training page by its page id (``PAGE`` in pages/N_name.py)."""


def model_setup(page: str, state: Mapping[str, Any]) -> tuple[int, Data, dict[str, Any]]:
    """What the engine trains for a training page's decoded link state.

    Returns
    -------
    section : int
    data : TextData or ImageData
        The page's sentences (vocabulary built from them, as the page does) or images.
    hyperparameters : dict
        Every ``build_model`` keyword of the section: the engine's defaults with the link's.

    Raises
    ------
    ValueError
        The link's data cannot be used (the engine's message).
    """
    spec = MODEL_PAGES[page]
    if spec.text:
        sentences = sentences_from_codes(state["t"])
        data: Data = data_mod.text_data(sentences, [int(v) for v in state["y"]])
    else:
        image_set = set_from_link(state["img"], state["lab"])
        data = data_mod.image_data(list(image_set.arrays()), list(image_set.labels))
    hp = default_hyperparameters(spec.section) | spec.hyperparameter_controls.from_link(state)
    if spec.section == 8:
        hp["pool_size"] = [int(state["mpy"]), int(state["mpx"])]
        hp["pool_stride"] = [int(state["msy"]), int(state["msx"])]
    return spec.section, data, hp


def page_of_prefix(prefix: str) -> str | None:
    """The training page whose panel has session-state prefix ``prefix`` (None if none)."""
    return next((spec.page for spec in MODEL_PAGES.values() if spec.prefix == prefix), None)
