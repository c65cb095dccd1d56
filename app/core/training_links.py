"""Share links of the training pages: which fields a link holds and how a setup maps onto them.

Plain Python (no Streamlit). Image pages (5-8): ``image_page_schema(extra_fields, pad)``,
``image_page_state(image_set, hp, extra, pad_rows)`` and ``link_hyperparameters(state, extra)``,
with ``TRAINING_LINK`` naming the common hyper-parameters' fields and ``NumberField`` a
range-checked decimal field for ``app.core.share.Schema``. Text pages (3-4):
``text_page_schema(pool)`` and ``text_page_state(sentences, labels, hp, pool)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core import limits
from app.core.image_sets import ImageSet, check_link, link_fields, link_values
from app.core.sentences import clean_sentences, sentence_codes, sentences_from_codes
from app.core.share import ChoiceField, IntField, Schema, TensorField, format_number, parse_number
from cnndemo import data as data_mod
from cnndemo.layers import ACTIVATIONS, POOL_KINDS
from cnndemo.optim import OPTIMIZERS


@dataclass(frozen=True)
class NumberField:
    """A decimal number in ``[low, high]`` (``app.core.share`` has integers, choices and tensors
    only; this follows the same rules: plain decimals only, range-checked)."""

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


def text_page_schema(pool: bool) -> Schema:
    """Link fields: sentences (code points), labels, [lr, momentum, init], epochs, seed, ..."""
    fields: list = [
        TensorField(
            "t",
            (limits.MAX_SENTENCES, limits.MAX_TOKENS * (limits.MAX_WORD_CHARS + 1)),
            max_abs=0x10FFFF,
        ),  # fmt: skip
        TensorField("y", (limits.MAX_SENTENCES,)),
        TensorField("h", (3,)),
        IntField("ep", 1, limits.MAX_EPOCHS),
        IntField("sd", 0, limits.MAX_SEED),
        ChoiceField("op", tuple(OPTIMIZERS)),
        ChoiceField("ac", tuple(ACTIVATIONS)),
        IntField("em", 1, limits.MAX_EMBEDDING),
        IntField("ch", 2, limits.MAX_CHANNELS),
    ]
    if pool:
        fields.append(ChoiceField("pl", tuple(POOL_KINDS)))

    def check(state: dict) -> list[str]:
        if len(state["t"]) != len(state["y"]):
            return ["the link has a different number of sentences and labels"]
        lr, momentum, init = state["h"]
        if not (0 < lr <= 10 and 0 <= momentum < 1 and 0 < init <= 2):
            return ["learning rate, momentum or init scale is out of range"]
        try:
            rows = list(zip(sentences_from_codes(state["t"]), state["y"].tolist(), strict=True))
        except ValueError as error:
            return [str(error)]
        errors = clean_sentences(rows)[3]
        return errors

    return Schema(tuple(fields), check=check)


def text_page_state(
    sentences: Sequence[str], labels: Sequence[int], hp: Mapping[str, Any], pool: bool
) -> dict[str, Any]:
    """The page's setup as the link's fields."""
    state = {
        "t": sentence_codes(sentences),
        "y": np.array(labels, dtype=float),
        "h": np.array([hp["learning_rate"], hp["momentum"], hp["init_scale"]]),
        "ep": hp["epochs"],
        "sd": hp["seed"],
        "op": hp["optimizer"],
        "ac": hp["activation"],
        "em": hp["embedding_size"],
        "ch": hp["channels"],
    }
    if pool:
        state["pl"] = hp["pool"]
    return state
