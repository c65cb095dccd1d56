"""The text pages' sentences (sections 3 and 4): cleaning the table, link codes, winning bigrams.

Plain Python (no Streamlit). ``clean_sentences`` turns the learner's (sentence, label) rows into
equally long sentences; ``sentence_codes`` / ``sentences_from_codes`` carry sentences in a share
link; ``winners`` and ``same_vector_clash`` say which bigram a pooled number came from.

Padding decision: a 1D CNN reads a batch as one (n, length) array, so every sentence needs the
same number of tokens. Shorter sentences are padded *at the end* with ``<PAD>`` (as the
tutorial's "i like it <PAD>") up to the longest one, and the page says so. ``<PAD>`` is then an
ordinary vocabulary word with its own learned embedding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from app.core import limits, markup
from cnndemo import explain, ops

PAD = "<PAD>"


# Words: letters, digits and a little punctuation, so that a sentence holds no backticks, pipes,
# brackets or asterisks; <PAD> is the one bracketed token. (Underscores and dots are word
# characters: sentences are still escaped wherever they are shown in Markdown.)
_WORD = re.compile(r"[\w'’\-.,!?]+")


def clean_sentences(
    rows: Sequence[tuple[Any, Any]],
) -> tuple[list[str], list[int], list[str], list[str]]:
    """Validate the learner's (sentence, label) rows; pad short sentences with <PAD>.

    Returns ``(sentences, labels, notes, errors)``; when ``errors`` is not empty the first two
    are empty. Empty rows (no text, no label) are skipped. ``notes`` tells what padding did.
    Notes and errors are Markdown: the learner's words in them are escaped (``app.core.markup``),
    so a token such as ``__init__`` reads as typed, not in italics.
    """
    sentences: list[str] = []
    labels: list[int] = []
    tokens_per_row: list[list[str]] = []
    errors: list[str] = []
    for number, (text, label) in enumerate(rows, start=1):
        text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
        label_missing = label is None or (isinstance(label, float) and np.isnan(label))
        if not text.strip() and label_missing:
            continue
        tokens = text.split()
        if not tokens:
            errors.append(f"row {number}: the sentence is empty")
            continue
        if len(tokens) > limits.MAX_TOKENS:
            errors.append(
                f"row {number}: {len(tokens)} words; sentences have at most {limits.MAX_TOKENS}"
            )
            continue
        bad = [t for t in tokens if t != PAD and not _WORD.fullmatch(t)]
        long = [t for t in tokens if len(t) > limits.MAX_WORD_CHARS]
        if bad:
            errors.append(
                f"row {number}: “{markup.text(bad[0], limits.MAX_WORD_CHARS)}” — use letters, "
                "digits and ' - . , ! ? only (and <PAD>)"
            )
            continue
        if long:
            errors.append(
                f"row {number}: a word of {len(long[0])} characters; the limit is "
                f"{limits.MAX_WORD_CHARS}"
            )
            continue
        try:
            value = float(label)
        except (TypeError, ValueError):
            value = float("nan")
        if value not in (0.0, 1.0):
            errors.append(f"row {number}: the label must be 0 or 1")
            continue
        tokens_per_row.append(tokens)
        labels.append(int(value))
    if not errors and not tokens_per_row:
        errors.append("the table is empty: add at least one sentence with its label")
    if not errors and len(tokens_per_row) > limits.MAX_SENTENCES:
        errors.append(
            f"{len(tokens_per_row)} sentences; the table holds at most {limits.MAX_SENTENCES}"
        )
    if errors:
        return [], [], [], errors
    width = max(len(t) for t in tokens_per_row)
    notes = []
    for tokens in tokens_per_row:
        if len(tokens) < width:
            notes.append(
                f"“{markup.text(' '.join(tokens))}” padded with {width - len(tokens)} × <PAD> to "
                f"{width} tokens"
            )
        sentences.append(" ".join(tokens + [PAD] * (width - len(tokens))))
    return sentences, labels, notes, []


def sentence_codes(sentences: Sequence[str]) -> np.ndarray:
    """Sentences as a (n, longest) array of Unicode code points, 0-padded (for share links)."""
    width = max(len(s) for s in sentences)
    codes = np.zeros((len(sentences), width))
    for i, sentence in enumerate(sentences):
        codes[i, : len(sentence)] = [ord(c) for c in sentence]
    return codes


def sentences_from_codes(codes: np.ndarray) -> list[str]:
    """Inverse of :func:`sentence_codes`; ValueError for codes that are not characters."""
    sentences = []
    for row in np.asarray(codes):
        if np.any(row != np.round(row)) or np.any(row < 0) or np.any(row > 0x10FFFF):
            raise ValueError("the sentences in the link are not text")
        chars = [chr(int(c)) for c in row if c != 0]
        sentences.append("".join(chars))
    return sentences


def window_words(
    tokens: Sequence[str], position: int, kernel: int, stride: int = 1, padding: str = "valid"
) -> str:
    """The words under conv output ``position`` (:func:`cnndemo.explain.conv_plan`'s window),
    joined by spaces; a padded cell reads as ``<pad>``."""
    plan = explain.conv_plan((len(tokens),), (kernel,), stride, padding)
    window = plan.window(position)
    return " ".join(
        tokens[cell[0]] if inside else "<pad>"
        for cell, inside in zip(window.cells, window.inside, strict=True)
    )


def winners(
    feature_map: np.ndarray,
    tokens: Sequence[str],
    kernel: int,
    pool: str,
    stride: int = 1,
    padding: str = "valid",
) -> list[tuple[str, float]]:
    """For one sentence: per channel, the bigram whose value the pooling kept, and that value.

    ``feature_map`` is (positions, channels) after the activation. Max keeps the largest
    (ANY bigram firing is enough), min the smallest (ALL must fire); the winner follows the
    engine's tie rule (:func:`cnndemo.explain.global_winners`). For avg there is no single
    winner: the mean is returned with the label "mean of all".
    """
    fmap = np.asarray(feature_map, dtype=np.float64)
    pooled = ops.global_pool(fmap[None], pool)[0]
    if pool == "avg":
        return [("mean of all", float(v)) for v in pooled]
    positions = explain.global_winners(fmap[None], pool)[0, :, 0]
    return [
        (window_words(tokens, int(p), kernel, stride, padding), float(v))
        for p, v in zip(positions, pooled, strict=True)
    ]


def same_vector_clash(
    names: Sequence[str],
    feature_maps: np.ndarray,
    targets: Sequence[float],
    kernel: int,
    pool: str,
    **window: Any,
) -> tuple[str, str, list[str]] | None:
    """Two sentences with different labels whose pooled numbers come from the same bigrams.

    Returns ``(first, second, winning bigrams per channel)`` for the first such pair, or None.
    With max or min pooling such sentences share their pooled vector exactly, so the model
    must give them the same probability. ``window`` (stride, padding) goes to :func:`winners`.
    """
    if pool == "avg":
        return None
    seen: dict[tuple[str, ...], tuple[str, float]] = {}
    for name, fmap, target in zip(names, feature_maps, targets, strict=True):
        found = winners(fmap, name.split(), kernel, pool, **window)
        key = tuple(label for label, _ in found)
        if key in seen and seen[key][1] != float(target):
            return seen[key][0], name, list(key)
        seen.setdefault(key, (name, float(target)))
    return None


def bigram_positions(
    sentences: Sequence[str], kernel: int, stride: int = 1, padding: str = "valid"
) -> dict[str, set[int]]:
    """Every window of ``kernel`` words the convolution reads, and the conv output positions
    where it stands in some sentence."""
    found: dict[str, set[int]] = {}
    for sentence in sentences:
        tokens = sentence.split()
        plan = explain.conv_plan((len(tokens),), (kernel,), stride, padding)
        for p in range(plan.out_shape[0]):
            found.setdefault(window_words(tokens, p, kernel, stride, padding), set()).add(p)
    return found
