"""Model specs: each section's layers as data, read without building a model."""

from __future__ import annotations

import pytest

from cnndemo.hyperparameters import default_hyperparameters
from cnndemo.model_specs import (
    IMAGE_SECTIONS,
    LAYER_ARGUMENTS,
    SECTION_TITLES,
    SECTIONS,
    SPECS,
    TEXT_SECTIONS,
    LayerSpec,
    layer,
    model_spec,
)
from cnndemo.models import build_model


def test_the_table_lists_the_six_tutorial_models_with_their_titles():
    assert SECTIONS == (3, 4, 5, 6, 7, 8)
    assert TEXT_SECTIONS == (3, 4) and IMAGE_SECTIONS == (5, 6, 7, 8)
    assert SECTION_TITLES[7] == "CNN 2D fully connected, 2 layers"
    assert all(spec.section == section for section, spec in SPECS.items())


def test_spec_layer_kinds_follow_the_lesson_for_every_section():
    kinds = {s: [layer.kind for layer in spec.layers] for s, spec in SPECS.items()}
    head = ["conv", "activation"]
    assert kinds[3] == ["embedding", *head, "global_pool", "dense"]
    assert kinds[4] == ["embedding", *head, "flatten", "dense"]
    assert kinds[5] == [*head, "global_pool", "dense"]
    assert kinds[6] == [*head, "flatten", "dense"]
    assert kinds[7] == [*head, *head, "flatten", "dense"]
    assert kinds[8] == [*head, "pool", "flatten", "dense"]


@pytest.mark.parametrize("section", SECTIONS)
def test_built_models_carry_the_spec_and_its_layer_names(section):
    model = build_model(section)
    assert model.spec is model_spec(section)
    assert model.layer_names == list(model_spec(section).layer_names)


def test_only_globally_pooled_models_take_any_input_size():
    assert [s for s, spec in SPECS.items() if spec.any_input_size] == [3, 5]


def test_every_layer_argument_is_fed_by_a_hyperparameter_or_fixed():
    for spec in SPECS.values():
        hp = default_hyperparameters(spec.section)
        for layer_spec in spec.layers:
            assert set(layer_spec.arguments(hp)) == set(LAYER_ARGUMENTS[layer_spec.kind])
            assert set(layer_spec.hyperparameters) <= set(hp)


def test_a_spec_says_which_hyperparameter_feeds_which_argument():
    pool = model_spec(8).layers[2]
    assert pool.feeds == (("size", "pool_size"), ("stride", "pool_stride"), ("kind", "pool"))
    conv2 = model_spec(7).layers[2]
    assert conv2.arguments(default_hyperparameters(7))["stride"] == 1
    assert model_spec(7).layer_hyperparameters[-2:] == ("second_channels", "second_kernel_size")


def test_layer_specs_reject_unknown_kinds_and_missing_or_unknown_arguments():
    with pytest.raises(ValueError, match="layer kind must be one of"):
        LayerSpec("attention", "a")
    with pytest.raises(ValueError, match="a conv layer takes"):
        layer("conv", "conv1", channels="channels")
    with pytest.raises(ValueError, match="a dense layer takes"):
        layer("dense", "dense", fixed={"units": 1, "bias": False})


@pytest.mark.parametrize("section", [2, 9, "3", 3.0, True, None, [3]])
def test_model_spec_rejects_anything_but_a_model_section(section):
    with pytest.raises(ValueError, match=r"models exist for sections \[3, 4, 5, 6, 7, 8\]"):
        model_spec(section)
