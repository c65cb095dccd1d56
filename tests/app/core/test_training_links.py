"""app.core.training_links: a training page's setup survives its share link, and bad links are refused."""

from __future__ import annotations

import numpy as np
import pytest

from app.core import image_sets
from app.core import training_links as tl
from app.core.controls import Controls
from app.core.hyperparameters import COMMON, POOL
from app.core.share import NumberField, decode, encode

WITH_POOL = Controls((*COMMON, POOL))


def test_page_link_round_trip_restores_images_and_hyperparameters():
    schema = tl.image_page_schema(WITH_POOL)
    images = image_sets.tutorial_set().toggled(6, 1, 1).relabelled(2)
    hp = {"learning_rate": 0.5, "momentum": 0.85, "optimizer": "adam", "init_scale": 0.02,
          "epochs": 300, "seed": 7, "pool": "min"}  # fmt: skip
    state = tl.image_page_state(images, WITH_POOL.link_values(hp), ("  #", "   ", "#  "))
    params = encode(state, schema)
    decoded, errors = decode(params, schema)
    assert errors == []
    assert image_sets.set_from_link(decoded["img"], decoded["lab"]) == images
    assert WITH_POOL.from_link(decoded) == hp
    assert image_sets.image_from_array(decoded["pad"]) == ("  #", "   ", "#  ")


def test_page_link_rejects_non_binary_pixels_and_out_of_range_numbers():
    schema = tl.image_page_schema(Controls(COMMON))
    state = tl.image_page_state(
        image_sets.tutorial_set(),
        Controls(COMMON).link_values(
            {"learning_rate": 1.0, "momentum": 0.9, "optimizer": "momentum", "init_scale": 0.01,
             "epochs": 2000, "seed": 0}
        ),
        image_sets.blank_image(),
    )  # fmt: skip
    params = encode(state, schema)
    bad_pixel = dict(params, img=params["img"].replace("_1_", "_0.5_", 1))
    assert decode(bad_pixel, schema)[1] == ["image pixels must be 0 or 1"]
    assert decode(dict(params, lr="99"), schema)[1]
    assert decode(dict(params, lr="nan"), schema)[1]
    assert decode(dict(params, lab=params["lab"] + "_1"), schema)[1]  # shape disagrees
    half_label = dict(params, lab=params["lab"].replace("_1_", "_0.5_", 1))
    assert decode(half_label, schema)[1] == ["image labels must be 0 or 1"]
    assert decode(dict(params, lab=params["lab"].replace("_1_", "_2_", 1)), schema)[1]


def test_number_field_parses_plain_decimals_in_range():
    field = NumberField("lr", 1e-4, 10.0)
    assert field.from_text(field.to_text(0.25)) == 0.25
    assert field.to_text(1.0) == "1"
    for text in ("0", "11", "1e400", "abc", "0x1"):
        with pytest.raises(ValueError):
            field.from_text(text)


# Written by the text pages before one link format served every training page.
OLD_TEXT_LINK = {
    "t": "2x11_121_111_117_32_108_105_107_101_32_105_116_121_111_117_32_104_97_116_101_32_105_116",
    "y": "2_1_0", "h": "3_0.25_0.5_0.05", "ep": "400", "sd": "11", "op": "sgd", "ac": "relu",
    "em": "4", "ch": "4",
}  # fmt: skip


def test_an_old_text_link_decodes_to_what_todays_link_holds():
    schema = tl.text_page_schema(pool=False)
    old, errors = decode(OLD_TEXT_LINK, schema)
    assert errors == []
    hp = {"learning_rate": 0.25, "momentum": 0.5, "init_scale": 0.05, "epochs": 400, "seed": 11,
          "optimizer": "sgd", "activation": "relu", "embedding_size": 4, "channels": 4}  # fmt: skip
    today = encode(tl.text_page_state(["you like it", "you hate it"], [1, 0], hp, False), schema)
    assert set(today) == {"t", "y", "lr", "mom", "opt", "init", "ep", "seed", "act", "em", "ch"}
    new, errors = decode(today, schema)
    assert errors == []
    assert old.keys() == new.keys()
    for name in old:
        assert np.array_equal(old[name], new[name]), name


def test_an_old_text_link_out_of_todays_bounds_is_refused():
    bad = dict(OLD_TEXT_LINK, h="3_0.25_0.995_0.05")  # the momentum control stops at 0.99
    state, errors = decode(bad, tl.text_page_schema(pool=False))
    assert state == {} and errors == ["'mom' = 0.995 is outside the allowed range 0..0.99"]
