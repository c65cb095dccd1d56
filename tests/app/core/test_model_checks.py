"""app.core.model_checks: a page's limits on model files, checked from the metadata alone."""

from __future__ import annotations

import json

import pytest

from app.core import limits
from app.core.hyperparameters import IMAGE_CHANNELS, TEXT_CHANNELS
from app.core.model_checks import MODEL_FILE_BUDGET, check_model_meta, shape_bounds
from cnndemo import persist
from cnndemo.models import build_model
from devtools.hostile_files import edited_model


def meta(section: int, **changes) -> dict:
    doc = json.loads(edited_model(section, **changes))
    del doc["weights"]
    return doc


def test_the_budget_comes_from_the_limits():
    assert MODEL_FILE_BUDGET.max_bytes == limits.MAX_MODEL_FILE_BYTES
    assert MODEL_FILE_BUDGET.max_total_bytes == limits.MAX_MODEL_FILE_INFLATED
    assert MODEL_FILE_BUDGET.max_members == limits.MAX_MODEL_FILE_MEMBERS
    assert MODEL_FILE_BUDGET.seconds == limits.LOAD_SECONDS


def test_the_vocabulary_limit_is_the_sentence_table_with_pad():
    assert limits.MAX_VOCABULARY == limits.MAX_SENTENCES * limits.MAX_TOKENS + 1


def test_channel_bounds_are_the_controls_of_each_page_group():
    assert shape_bounds(3)["channels"] == (TEXT_CHANNELS.low, TEXT_CHANNELS.high)
    assert shape_bounds(6)["channels"] == (IMAGE_CHANNELS.low, IMAGE_CHANNELS.high)
    assert shape_bounds(4)["input_size"] == (1, limits.MAX_TOKENS)
    assert shape_bounds(7)["input_size"] == (1, limits.MAX_IMAGE_EDIT_SIDE)


@pytest.mark.parametrize("section", range(3, 9))
def test_every_reference_model_passes(section):
    check_model_meta(meta(section), section)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hyperparameters": {"channels": 7}}, "channels = 7; this page allows 2 to 6"),
        ({"hyperparameters": {"kernel_size": 8.5}}, "kernel size = 8.5"),
        ({"hyperparameters": {"conv_stride": -1}}, "conv stride = -1"),
        ({"input_size": [11]}, "input size = 11; this page allows 1 to 10"),
        ({"vocabulary": ["a"] * 162}, "162 words; this page reads at most 161"),
        ({"vocabulary": ["a" * 21]}, "a vocabulary word has 21 characters"),
    ],
)
def test_shapes_beyond_the_page_are_refused_before_building(changes, message):
    with pytest.raises(persist.ModelFileError, match=message):
        check_model_meta(meta(3, **changes), 3)


def test_another_section_or_junk_section_is_named_without_echoing_it():
    with pytest.raises(persist.ModelFileError, match="section 5 model; this page trains section 3"):
        check_model_meta(meta(5), 3)
    with pytest.raises(persist.ModelFileError, match="another kind of model"):
        check_model_meta({**meta(3), "section": "x" * 10_000}, 3)


def test_values_of_the_wrong_type_are_left_to_the_engine():
    check_model_meta(meta(3, hyperparameters={"channels": "many", "kernel_size": [None]}), 3)


def test_persist_runs_the_check_before_building():
    seen = []

    def check(found: dict) -> None:
        seen.append(found["section"])
        raise ValueError("refused by the page")

    with pytest.raises(persist.ModelFileError, match="refused by the page"):
        persist.loads(persist.dumps(build_model(3), "npz"), check=check)
    assert seen == [3]
