"""Pure parts of app.image_widgets: image sets, pixel edits, share-link fields.

The Streamlit parts (cards, draw pad, page blocks) are driven in tests/pages/test_5..7.
"""

from __future__ import annotations

import numpy as np
import pytest

from app import image_widgets as iw
from app import limits
from app.share import ChoiceField, decode, encode
from cnndemo import data as data_mod


def test_tutorial_set_is_the_engines_sixteen_images():
    tutorial = iw.tutorial_set()
    assert len(tutorial) == 16 and tutorial.size == (3, 3)
    assert tutorial.images == data_mod.IMAGES
    assert sum(tutorial.labels) == 6
    assert tutorial.names == data_mod.image_data().names
    assert tutorial.arrays().shape == (16, 3, 3)
    assert np.array_equal(tutorial.arrays(), data_mod.image_data().inputs[..., 0])


def test_edits_return_new_sets_and_leave_the_old_one_alone():
    tutorial = iw.tutorial_set()
    toggled = tutorial.toggled(6, 1, 1)
    assert toggled.images[6] == ("   ", " # ", "   ") and tutorial.images[6] == ("   ",) * 3
    assert tutorial.relabelled(0).labels[0] == 0
    assert len(tutorial.without(3)) == 15 and tutorial.without(3).images[3] == (" # ",) * 3
    grown = tutorial.with_image(iw.blank_image(), 1)
    assert len(grown) == 17 and grown.labels[-1] == 1


def test_image_set_rejects_bad_images_and_labels():
    with pytest.raises(ValueError, match="only hold"):
        iw.ImageSet((("#x#", "   ", "   "),), (0,))
    with pytest.raises(ValueError, match="equally long"):
        iw.ImageSet((("##", "   "),), (0,))
    with pytest.raises(ValueError, match="0 or 1"):
        iw.ImageSet((iw.blank_image(),), (2,))
    with pytest.raises(ValueError, match="same size"):
        iw.ImageSet((iw.blank_image(), iw.blank_image(4, 4)), (0, 0))
    with pytest.raises(ValueError, match="labels"):
        iw.ImageSet((iw.blank_image(),), (0, 1))


def test_toggle_and_resize_images():
    assert iw.toggle_pixel(("   ", "   "), 1, 2) == ("   ", "  #")
    assert iw.toggle_pixel(("#",), 0, 0) == (" ",)
    assert iw.resize_image(("##", "##"), 3, 1) == ("#", "#", " ")
    assert iw.resize_image(("###",), 2, 4) == ("### ", "    ")
    assert iw.image_from_array(np.eye(2)) == ("# ", " #")


def test_probability_text_marks_wrong_answers():
    assert "✓" in iw.probability_text(0.9, 1) and ":green" in iw.probability_text(0.1, 0)
    assert "✗" in iw.probability_text(0.8, 0) and ":red" in iw.probability_text(0.4, 1)


def test_page_link_round_trip_restores_images_and_hyperparameters():
    schema = iw.image_page_schema((ChoiceField("pool", ("max", "min", "avg")),))
    images = iw.tutorial_set().toggled(6, 1, 1).relabelled(2)
    hp = {"learning_rate": 0.5, "momentum": 0.85, "optimizer": "adam", "init_scale": 0.02,
          "epochs": 300, "seed": 7, "pool": "min"}  # fmt: skip
    state = iw.image_page_state(images, hp, {"pool": "pool"}, ("  #", "   ", "#  "))
    params = encode(state, schema)
    decoded, errors = decode(params, schema)
    assert errors == []
    assert iw.set_from_link(decoded["img"], decoded["lab"]) == images
    assert iw.link_hyperparameters(decoded, {"pool": "pool"}) == hp
    assert iw.image_from_array(decoded["pad"]) == ("  #", "   ", "#  ")


def test_page_link_rejects_non_binary_pixels_and_out_of_range_numbers():
    schema = iw.image_page_schema()
    state = iw.image_page_state(
        iw.tutorial_set(),
        {"learning_rate": 1.0, "momentum": 0.9, "optimizer": "momentum", "init_scale": 0.01,
         "epochs": 2000, "seed": 0},
        {},
        iw.blank_image(),
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


def test_link_fields_cap_the_set_size():
    images, labels = iw.link_fields()
    assert images.max_shape == (limits.MAX_IMAGES, limits.MAX_IMAGE_EDIT_SIDE,
                                limits.MAX_IMAGE_EDIT_SIDE)  # fmt: skip
    assert labels.max_shape == (limits.MAX_IMAGES,)


def test_number_field_parses_plain_decimals_in_range():
    field = iw.NumberField("lr", 1e-4, 10.0)
    assert field.from_text(field.to_text(0.25)) == 0.25
    assert field.to_text(1.0) == "1"
    for text in ("0", "11", "1e400", "abc", "0x1"):
        with pytest.raises(ValueError):
            field.from_text(text)
