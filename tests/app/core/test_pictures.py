"""app.core.pictures: the built-in scene and defensive decoding of uploads."""

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


def test_phone_photos_are_turned_upright_by_their_exif_orientation():
    # A 40 x 20 landscape whose left half is dark, stored with "rotate 90 degrees clockwise".
    stored = Image.new("L", (40, 20), 255)
    stored.paste(0, (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.save(buffer, format="JPEG", exif=exif, quality=95)
    picture = pictures.load_picture(buffer.getvalue())
    assert picture.shape == (40, 20)  # upright: portrait
    assert picture[:15].mean() < 60 and picture[25:].mean() > 200  # the dark half is on top


def test_sixteen_bit_greys_are_scaled_not_clipped():
    ramp = np.linspace(0, 65535, 64 * 32).reshape(32, 64).astype(np.uint16)
    picture = pictures.load_picture(encoded(Image.fromarray(ramp), "PNG"))
    assert picture.shape == (32, 64)
    assert picture.min() < 5 and picture.max() > 250
    assert (picture >= 255).mean() < 0.05  # clipping would make almost every pixel white


def test_multi_picture_jpegs_from_phones_are_read_as_jpegs():
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (30, 20), (0, 0, 255)), Image.new("RGB", (30, 20))
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    picture = pictures.load_picture(buffer.getvalue())
    assert picture.shape == (20, 30) and abs(picture.mean() - 29) < 5  # Pillow's luma of blue


def test_strips_too_thin_to_shrink_are_refused_from_the_header():
    strip = encoded(Image.new("L", (1, 1_000_000)), "PNG")
    with pytest.raises(ValueError, match="too thin to shrink"):
        pictures.load_picture(strip)


def test_library_error_texts_never_reach_the_learner():
    # A PNG whose text chunk inflates past Pillow's MAX_TEXT_CHUNK: Pillow raises its own
    # ValueError ("Decompressed Data Too Large"), which must become our plain message.
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * (PngImagePlugin.MAX_TEXT_CHUNK + 10), zip=True)
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, format="PNG", pnginfo=info)
    with pytest.raises(ValueError) as caught:
        pictures.load_picture(buffer.getvalue())
    assert str(caught.value).startswith("could not read this file as a picture")
    assert "MAX_TEXT_CHUNK" not in str(caught.value) and "Decompressed" not in str(caught.value)
