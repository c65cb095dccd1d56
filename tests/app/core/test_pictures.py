"""app.pictures: the built-in scene and defensive decoding of uploads."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from app.core import limits, pictures


def encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def test_builtin_picture_is_a_greyscale_scene_with_edges():
    picture = pictures.builtin_picture(64)
    assert picture.shape == (64, 64) and picture.min() >= 0 and picture.max() <= 255
    assert len(np.unique(picture)) > 10  # shapes and a gradient, not a flat field


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_uploads_become_grey_and_are_shrunk_to_the_cap(fmt):
    colour = Image.new("RGB", (300, 150), (255, 0, 0))
    picture = pictures.load_picture(encoded(colour, fmt))
    assert picture.shape == (limits.MAX_IMAGE_SIDE // 2, limits.MAX_IMAGE_SIDE)
    assert abs(picture.mean() - 76) < 3  # Pillow's luma of pure red


def test_small_uploads_keep_their_size():
    picture = pictures.load_picture(encoded(Image.new("L", (20, 10), 200), "PNG"))
    assert picture.shape == (10, 20) and picture.max() == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"not a picture at all", "could not read"),
        (encoded(Image.new("L", (8, 8)), "PNG")[:40], "could not read"),
        (encoded(Image.new("L", (8, 8)), "GIF"), "GIF file"),
        (b"0" * (limits.MAX_UPLOAD_BYTES + 1), "the limit is"),
    ],
)
def test_bad_uploads_raise_a_readable_error(data, message):
    with pytest.raises(ValueError, match=message):
        pictures.load_picture(data)


def test_pixel_bombs_are_refused_before_decoding():
    bomb = encoded(Image.new("1", (5000, 4000)), "PNG")  # tiny file, 20 million pixels
    assert len(bomb) < limits.MAX_UPLOAD_BYTES
    with pytest.raises(ValueError, match="5000 x 4000 pixels"):
        pictures.load_picture(bomb)
