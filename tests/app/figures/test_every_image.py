"""app.figures.every_image: a wall of thumbnails, wrong answers tinted, P(line) on hover."""

from __future__ import annotations

import numpy as np
import pytest

from app.figures.chart_spec import spec_of
from app.figures.every_image import image_wall
from cnndemo.all_images import all_images, is_line


def test_every_image_is_a_tile_and_wrong_answers_have_tinted_paper():
    images = all_images()[[0, 7, 56, 511]]  # blank, bottom row, middle row, full
    lines = is_line(images)
    assert lines.tolist() == [False, True, True, False]
    p = np.array([0.9, 0.8, 0.2, 0.1])  # blank and middle row wrong
    heat = spec_of(image_wall(images, p, lines, title="t", per_row=2))["data"][0]
    z = np.array(heat["z"], dtype=float)  # None (gaps) -> NaN
    assert z.shape == (3 + 1 + 3, 3 + 1 + 3)
    np.testing.assert_array_equal(z[:3, :3], 0.5)  # blank, wrong: all tinted paper
    np.testing.assert_array_equal(z[:3, 4:], [[0, 0, 0], [0, 0, 0], [1, 1, 1]])  # right
    np.testing.assert_array_equal(z[4:, :3], [[0.5] * 3, [1, 1, 1], [0.5] * 3])  # wrong
    assert np.isnan(z[3]).all() and np.isnan(z[:, 3]).all()  # gaps between tiles
    assert heat["customdata"][4][0] == pytest.approx(0.2)


def test_mismatched_inputs_are_refused():
    with pytest.raises(ValueError, match="one probability"):
        image_wall(all_images()[:3], [0.5, 0.5], [False] * 3, title="t")
