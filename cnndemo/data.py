"""The tutorial's datasets, and the parsing and encoding that turn learner edits into arrays.

Text (sections 3 and 4): four sentences of four tokens with a sentiment label. Tokens are
separated by whitespace; the vocabulary is the sorted set of tokens; a sentence becomes the row
of its token indices. Images (sections 5-8): sixteen 3x3 binary images, written as row strings
with ``'#'`` for 1 and ``' '`` for 0, or given as 0/1 arrays.

The pages let learners edit both, so every function takes arbitrary lists and raises a
ValueError naming the offending value when it cannot use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "IMAGES",
    "IMAGE_LABELS",
    "TEXT_LABELS",
    "TEXT_SENTENCES",
    "ImageData",
    "TextData",
    "build_vocabulary",
    "encode",
    "image_data",
    "image_name",
    "image_rows",
    "image_windows",
    "parse_image",
    "parse_images",
    "text_data",
    "text_windows",
    "tokenize",
]

TEXT_SENTENCES: tuple[str, ...] = (
    "i like it <PAD>",
    "i hate it <PAD>",
    "i don't hate it",
    "i don't like it",
)
TEXT_LABELS: tuple[int, ...] = (1, 0, 1, 0)

# The order of docs/lesson.md (Shared conventions, the data sets), which numbers them 0-15: the
# three full rows and three full columns (label 1), then the ten label-0 images.
IMAGES: tuple[tuple[str, str, str], ...] = (
    ("###", "   ", "   "),
    ("   ", "###", "   "),
    ("   ", "   ", "###"),
    ("#  ", "#  ", "#  "),
    (" # ", " # ", " # "),
    ("  #", "  #", "  #"),
    ("   ", "   ", "   "),
    ("#  ", "   ", "  #"),
    ("   ", " # ", "   "),
    ("   ", "   ", "  #"),
    ("  #", " ##", "#  "),
    ("# #", " # ", " # "),
    (" # ", "#  ", "# #"),
    ("## ", "   ", "  #"),
    ("#  ", " ##", "   "),
    ("###", "###", "###"),
)
IMAGE_LABELS: tuple[int, ...] = (1,) * 6 + (0,) * 10


# ---------------------------------------------------------------------------------------------
# Text


def tokenize(sentence: str) -> list[str]:
    """Split a sentence into tokens on whitespace (``<PAD>`` is an ordinary token)."""
    if not isinstance(sentence, str):
        raise ValueError(f"a sentence must be a string; got {sentence!r}")
    tokens = sentence.split()
    if not tokens:
        raise ValueError("a sentence must contain at least one token; got an empty sentence")
    return tokens


def build_vocabulary(sentences: Sequence[str]) -> tuple[str, ...]:
    """The sorted set of tokens of ``sentences``; a token's index is its position here."""
    return tuple(sorted({token for s in sentences for token in tokenize(s)}))


def encode(sentences: Sequence[str], vocabulary: Sequence[str]) -> np.ndarray:
    """Token indices of equal-length sentences.

    Parameters
    ----------
    sentences : sequence of str, length n
    vocabulary : sequence of str

    Returns
    -------
    ndarray of int64, shape (n, length)

    Raises
    ------
    ValueError
        If a token is not in the vocabulary (the message names it and lists the vocabulary), or
        the sentences do not all have the same number of tokens.
    """
    index = {token: i for i, token in enumerate(vocabulary)}
    rows = []
    for sentence in sentences:
        row = []
        for token in tokenize(sentence):
            if token not in index:
                raise ValueError(
                    f"unknown word {token!r} in {sentence!r}; the model only knows "
                    f"the vocabulary {list(vocabulary)}"
                )
            row.append(index[token])
        rows.append(row)
    if not rows:
        raise ValueError("need at least one sentence")
    lengths = sorted({len(r) for r in rows})
    if len(lengths) > 1:
        raise ValueError(
            f"all sentences must have the same number of tokens (pad with <PAD>); got lengths "
            f"{[len(r) for r in rows]}"
        )
    return np.array(rows, dtype=np.int64)


