"""Sets of small binary images with a label each (sections 5-8), and their share-link fields.

An image is a tuple of row strings, ``'#'`` for an inked pixel (1) and ``' '`` for a blank one
(0), exactly as :data:`cnndemo.data.IMAGES` writes the tutorial's sixteen 3 x 3 images, so an
image is hashable (cache keys), readable in tests, and goes straight into the engine
(``cnndemo.train.train_section(images=..., labels=...)`` and ``Model.predict_proba``).

API (plain Python, no Streamlit)
--------------------------------
- ``ImageSet(images, labels)``: frozen; ``.arrays()`` -> (n, h, w) floats, ``.names`` (rows
  joined by "/", as the engine reports them), ``.size`` -> (h, w), ``len()``;
  ``.with_image(rows, label)``, ``.without(i)``, ``.toggled(i, r, c)``, ``.relabelled(i)``.
- ``tutorial_set()``: the tutorial's sixteen images and labels.
- ``blank_image(h, w)``, ``toggle_pixel(rows, r, c)``, ``resize_image(rows, h, w)`` (crop or pad
  with blanks), ``image_from_array(array)``, ``check_rows(rows)``.
- Share links: ``link_fields(images="img", labels="lab")`` -> two ``TensorField`` for a page's
  ``Schema``; ``link_values(image_set)`` -> their values; ``check_link(images, labels)`` -> list
  of problems (for ``Schema.check``); ``set_from_link(images, labels)`` -> ``ImageSet``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.core import limits
from app.core.share import TensorField
from cnndemo import data as data_mod

Rows = tuple[str, ...]

INK, BLANK = "#", " "


def check_rows(rows: Sequence[str]) -> Rows:
    rows = tuple(rows)
    if not rows or any(not isinstance(r, str) for r in rows):
        raise ValueError(f"an image is a non-empty list of row strings; got {rows!r}")
    if len({len(r) for r in rows}) != 1 or not rows[0]:
        raise ValueError(f"image rows must be non-empty and equally long; got {rows!r}")
    if set("".join(rows)) - {INK, BLANK}:
        raise ValueError("image rows may only hold '#' (pixel on) and ' ' (pixel off)")
    return rows


@dataclass(frozen=True)
class ImageSet:
    """Equal-sized binary images with a 0/1 label each (1 = a single straight line).

    Attributes
    ----------
    images : tuple of images, each a tuple of row strings ('#' = 1, ' ' = 0)
    labels : tuple of int, one 0 or 1 per image
    """

    images: tuple[Rows, ...]
    labels: tuple[int, ...]

    def __post_init__(self) -> None:
        images = tuple(check_rows(rows) for rows in self.images)
        labels = tuple(int(v) for v in self.labels)
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        if any(v not in (0, 1) for v in labels):
            raise ValueError(f"labels must be 0 or 1; got {list(labels)}")
        if len({(len(r), len(r[0])) for r in images}) > 1:
            raise ValueError("all images of a set must have the same size")
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "labels", labels)

    def __len__(self) -> int:
        return len(self.images)

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of every image (the tutorial's (3, 3) for an empty set)."""
        if not self.images:
            return (3, 3)
        return len(self.images[0]), len(self.images[0][0])

    @property
    def names(self) -> tuple[str, ...]:
        """Rows joined by "/" (``"###/   /   "``): how the engine names each image."""
        return tuple("/".join(rows) for rows in self.images)

    def arrays(self) -> np.ndarray:
        """The images as 0/1 floats, shape (n, height, width)."""
        h, w = self.size
        if not self.images:
            return np.zeros((0, h, w))
        return np.array(
            [[[ch == INK for ch in row] for row in rows] for rows in self.images], float
        )

    def with_image(self, rows: Sequence[str], label: int = 0) -> ImageSet:
        """This set with one more image at the end."""
        return ImageSet((*self.images, tuple(rows)), (*self.labels, int(label)))

    def without(self, index: int) -> ImageSet:
        """This set without image ``index``."""
        keep = [i for i in range(len(self)) if i != index]
        return ImageSet(tuple(self.images[i] for i in keep), tuple(self.labels[i] for i in keep))

    def toggled(self, index: int, row: int, col: int) -> ImageSet:
        """This set with pixel (row, col) of image ``index`` switched."""
        images = list(self.images)
        images[index] = toggle_pixel(images[index], row, col)
        return ImageSet(tuple(images), self.labels)

    def relabelled(self, index: int) -> ImageSet:
        """This set with the label of image ``index`` switched between 0 and 1."""
        labels = list(self.labels)
        labels[index] = 1 - labels[index]
        return ImageSet(self.images, tuple(labels))


def tutorial_set() -> ImageSet:
    """The tutorial's sixteen 3 x 3 images: six lines (label 1), then ten others (label 0)."""
    return ImageSet(data_mod.IMAGES, data_mod.IMAGE_LABELS)


def blank_image(height: int = 3, width: int = 3) -> Rows:
    """An image with every pixel off."""
    return (BLANK * width,) * height


def toggle_pixel(rows: Sequence[str], row: int, col: int) -> Rows:
    """``rows`` with pixel (row, col) switched on/off."""
    rows = list(check_rows(rows))
    line = rows[row]
    flipped = BLANK if line[col] == INK else INK
    rows[row] = line[:col] + flipped + line[col + 1 :]
    return tuple(rows)


def resize_image(rows: Sequence[str], height: int, width: int) -> Rows:
    """Crop or extend (with blank pixels) to ``height`` x ``width``, keeping the top-left."""
    rows = check_rows(rows)
    fitted = [row[:width].ljust(width, BLANK) for row in rows[:height]]
    fitted += [BLANK * width] * (height - len(fitted))
    return tuple(fitted)


def image_from_array(array: np.ndarray) -> Rows:
    """Row strings of a 0/1 array of shape (height, width)."""
    return data_mod.image_rows(np.asarray(array))


def link_fields(images: str = "img", labels: str = "lab") -> tuple[TensorField, TensorField]:
    """Link fields for an image set: pixels (n, h, w) and labels (n,), within the caps."""
    side = limits.MAX_IMAGE_EDIT_SIDE
    return (
        TensorField(images, (limits.MAX_IMAGES, side, side), max_abs=1.0),
        TensorField(labels, (limits.MAX_IMAGES,), max_abs=1.0),
    )


def link_values(image_set: ImageSet) -> tuple[np.ndarray, np.ndarray]:
    """The values of ``link_fields`` for ``image_set`` (pixels, labels)."""
    return image_set.arrays(), np.array(image_set.labels, dtype=np.float64)


def check_link(images: np.ndarray, labels: np.ndarray) -> list[str]:
    """Problems with decoded link values (pixels and labels must be 0/1, one label per image)."""
    problems = []
    if not np.isin(images, (0.0, 1.0)).all():
        problems.append("image pixels must be 0 or 1")
    if not np.isin(labels, (0.0, 1.0)).all():
        problems.append("image labels must be 0 or 1")
    if len(images) != len(labels):
        problems.append(f"the link has {len(images)} images but {len(labels)} labels")
    return problems


def set_from_link(images: np.ndarray, labels: np.ndarray) -> ImageSet:
    """The ``ImageSet`` of checked link values (see ``check_link``)."""
    return ImageSet(
        tuple(image_from_array(image) for image in images), tuple(int(v) for v in labels)
    )
