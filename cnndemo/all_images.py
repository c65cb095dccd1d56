"""Every small black-and-white image, and what a trained image model makes of each.

The tutorial's image models (sections 5-8) learn "a single straight line" from sixteen 3x3
images. There are only 2 ** 9 = 512 such images, so a learner can see the whole picture: which
images the model calls a line, how many it gets right against the real rule, and which it is
least sure about. That is generalisation made visible.

The rule the training set follows (docs/lesson.md, section 5): an image is a line when its inked
pixels are exactly one full row or exactly one full column; everything else (blank, dots,
corners, two lines, the full image) is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ImageVerdicts", "all_images", "evaluate_all", "is_line"]

MAX_PIXELS = 16
"""All images of up to 16 pixels (65,536 of them) are enumerated, no more."""


def all_images(height: int = 3, width: int = 3) -> np.ndarray:
    """Every binary image of ``height`` x ``width``, shape (2 ** (height * width), height, width).

    Image ``i`` holds the bits of ``i`` in reading order, the first pixel (top left) being the
    most significant bit: image 0 is blank, image 2 ** n - 1 is all ink.
    """
    pixels = height * width
    if not 1 <= pixels <= MAX_PIXELS:
        raise ValueError(f"images of 1 to {MAX_PIXELS} pixels can be enumerated; got {pixels}")
    codes = np.arange(2**pixels)
    bits = (codes[:, None] >> np.arange(pixels - 1, -1, -1)[None, :]) & 1
    return bits.reshape(-1, height, width).astype(np.float64)


def is_line(images: np.ndarray) -> np.ndarray:
    """Whether each image (n, height, width) is exactly one full row or one full column."""
    images = np.asarray(images, dtype=bool)
    ink = images.sum(axis=(1, 2))
    full_rows = images.all(axis=2).sum(axis=1)
    full_cols = images.all(axis=1).sum(axis=1)
    height, width = images.shape[1:]
    row_line = (full_rows == 1) & (ink == width)
    col_line = (full_cols == 1) & (ink == height)
    return row_line | col_line


@dataclass(frozen=True)
class ImageVerdicts:
    """A model's answer for every image of one size, against the real rule.

    Attributes
    ----------
    images : ndarray, shape (n, height, width)
    probabilities : ndarray, shape (n,)
        The model's P(line).
    lines : ndarray of bool, shape (n,)
        The real rule.
    """

    images: np.ndarray
    probabilities: np.ndarray
    lines: np.ndarray

    @property
    def called_line(self) -> np.ndarray:
        """The model's answer: P(line) above 0.5."""
        return self.probabilities > 0.5

    @property
    def counts(self) -> dict[str, int]:
        """True/false positives/negatives of the model's answers against the rule."""
        called, lines = self.called_line, self.lines
        return {
            "true positives": int(np.sum(called & lines)),
            "false positives": int(np.sum(called & ~lines)),
            "true negatives": int(np.sum(~called & ~lines)),
            "false negatives": int(np.sum(~called & lines)),
        }

    def nearest_to_half(self, count: int = 8) -> np.ndarray:
        """Indices of the ``count`` images the model is least sure about (P nearest 0.5)."""
        order = np.argsort(np.abs(self.probabilities - 0.5), kind="stable")
        return order[:count]


def evaluate_all(model, height: int = 3, width: int = 3) -> ImageVerdicts:
    """Run an image model (sections 5-8) on every image of ``height`` x ``width``.

    Parameters
    ----------
    model : cnndemo.models.Model
        An image model that accepts this size (flattened models only take their own size).

    Raises
    ------
    ValueError
        As :meth:`cnndemo.models.Model.predict_proba` for a size the model cannot take.
    """
    images = all_images(height, width)
    probabilities = model.predict_proba(images)
    return ImageVerdicts(images, np.asarray(probabilities, dtype=np.float64), is_line(images))