@dataclass(frozen=True)
class TextData:
    """Encoded sentences with their labels.

    Attributes
    ----------
    sentences : tuple of str, length n
    targets : ndarray of float64, shape (n,)
    vocabulary : tuple of str
    inputs : ndarray of int64, shape (n, length)
        Token indices into ``vocabulary``.
    """

    sentences: tuple[str, ...]
    targets: np.ndarray
    vocabulary: tuple[str, ...]
    inputs: np.ndarray

    @property
    def names(self) -> tuple[str, ...]:
        """How each example is shown: the sentence text."""
        return self.sentences


def _or_tutorial(examples, labels, tutorial_examples, tutorial_labels, what: str) -> tuple:
    """The learner's examples with their labels, or the tutorial's when none are given."""
    if examples is None:
        return tutorial_examples, tutorial_labels if labels is None else labels
    if labels is None:
        raise ValueError(f"custom {what} need their labels")
    return examples, labels


def _targets(labels: Sequence[int], n: int) -> np.ndarray:
    labels = list(labels)
    if len(labels) != n:
        raise ValueError(f"need one label per example: {n} examples but {len(labels)} labels")
    for label in labels:
        if label not in (0, 1):
            raise ValueError(f"labels must be 0 or 1; got {label!r}")
    return np.array(labels, dtype=np.float64)


def text_data(
    sentences: Sequence[str] | None = None,
    labels: Sequence[int] | None = None,
    vocabulary: Sequence[str] | None = None,
) -> TextData:
    """The text dataset: the tutorial's four sentences, or the learner's own.

    Parameters
    ----------
    sentences : sequence of str, optional
        Sentences with the same number of tokens; defaults to :data:`TEXT_SENTENCES`.
    labels : sequence of {0, 1}, optional
        Defaults to :data:`TEXT_LABELS` (only allowed with the default sentences).
    vocabulary : sequence of str, optional
        Defaults to the sorted set of the sentences' tokens.
    """
    sentences, labels = _or_tutorial(sentences, labels, TEXT_SENTENCES, TEXT_LABELS, "sentences")
    sentences = tuple(sentences)
    vocab = build_vocabulary(sentences) if vocabulary is None else tuple(vocabulary)
    ids = encode(sentences, vocab)
    return TextData(sentences, _targets(labels, len(sentences)), vocab, ids)


def text_windows(
    inputs: np.ndarray, vocabulary: Sequence[str], width: int = 2, stride: int = 1
) -> tuple[list[str], np.ndarray]:
    """Distinct token windows (bigrams for width 2) the convolution sees, in order of appearance.

    Parameters
    ----------
    inputs : ndarray of int, shape (n, length)
    vocabulary : sequence of str
    width, stride : int
        The convolution's kernel width and stride.

    Returns
    -------
    labels : list of str
        The window's tokens joined by spaces, e.g. ``"i like"``.
    windows : ndarray of int64, shape (distinct, width)
    """
    seen: dict[tuple[int, ...], None] = {}
    for row in np.asarray(inputs):
        for start in range(0, len(row) - width + 1, stride):
            seen.setdefault(tuple(int(t) for t in row[start : start + width]), None)
    windows = np.array(list(seen), dtype=np.int64).reshape(-1, width)
    labels = [" ".join(vocabulary[t] for t in w) for w in windows]
    return labels, windows


# ---------------------------------------------------------------------------------------------
# Images


def parse_image(image: Sequence[str] | np.ndarray) -> np.ndarray:
    """One binary image as a float array.

    Parameters
    ----------
    image : sequence of str, or array-like of 0/1 with shape (height, width)
        Row strings use ``'#'`` for 1 and ``' '`` for 0 (all rows the same length).

    Returns
    -------
    ndarray of float64, shape (height, width)
    """
    if isinstance(image, str):
        raise ValueError(f"an image is a list of row strings, not one string; got {image!r}")
    rows = list(image) if not isinstance(image, np.ndarray) else None
    if rows is not None and rows and all(isinstance(r, str) for r in rows):
        widths = {len(r) for r in rows}
        if len(widths) != 1 or 0 in widths:
            raise ValueError(f"image rows must be non-empty and equally long; got {rows!r}")
        bad = {ch for r in rows for ch in r} - {"#", " "}
        if bad:
            raise ValueError(f"image rows may only hold '#' and ' '; got {sorted(bad)} in {rows}")
        return np.array([[ch == "#" for ch in r] for r in rows], dtype=np.float64)
    array = np.asarray(image, dtype=np.float64)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"an image must be 2D (height, width); got shape {array.shape}")
    if not np.isin(array, (0.0, 1.0)).all():
        raise ValueError("image pixels must be 0 or 1")
    return array


