"""cnndemo.all_images: the 512 3x3 images, the line rule, and a model's verdict on each."""

from __future__ import annotations

import numpy as np
import pytest

from cnndemo import all_images, data, train_section


def test_there_are_512_distinct_images_in_bit_order():
    images = all_images.all_images()
    assert images.shape == (512, 3, 3)
    assert len({image.tobytes() for image in images}) == 512
    assert images[0].sum() == 0 and images[511].sum() == 9
    np.testing.assert_array_equal(images[0b100000000], [[1, 0, 0], [0, 0, 0], [0, 0, 0]])


def test_the_rule_finds_exactly_the_six_lines_and_agrees_with_the_tutorial_labels():
    images = all_images.all_images()
    lines = all_images.is_line(images)
    assert lines.sum() == 6
    tutorial = data.parse_images(data.IMAGES)[..., 0]
    np.testing.assert_array_equal(all_images.is_line(tutorial), np.array(data.IMAGE_LABELS) == 1)


def test_counts_match_a_direct_evaluation_of_every_image():
    model = train_section(6, seed=0).model
    verdicts = all_images.evaluate_all(model)
    direct = np.array([model.predict_proba([image])[0] for image in all_images.all_images()])
    np.testing.assert_allclose(verdicts.probabilities, direct, atol=1e-12)
    called = direct > 0.5
    lines = all_images.is_line(all_images.all_images())
    counts = verdicts.counts
    assert counts["true positives"] == np.sum(called & lines)
    assert counts["false positives"] == np.sum(called & ~lines)
    assert sum(counts.values()) == 512
    nearest = verdicts.nearest_to_half(5)
    assert np.all(np.abs(direct[nearest] - 0.5) <= np.sort(np.abs(direct - 0.5))[4] + 1e-15)


def test_sizes_beyond_the_enumeration_bound_are_refused():
    with pytest.raises(ValueError, match="1 to 16 pixels"):
        all_images.all_images(5, 5)
