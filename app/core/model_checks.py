"""What a model file may describe on a page: the app's limits, checked before anything is built.

The engine reads model files within budgets of its own (``cnndemo.safe_read``) and refuses
models beyond its bounds (``cnndemo.bounds``), which are far above anything a page offers. A
page is stricter: ``MODEL_FILE_BUDGET`` is what reading an upload may cost (bytes, JSON depth,
``.npz`` members and inflated bytes, time), all from ``app.core.limits``, and
:func:`check_model_meta` (handed to ``cnndemo.persist.loads`` as its ``check``) refuses, from the
file's metadata alone, a model of another section or one whose shape the page's controls could
not show: more channels, a wider kernel, a longer input or a larger vocabulary than the page
allows. Training settings (learning rate, momentum, init scale, epochs, seed) are not refused
here: they do not shape the model, and the controls clamp them with a note that says so
(``Controls.set_values``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core import limits
from app.core.hyperparameters import (
    EMBEDDING_SIZE,
    IMAGE_CHANNELS,
    SECOND_CHANNELS,
    TEXT_CHANNELS,
)
from cnndemo.model_specs import model_spec
from cnndemo.persist import ModelFileError
from cnndemo.safe_read import Budget

__all__ = ["MODEL_FILE_BUDGET", "check_model_meta", "shape_bounds"]

MODEL_FILE_BUDGET = Budget(
    max_bytes=limits.MAX_MODEL_FILE_BYTES,
    max_depth=limits.MAX_MODEL_FILE_DEPTH,
    max_members=limits.MAX_MODEL_FILE_MEMBERS,
    max_member_bytes=limits.MAX_MODEL_FILE_INFLATED,
    max_total_bytes=limits.MAX_MODEL_FILE_INFLATED,
    seconds=limits.LOAD_SECONDS,
)
"""What reading one uploaded model file may cost, whatever the file claims."""


def _control_range(control: Any) -> tuple[int, int]:
    return int(control.low), int(control.high)


def shape_bounds(section: int) -> dict[str, tuple[int, int]]:
    """(lowest, highest) of every hyper-parameter that shapes a model, on ``section``'s page,
    per axis for sizes and strides; ``"input_size"`` bounds each side of the input."""
    text = model_spec(section).input_kind == "text"
    side = limits.MAX_TOKENS if text else limits.MAX_IMAGE_EDIT_SIDE
    return {
        "channels": _control_range(TEXT_CHANNELS if text else IMAGE_CHANNELS),
        "second_channels": _control_range(SECOND_CHANNELS),
        "embedding_size": _control_range(EMBEDDING_SIZE),
        "kernel_size": (1, limits.MAX_KERNEL),
        "second_kernel_size": (1, limits.MAX_KERNEL),
        "conv_stride": (1, limits.MAX_STRIDE),
        "pool_size": (1, limits.MAX_IMAGE_EDIT_SIDE),
        "pool_stride": (1, limits.MAX_IMAGE_EDIT_SIDE),
        "input_size": (1, side),
    }


def _numbers(value: Any) -> list[int | float]:
    """The numbers of a size (one number or a short list of them); [] for anything else, which
    the engine then refuses with its own message."""
    items = value if isinstance(value, list) and len(value) <= 2 else [value]
    return [v for v in items if isinstance(v, int | float) and not isinstance(v, bool)]


def _shown(number: int | float) -> str:
    """A file's number in a message: short, whatever its size (a JSON integer may have 4,000
    digits, too many for a float)."""
    if isinstance(number, int):
        return f"{number:,}" if abs(number) < 10**12 else "a number with more than 12 digits"
    return f"{number:g}"


def check_model_meta(meta: Mapping[str, Any], section: int) -> None:
    """Refuse a model file ``section``'s page cannot show, from its metadata alone.

    ``meta`` is the file's top-level object (``section``, ``hyperparameters``, ``input_size``,
    ``vocabulary``), already checked for its layout by ``cnndemo.persist``.

    Raises
    ------
    ModelFileError
        Another section's model, a shape outside the page's bounds, or too large a vocabulary.
    """
    found = meta.get("section")
    if found != section:
        known = isinstance(found, int) and not isinstance(found, bool) and 0 <= found < 100
        shown = f"section {found}" if known else "another kind of"
        raise ModelFileError(f"this is a {shown} model; this page trains section {section}")
    bounds = shape_bounds(section)
    hp = meta.get("hyperparameters")
    if not isinstance(hp, Mapping) or len(hp) > 2 * len(bounds) + 8:
        raise ModelFileError("the file's hyper-parameters are not a short list of settings")
    values = {name: hp.get(name) for name in bounds if name in hp}
    values["input_size"] = meta.get("input_size")
    for name, value in values.items():
        low, high = bounds[name]
        for number in _numbers(value):
            if not low <= number <= high:
                raise ModelFileError(
                    f"it has {name.replace('_', ' ')} = {_shown(number)}; this page allows "
                    f"{low} to {high}"
                )
    vocabulary = meta.get("vocabulary")
    if isinstance(vocabulary, list):
        if len(vocabulary) > limits.MAX_VOCABULARY:
            raise ModelFileError(
                f"the vocabulary has {len(vocabulary):,} words; this page reads at most "
                f"{limits.MAX_VOCABULARY}"
            )
        longest = max((len(w) for w in vocabulary if isinstance(w, str)), default=0)
        if longest > limits.MAX_WORD_CHARS:
            raise ModelFileError(
                f"a vocabulary word has {longest:,} characters; words have at most "
                f"{limits.MAX_WORD_CHARS}"
            )
