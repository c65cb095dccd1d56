"""Share links of the training pages: the data's fields next to the hyper-parameter controls'.

Plain Python (no Streamlit). One format for the same hyper-parameter on every training page:
its field is declared with its control (``app.core.hyperparameters``: lr, mom, opt, init, ep,
seed, act, ch, pool, em, ch2). The data's fields:

- image pages (5-8): ``img``, ``lab`` (the image set) and ``pad`` (the drawing) -
  ``image_page_schema(controls, pad)``, ``image_page_state(image_set, controls_state, pad_rows)``;
- text pages (3-4): ``t`` (sentences as code points) and ``y`` (labels) -
  ``text_page_schema(pool)``, ``text_page_state(sentences, labels, hp, pool)``.

Text-page links written before the formats were joined (``h=3_lr_mom_init``, ``sd``, ``op``,
``ac``, ``pl``) still open: ``TEXT_LEGACY`` translates them on read; pages write only today's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from app.core import limits
from app.core.controls import Controls
from app.core.hyperparameters import COMMON, text_extras
from app.core.image_sets import ImageSet, check_link, link_fields, link_values
from app.core.sentences import clean_sentences, sentence_codes, sentences_from_codes
from app.core.share import Renamed, Schema, Split, TensorField
from cnndemo import data as data_mod

TEXT_LEGACY = (
    Split("h", ("lr", "mom", "init")),
    Renamed("sd", "seed"),
    Renamed("op", "opt"),
    Renamed("ac", "act"),
    Renamed("pl", "pool"),
)
"""The text pages' earlier link format -> today's (``ep``, ``em``, ``ch``, ``t``, ``y`` kept)."""


def image_page_schema(controls: Controls, pad: bool = True) -> Schema:
    """An image training page's link: the image set, its ``controls`` and the drawing (``pad``)."""
    side = limits.MAX_IMAGE_EDIT_SIDE
    drawing = (TensorField("pad", (side, side), max_abs=1.0),) if pad else ()

    def check(state: dict) -> list[str]:
        problems = check_link(state["img"], state["lab"])
        if pad and not np.isin(state["pad"], (0.0, 1.0)).all():
            problems.append("the drawn image's pixels must be 0 or 1")
        if len(state["img"]) == 0:
            problems.append("the link has no images")
        return problems

    return controls.schema((*link_fields(), *drawing), check)


def image_page_state(
    image_set_value: ImageSet,
    controls_state: Mapping[str, Any],
    pad_rows: Sequence[str] | None = None,
) -> dict:
    """The link state of an image page: its images, its controls' link values
    (``Controls.link_values`` or ``share_state``) and, if given, the drawing."""
    images, labels = link_values(image_set_value)
    state = {"img": images, "lab": labels, **controls_state}
    if pad_rows is not None:
        state["pad"] = data_mod.parse_image(list(pad_rows))
    return state


def text_page_controls(pool: bool) -> Controls:
    """The controls a text page's link holds (unbound: only their fields matter here)."""
    return Controls((*COMMON, *text_extras(pool)))


def text_page_schema(pool: bool) -> Schema:
    """Link fields: sentences (code points), labels, then the controls' (old links translated)."""

    def check(state: dict) -> list[str]:
        if len(state["t"]) != len(state["y"]):
            return ["the link has a different number of sentences and labels"]
        try:
            rows = list(zip(sentences_from_codes(state["t"]), state["y"].tolist(), strict=True))
        except ValueError as error:
            return [str(error)]
        return clean_sentences(rows)[3]

    sentences = TensorField(
        "t",
        (limits.MAX_SENTENCES, limits.MAX_TOKENS * (limits.MAX_WORD_CHARS + 1)),
        max_abs=0x10FFFF,
    )
    labels = TensorField("y", (limits.MAX_SENTENCES,))
    return text_page_controls(pool).schema((sentences, labels), check, TEXT_LEGACY)


def text_page_state(
    sentences: Sequence[str], labels: Sequence[int], hp: Mapping[str, Any], pool: bool
) -> dict[str, Any]:
    """The page's setup as the link's fields."""
    return {
        "t": sentence_codes(sentences),
        "y": np.array(labels, dtype=float),
        **text_page_controls(pool).link_values(hp),
    }
