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
from PIL import Image, UnidentifiedImageError

from app.core import limits

ACCEPTED_FORMATS = ("PNG", "JPEG")
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


def load_picture(data: bytes, max_side: int = limits.MAX_IMAGE_SIDE) -> np.ndarray:
    """Decode an uploaded PNG or JPEG into a greyscale float array (height, width) in 0..255.

    The picture is shrunk (keeping its aspect ratio) so neither side exceeds ``max_side``.

    Raises
    ------
    ValueError
        Too many bytes, not a PNG/JPEG, too many pixels, or a corrupt file.
    """
    if len(data) > limits.MAX_UPLOAD_BYTES:
        raise ValueError(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is "
            f"{limits.MAX_UPLOAD_BYTES / 1e6:.0f} MB"
        )
    if not data:
        raise ValueError("the file is empty")
    try:
        with warnings.catch_warnings():
            # Pillow warns (then errors) about decompression bombs; we check the size ourselves.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise ValueError(
                        f"this is a {image.format or 'unknown'} file; please upload a PNG or JPEG"
                    )
                width, height = image.size
                if width * height > limits.MAX_UPLOAD_PIXELS:
                    raise ValueError(
                        f"the picture is {width} x {height} pixels; the limit is "
                        f"{limits.MAX_UPLOAD_PIXELS:,} pixels in total"
                    )
                # draft() lets the JPEG decoder shrink while decoding: much less work and memory.
                image.draft("L", (max_side, max_side))
                grey = image.convert("L")
                grey.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                return np.asarray(grey, dtype=np.float64)
    except ValueError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValueError(
            "could not read this file as a picture (it may be damaged or not a PNG/JPEG)"
        ) from error
