"""app.core.image_sets: image sets, pixel edits, share-link fields."""

from __future__ import annotations

import numpy as np
import pytest

from app.core import image_sets as ims
from app.core import limits
from cnndemo import data as data_mod


def test_tutorial_set_is_the_engines_sixteen_images():
    tutorial = ims.tutorial_set()
    assert len(tutorial) == 16 and tutorial.size == (3, 3)
    assert tutorial.images == data_mod.IMAGES
    assert sum(tutorial.labels) == 6
    assert tutorial.names == data_mod.image_data().names
    assert tutorial.arrays().shape == (16, 3, 3)
    assert np.array_equal(tutorial.arrays(), data_mod.image_data().inputs[..., 0])


def test_edits_return_new_sets_and_leave_the_old_one_alone():
    tutorial = ims.tutorial_set()
    toggled = tutorial.toggled(6, 1, 1)
    assert toggled.images[6] == ("   ", " # ", "   ") and tutorial.images[6] == ("   ",) * 3
    assert tutorial.relabelled(0).labels[0] == 0
    assert len(tutorial.without(3)) == 15 and tutorial.without(3).images[3] == (" # ",) * 3
    grown = tutorial.with_image(ims.blank_image(), 1)
    assert len(grown) == 17 and grown.labels[-1] == 1


def test_image_set_rejects_bad_images_and_labels():
    with pytest.raises(ValueError, match="only hold"):
        ims.ImageSet((("#x#", "   ", "   "),), (0,))
    with pytest.raises(ValueError, match="equally long"):
        ims.ImageSet((("##", "   "),), (0,))
    with pytest.raises(ValueError, match="0 or 1"):
        ims.ImageSet((ims.blank_image(),), (2,))
    with pytest.raises(ValueError, match="same size"):
        ims.ImageSet((ims.blank_image(), ims.blank_image(4, 4)), (0, 0))
    with pytest.raises(ValueError, match="labels"):
        ims.ImageSet((ims.blank_image(),), (0, 1))


def test_toggle_and_resize_images():
    assert ims.toggle_pixel(("   ", "   "), 1, 2) == ("   ", "  #")
    assert ims.toggle_pixel(("#",), 0, 0) == (" ",)
    assert ims.resize_image(("##", "##"), 3, 1) == ("#", "#", " ")
    assert ims.resize_image(("###",), 2, 4) == ("### ", "    ")
    assert ims.image_from_array(np.eye(2)) == ("# ", " #")


def test_link_fields_cap_the_set_size():
    images, labels = ims.link_fields()
    assert images.max_shape == (limits.MAX_IMAGES, limits.MAX_IMAGE_EDIT_SIDE,
                                limits.MAX_IMAGE_EDIT_SIDE)  # fmt: skip
    assert labels.max_shape == (limits.MAX_IMAGES,)
