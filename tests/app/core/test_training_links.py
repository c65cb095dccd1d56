"""app.core.training_links: a training page's setup survives its share link, and bad links are refused."""

from __future__ import annotations

import pytest

from app.core import image_sets
from app.core import training_links as tl
from app.core.share import ChoiceField, decode, encode


def test_page_link_round_trip_restores_images_and_hyperparameters():
    schema = tl.image_page_schema((ChoiceField("pool", ("max", "min", "avg")),))
    images = image_sets.tutorial_set().toggled(6, 1, 1).relabelled(2)
    hp = {"learning_rate": 0.5, "momentum": 0.85, "optimizer": "adam", "init_scale": 0.02,
          "epochs": 300, "seed": 7, "pool": "min"}  # fmt: skip
    state = tl.image_page_state(images, hp, {"pool": "pool"}, ("  #", "   ", "#  "))
    params = encode(state, schema)
    decoded, errors = decode(params, schema)
    assert errors == []
    assert image_sets.set_from_link(decoded["img"], decoded["lab"]) == images
    assert tl.link_hyperparameters(decoded, {"pool": "pool"}) == hp
    assert image_sets.image_from_array(decoded["pad"]) == ("  #", "   ", "#  ")


def test_page_link_rejects_non_binary_pixels_and_out_of_range_numbers():
    schema = tl.image_page_schema()
    state = tl.image_page_state(
        image_sets.tutorial_set(),
        {"learning_rate": 1.0, "momentum": 0.9, "optimizer": "momentum", "init_scale": 0.01,
         "epochs": 2000, "seed": 0},
        {},
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
    field = tl.NumberField("lr", 1e-4, 10.0)
    assert field.from_text(field.to_text(0.25)) == 0.25
    assert field.to_text(1.0) == "1"
    for text in ("0", "11", "1e400", "abc", "0x1"):
        with pytest.raises(ValueError):
            field.from_text(text)
