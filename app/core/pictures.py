"""Greyscale pictures for the image mode of the 2D page: a built-in scene and safe uploads.

Pure functions (NumPy + Pillow, no Streamlit). Uploaded bytes are untrusted: they are size-
checked before decoding, the pixel count is checked from the header before the pixels are
decoded (a small file can claim a huge picture), and any decoding failure becomes a ValueError
with a message meant for the learner.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps

from app.core import limits

# MPO: the multi-picture JPEG many phones write; Pillow reads its first picture.
ACCEPTED_FORMATS = ("PNG", "JPEG", "MPO")
ACCEPTED_EXTENSIONS = ("png", "jpg", "jpeg")


def builtin_picture(size: int = 64) -> np.ndarray:
    """A simple greyscale scene (size, size) in 0..255: a square, a disc, a bar and a triangle
    on a soft gradient, so edge, blur and sharpen kernels all have something to show."""
    y, x = np.mgrid[0:size, 0:size] / (size - 1)
    picture = 40 + 40 * x  # gentle left-to-right gradient: shows what blur leaves alone
    square = (np.abs(x - 0.27) < 0.16) & (np.abs(y - 0.3) < 0.16)
    picture = np.where(square, 230.0, picture)
    disc = (x - 0.7) ** 2 + (y - 0.32) ** 2 < 0.17**2
    picture = np.where(disc, 160.0, picture)
    bar = (np.abs(y - 0.78) < 0.04) & (x > 0.08) & (x < 0.92)  # a thin horizontal line
    picture = np.where(bar, 250.0, picture)
    triangle = (y > 0.52) & (y < 0.68) & (np.abs(x - 0.5) < (y - 0.52) * 1.6)
    picture = np.where(triangle, 10.0, picture)
    return np.round(picture).astype(np.float64)


class PictureError(ValueError):
    """An upload we refuse; the message is written for the learner (never a library's text)."""


def load_picture(data: bytes, max_side: int = limits.MAX_IMAGE_SIDE) -> np.ndarray:
    """Decode an uploaded PNG or JPEG into a greyscale float array (height, width) in 0..255.

    The picture is turned upright by its EXIF orientation (phone photos), 16-bit greys are
    scaled to 0..255 (not clipped), a phone's multi-picture JPEG (MPO) counts as a JPEG, and the
    result is shrunk (keeping its aspect ratio) so neither side exceeds ``max_side``.

    Raises
    ------
    PictureError
        (a ValueError) too many bytes, not a PNG/JPEG, too many pixels, a shape too thin to
        shrink, or a corrupt file; the message never quotes a library's internal text.
    """
    if len(data) > limits.MAX_UPLOAD_BYTES:
        raise PictureError(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is "
            f"{limits.MAX_UPLOAD_BYTES / 1e6:.0f} MB"
        )
    if not data:
        raise PictureError("the file is empty")
    try:
        with warnings.catch_warnings():
            # Pillow warns (then errors) about decompression bombs; we check the size ourselves.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                _check_header(image, max_side)
                # draft() lets the JPEG decoder shrink while decoding: much less work and memory.
                if image.mode not in _SIXTEEN_BIT:
                    image.draft("L", (max_side, max_side))
                upright = ImageOps.exif_transpose(image)
                return _shrunk_grey(upright, max_side)
    except PictureError:
        raise
    except Exception as error:  # noqa: BLE001 - any decoder failure is "a damaged file" to a learner
        raise PictureError(
            "could not read this file as a picture (it may be damaged or not a PNG/JPEG)"
        ) from error


# Pillow's modes for 16-bit greys (a 16-bit PNG opens as "I;16" or "I").
_SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I")


def _check_header(image: Image.Image, max_side: int) -> None:
    """Refuse, from the header alone, what we will not decode."""
    if image.format not in ACCEPTED_FORMATS:
        raise PictureError(
            f"this is a {image.format or 'unknown'} file; please upload a PNG or JPEG"
        )
    width, height = image.size
    if width * height > limits.MAX_UPLOAD_PIXELS:
        raise PictureError(
            f"the picture is {width} x {height} pixels; the limit is "
            f"{limits.MAX_UPLOAD_PIXELS:,} pixels in total"
        )
    if max(width, height) > max_side * min(width, height):
        # Shrunk to max_side, the short side would be less than one pixel; such a strip also
        # costs Pillow a row of bookkeeping per pixel (a 1 x 16,000,000 PNG: seconds, 275 MB).
        raise PictureError(
            f"the picture is {width} x {height} pixels: too thin to shrink to "
            f"{max_side} pixels a side (at most {max_side} times longer than wide)"
        )


def _shrunk_grey(image: Image.Image, max_side: int) -> np.ndarray:
    """Greyscale 0..255 floats, shrunk so neither side exceeds ``max_side``."""
    if image.mode in _SIXTEEN_BIT:
        values = np.asarray(image, dtype=np.float64)
        grey = Image.fromarray((values * (255.0 / 65535.0)).astype(np.float32))
    else:
        grey = image.convert("L")
    grey.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(grey, dtype=np.float64), 0.0, 255.0)
