"""app.core.hyperparameters: each training hyper-parameter declared once, bound per page."""

from __future__ import annotations

from app.core import limits
from app.core.controls import Controls
from app.core.hyperparameters import (
    COMMON,
    IMAGE_CHANNELS,
    LEARNING_RATE,
    MOMENTUM,
    POOL,
    TEXT_CHANNELS,
    hp_key,
    text_extras,
    training_controls,
)
from app.core.training_links import image_page_schema, text_page_schema
from cnndemo.models import default_hyperparameters


def test_binding_gives_the_panel_keys_and_the_engines_defaults_for_the_section():
    text = training_controls("s3", 3, text_extras(pool=True))
    image = training_controls("s5", 5, (POOL, IMAGE_CHANNELS))
    assert text.all["epochs"].key == hp_key("s3", "epochs") == "s3.tp.hp.epochs"
    assert text.all["epochs"].default == default_hyperparameters(3)["epochs"] == 1000
    assert image.all["epochs"].default == default_hyperparameters(5)["epochs"] == 2000
    assert [c.name for c in text.common] == [c.name for c in COMMON]
    assert [c.name for c in text.extras] == ["pool", "activation", "embedding_size", "channels"]


def test_hyperparameters_are_the_engines_with_the_controls_values_clamped():
    controls = training_controls("s5", 5, (POOL, IMAGE_CHANNELS))
    session = {hp_key("s5", "seed"): 4, hp_key("s5", "channels"): 9, hp_key("s5", "pool"): "min"}
    hp = controls.hyperparameters(session)
    assert hp == default_hyperparameters(5) | {"seed": 4, "channels": 4, "pool": "min"}


def test_bounds_come_from_limits_and_differ_only_per_page_group():
    assert (LEARNING_RATE.low, LEARNING_RATE.high) == (
        limits.MIN_LEARNING_RATE,
        limits.MAX_LEARNING_RATE,
    )
    assert MOMENTUM.high == limits.MAX_MOMENTUM
    assert (TEXT_CHANNELS.low, TEXT_CHANNELS.high) == (
        limits.MIN_TEXT_CHANNELS,
        limits.MAX_CHANNELS,
    )
    assert (IMAGE_CHANNELS.low, IMAGE_CHANNELS.high) == (1, limits.MAX_IMAGE_CHANNELS)


def test_every_training_page_writes_a_hyperparameter_under_one_field():
    text = {field.name: field for field in text_page_schema(pool=True).fields}
    image = {field.name: field for field in image_page_schema(Controls((*COMMON, POOL))).fields}
    for name in ("lr", "mom", "opt", "init", "ep", "seed", "pool"):
        assert text[name] == image[name], name
    assert not {"h", "sd", "op", "ac", "pl"} & set(text), "old field names are only read"