def parse_images(images: Sequence[Sequence[str] | np.ndarray]) -> np.ndarray:
    """Equal-sized images stacked into a batch.

    Returns
    -------
    ndarray of float64, shape (n, height, width, 1)
    """
    parsed = [parse_image(image) for image in images]
    if not parsed:
        raise ValueError("need at least one image")
    shapes = sorted({p.shape for p in parsed})
    if len(shapes) > 1:
        raise ValueError(f"all images must have the same size; got sizes {shapes}")
    return np.stack(parsed)[..., None]


def image_rows(image: np.ndarray) -> tuple[str, ...]:
    """Row strings of a binary image of shape (height, width) or (height, width, 1)."""
    array = parse_image(image)
    return tuple("".join("#" if v else " " for v in row) for row in array)


def image_name(image: Sequence[str] | np.ndarray) -> str:
    """How an image is shown and reported: its rows joined with ``"/"``, e.g. ``"###/   /   "``."""
    return "/".join(image_rows(image))


@dataclass(frozen=True)
class ImageData:
    """Binary images with their labels.

    Attributes
    ----------
    inputs : ndarray of float64, shape (n, height, width, 1)
    targets : ndarray of float64, shape (n,)
    names : tuple of str
        Each image's rows joined with ``"/"``.
    """

    inputs: np.ndarray
    targets: np.ndarray
    names: tuple[str, ...]


def image_data(
    images: Sequence[Sequence[str] | np.ndarray] | None = None,
    labels: Sequence[int] | None = None,
) -> ImageData:
    """The image dataset: the tutorial's sixteen 3x3 images, or the learner's own.

    Parameters
    ----------
    images : sequence of images, optional
        Each as row strings or a 0/1 array (see :func:`parse_image`); all the same size.
        Defaults to :data:`IMAGES`.
    labels : sequence of {0, 1}, optional
        Defaults to :data:`IMAGE_LABELS` (only allowed with the default images).
    """
    images, labels = _or_tutorial(images, labels, IMAGES, IMAGE_LABELS, "images")
    inputs = parse_images(images)
    names = tuple(image_name(image) for image in inputs)
    return ImageData(inputs, _targets(labels, len(inputs)), names)


def image_windows(
    inputs: np.ndarray, size: int | Sequence[int] = 2, stride: int | Sequence[int] = 1
) -> tuple[list[str], np.ndarray]:
    """Distinct pixel windows (2x2 regions by default) the convolution sees, in order of appearance.

    Parameters
    ----------
    inputs : ndarray, shape (n, height, width, 1)
    size, stride : int or (int, int)
        The convolution's kernel size and stride.

    Returns
    -------
    labels : list of str
        The window's pixels as a bit string, row-major (``"1100"``: top row on).
    windows : ndarray of float64, shape (distinct, k_h, k_w, 1)
    """
    kh, kw = (size, size) if np.isscalar(size) else size
    sy, sx = (stride, stride) if np.isscalar(stride) else stride
    inputs = np.asarray(inputs)
    seen: dict[str, np.ndarray] = {}
    for image in inputs[..., 0]:
        for top in range(0, image.shape[0] - kh + 1, sy):
            for left in range(0, image.shape[1] - kw + 1, sx):
                window = image[top : top + kh, left : left + kw]
                bits = "".join("1" if v else "0" for v in window.reshape(-1))
                seen.setdefault(bits, window)
    windows = np.array(list(seen.values()), dtype=np.float64).reshape(-1, kh, kw, 1)
    return list(seen), windows
