"""Hyper-parameters: derived from the spec, each checked against the engine's bounds."""

from __future__ import annotations

import numpy as np
import pytest

from cnndemo import bounds
from cnndemo.hyperparameters import (
    HYPERPARAMETERS,
    TRAINING,
    check,
    default_hyperparameters,
    resolve,
)
from cnndemo.model_specs import SECTIONS, model_spec


def test_defaults_keep_the_order_model_files_have_always_listed():
    assert list(default_hyperparameters(3)) == [
        "activation", "learning_rate", "momentum", "optimizer", "init_scale", "seed",
        "channels", "conv_stride", "padding", "epochs", "embedding_size", "kernel_size", "pool",
    ]  # fmt: skip
    assert list(default_hyperparameters(8))[-5:] == [
        "epochs", "kernel_size", "pool", "pool_size", "pool_stride",
    ]  # fmt: skip


@pytest.mark.parametrize("section", SECTIONS)
def test_a_section_takes_the_training_ones_and_those_its_layers_read(section):
    spec = model_spec(section)
    assert set(default_hyperparameters(section)) == set(TRAINING) | set(spec.layer_hyperparameters)


def test_sizes_are_one_integer_for_text_and_rows_columns_for_images():
    assert default_hyperparameters(4)["kernel_size"] == 2
    assert default_hyperparameters(6)["kernel_size"] == [2, 2]
    assert check("kernel_size", 3, spatial_axes=2) == [3, 3]
    assert check("pool_size", np.array([1, 2]), spatial_axes=2) == [1, 2]
    hp = resolve(model_spec(6), {"conv_stride": (2, 1), "seed": np.int64(4)})
    assert hp["conv_stride"] == [2, 1] and type(hp["seed"]) is int


def test_defaults_are_fresh_copies():
    default_hyperparameters(8)["pool_size"].append(9)
    assert default_hyperparameters(8)["pool_size"] == [2, 2]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("channels", 10_000, "channels is 10000, above the engine's bound of 1024"),
        ("embedding_size", 20_000, "embedding_size is 20000, above the engine's bound of 1024"),
        ("kernel_size", 10**8, "kernel_size is 100000000, above the engine's bound of 64"),
        ("kernel_size", 1e8, r"kernel_size must be a positive integer; got 100000000.0"),
        ("seed", 10**30, f"seed is {10**30}, above the engine's bound of {2**32 - 1}"),
        ("seed", 1e30, "seed must be a non-negative integer; got 1e"),
        ("seed", True, "seed must be a non-negative integer; got True"),
        ("seed", 2.0, "seed must be a non-negative integer; got 2.0"),
        ("epochs", 10**9, "epochs is 1000000000, above the engine's bound of 100000"),
        ("learning_rate", float("inf"), "learning_rate must be finite; got inf"),
        ("learning_rate", 1e4, r"at most 1000 \(the engine's bound\); got 10000.0"),
        ("init_scale", float("nan"), "init_scale must be finite"),
        ("init_scale", -1.0, "init_scale must be a positive number"),
        ("momentum", float("nan"), "momentum must be finite"),
        ("momentum", True, "momentum must be a number; got True"),
        ("pool", ["max"], "pool must be one of"),
    ],
)
def test_out_of_range_values_are_refused_naming_the_value_and_the_limit(name, value, message):
    with pytest.raises(ValueError, match=message):
        check(name, value)


def test_bounds_sit_above_the_lesson_and_the_apps_caps():
    # The app's own caps (app/limits.py when written): 6 channels, kernels of 7, images of
    # 6 x 6, 10 tokens, embeddings of 4, 2000 epochs, seeds to 100,000.
    assert bounds.MAX_CHANNELS >= 200  # tests build 200 channels
    assert bounds.MAX_KERNEL > 7 and bounds.MAX_INPUT_SIDE > 96
    assert bounds.MAX_EPOCHS > 2000 and bounds.MAX_SEED > 100_000
    assert HYPERPARAMETERS["learning_rate"].high >= 10 and HYPERPARAMETERS["init_scale"].high >= 2
