"""Reading the image pages' runs (sections 5-8) in words: names, regions, pooled sources, groups.

Plain Python (no Streamlit, no Plotly): numbers the pages write out, so the text always matches
the run on screen.

- ``display_name(name)``: ``"###/   /   "`` -> ``"###/···/···"`` (spaces survive Markdown).
- ``region_grid(image, kernel, stride)``: the bit string of the window under each conv output;
  ``regions_text(regions)`` says it in words; ``region_bits`` gives one window's bits.
- ``pooling_sources(feature_map, regions, pool)``: for each channel, the pooled value and the
  region(s) it comes from; ``pooled_sources`` the same per pooled cell of a down-sampled model.
- ``pooling_story(index, ...)``: Markdown explaining where one image's pooled vector comes from
  and which image of the other label pools to (nearly) the same vector.
- ``confusable_groups(vectors, targets)``: examples the dense layer cannot tell apart.
- ``comparison_rows(names, targets, p_first, p_second)``: a per-image comparison of two models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.core.pool_windows import explain_pool, window_values
from cnndemo import explain, ops


def display_name(name: str) -> str:
    """An image name with its blank pixels as "·", so it reads the same in any font or table."""
    return name.replace(" ", "·")


def as_pixels(image: np.ndarray) -> np.ndarray:
    """An image as (height, width) values; a trailing channel axis of 1 is dropped."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(f"an image must be (height, width); got shape {image.shape}")
    return image


def region_grid(
    image: np.ndarray, kernel: Sequence[int] = (2, 2), stride: Sequence[int] = (1, 1)
) -> list[list[str]]:
    """The row-major bit string of the window under each output cell of a VALID convolution
    (windows from :func:`cnndemo.explain.conv_plan`).

    ``region_grid`` of ``###/   /   `` is ``[["1100", "1100"], ["0000", "0000"]]``.
    """
    pixels = as_pixels(image)
    try:
        plan = explain.conv_plan(pixels.shape, tuple(kernel), tuple(stride))
    except ValueError as error:
        shown = "x".join(str(k) for k in kernel)
        raise ValueError(f"a {pixels.shape} image is smaller than the {shown} kernel") from error
    return [
        [_bits(pixels, plan.window(r, c)) for c in range(plan.out_shape[1])]
        for r in range(plan.out_shape[0])
    ]


def _bits(pixels: np.ndarray, window: explain.Window) -> str:
    return "".join("1" if pixels[cell] else "0" for cell in window.cells)


def regions_text(regions: Sequence[Sequence[str]]) -> str:
    """Markdown naming the window under each output cell: ``(0, 0) ← `1100` ...``."""
    return ", ".join(
        f"({r}, {c}) ← `{bits}`" for r, row in enumerate(regions) for c, bits in enumerate(row)
    )


@dataclass(frozen=True)
class ChannelSource:
    """Where one channel of a pooled vector comes from."""

    channel: int
    value: float
    regions: tuple[str, ...]  # bit strings of the windows that give ``value``
    positions: tuple[tuple[int, int], ...]  # their (row, column) in the feature map


def pooling_sources(
    feature_map: np.ndarray, regions: Sequence[Sequence[str]], pool: str
) -> list[ChannelSource]:
    """Per channel: the pooled value and the window(s) it comes from.

    Max (min) pooling takes the value of one window, the winner by the engine's tie rule
    (:func:`cnndemo.explain.global_winners`: the first in reading order); average pooling mixes
    every window, so all of them are listed.
    """
    maps = np.asarray(feature_map, dtype=np.float64)
    if maps.ndim != 3:
        raise ValueError(f"a feature map must be (height, width, channels); got {maps.shape}")
    if pool not in ("max", "min", "avg"):
        raise ValueError(f"pool must be max, min or avg; got {pool!r}")
    pooled = ops.global_pool(maps[None], pool)[0]
    if pool == "avg":
        every = tuple((r, c) for r in range(maps.shape[0]) for c in range(maps.shape[1]))
        names = tuple(dict.fromkeys(regions[r][c] for r, c in every))
        return [ChannelSource(ch, float(pooled[ch]), names, every) for ch in range(maps.shape[2])]
    winners = explain.global_winners(maps[None], pool)[0]
    return [
        ChannelSource(ch, float(pooled[ch]), (regions[r][c],), ((int(r), int(c)),))
        for ch, (r, c) in enumerate(winners)
    ]


def _vector_text(vector: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:.3f}" for v in np.asarray(vector).ravel()) + ")"


def _sources_text(sources: Sequence[ChannelSource], pool: str) -> str:
    if pool == "avg":
        return "each channel is the mean over all its regions"
    parts = []
    for s in sources:
        where = " and ".join(f"`{r}`" for r in s.regions)
        parts.append(f"channel {s.channel} = {s.value:.3f} from region {where}")
    return "; ".join(parts)


def pooling_story(
    index: int,
    names: Sequence[str],
    targets: Sequence[float],
    probabilities: Sequence[float],
    image_vectors: np.ndarray,
    feature_maps: np.ndarray,
    images: np.ndarray,
    pool: str,
    kernel: Sequence[int] = (2, 2),
    stride: Sequence[int] = (1, 1),
) -> str:
    """Markdown: where image ``index``'s pooled vector comes from, and whom it resembles.

    Everything is read from the run: the feature maps (n, out_h, out_w, channels), the pooled
    vectors (n, channels) the dense layer sees, and the probabilities. The closest image with the
    other label (by the largest channel difference of the pooled vectors) is the one the dense
    layer finds hardest to tell apart from this one.
    """
    vectors = np.asarray(image_vectors, dtype=np.float64).reshape(len(names), -1)
    targets = np.asarray(targets, dtype=np.float64)
    regions = region_grid(images[index], kernel, stride)
    sources = pooling_sources(feature_maps[index], regions, pool)
    distinct = list(dict.fromkeys(r for row in regions for r in row))
    cells = sum(len(row) for row in regions)
    p = float(probabilities[index])
    label = int(round(targets[index]))
    wrong = (p > 0.5) != (label == 1)
    lines = [
        f"**{display_name(names[index])}** (label {label}) has {cells} windows of "
        + (
            f"only one kind, `{distinct[0]}`"
            if len(distinct) == 1
            else "the kinds " + ", ".join(f"`{r}`" for r in distinct)
        )
        + f". Its {pool}-pooled vector is **{_vector_text(vectors[index])}**: "
        + _sources_text(sources, pool)
        + ".",
        f"The model gives it **p = {p:.3f}**, "
        + ("on the **wrong** side of 0.5." if wrong else "on the right side of 0.5."),
    ]
    others = np.flatnonzero(np.round(targets) != label)
    if len(others):
        gaps = np.abs(vectors[others] - vectors[index]).max(axis=1)
        nearest = int(others[int(np.argmin(gaps))])
        gap = float(gaps.min())
        near_regions = region_grid(images[nearest], kernel, stride)
        near_sources = pooling_sources(feature_maps[nearest], near_regions, pool)
        same = "the same" if gap < 5e-4 else "a nearby"
        lines.append(
            f"The image of the other label with {same} pooled vector is "
            f"**{display_name(names[nearest])}** (label {1 - label}): "
            f"{_vector_text(vectors[nearest])}, {_sources_text(near_sources, pool)}. "
            f"The largest difference between the two vectors is **{gap:.3f}**, and the dense "
            f"layer sees nothing else, so it answers p = {float(probabilities[nearest]):.3f} "
            f"there and {p:.3f} here."
        )
        if gap < 0.05:
            lines.append(
                "Pooling threw away *where* each region was, so these two images look alike to "
                "the dense layer: no weights after this pooling can separate them."
            )
    return "\n\n".join(lines)


def comparison_rows(
    names: Sequence[str],
    targets: Sequence[float],
    p_first: Sequence[float],
    p_second: Sequence[float],
    first: str = "pooled",
    second: str = "flattened",
) -> list[dict]:
    """One row per image: label, both probabilities and which model gets it wrong."""
    rows = []
    for name, t, a, b in zip(names, targets, p_first, p_second, strict=True):
        label = int(round(float(t)))
        wrong_a = (float(a) > 0.5) != (label == 1)
        wrong_b = (float(b) > 0.5) != (label == 1)
        rows.append(
            {
                "image": display_name(name),
                "label": label,
                f"p {first}": float(a),
                f"p {second}": float(b),
                "wrong": " and ".join([m for m, w in ((first, wrong_a), (second, wrong_b)) if w])
                or "–",
            }
        )
    return rows


def region_bits(
    image: np.ndarray, row: int, col: int, kernel_size: Sequence[int], stride: Sequence[int]
) -> str:
    """The pixels under conv position (row, col) of a binary image (height, width), row-major
    as a bit string: the label the engine gives that region (``"1100"``: top row on)."""
    pixels = as_pixels(image)
    plan = explain.conv_plan(pixels.shape, tuple(kernel_size), tuple(stride))
    return _bits(pixels, plan.window(row, col))


def pooled_sources(
    image: np.ndarray, feature_map: np.ndarray, hyperparameters: dict
) -> list[list[str]]:
    """For each pooled cell (reading order) and channel, where its number came from.

    ``feature_map`` is the image's conv output after the activation (out_h, out_w, channels).
    Max/min pooling: ``"1100 at (0, 1)"``, the 2x2 region (as pixels) whose response won; a mean
    says how many regions it averages.
    """
    hp = hyperparameters
    result = explain_pool(
        feature_map, tuple(hp["pool_size"]), tuple(hp["pool_stride"]), hp["pool"], "valid"
    )
    out_h, out_w, channels = result.output.shape
    sources = []
    for r in range(out_h):
        for c in range(out_w):
            cell = []
            for ch in range(channels):
                win_r, win_c = (int(v) for v in result.winners[r, c, ch])
                if win_r < 0:
                    cell.append(f"mean of {len(window_values(result, r, c, ch))} regions")
                else:
                    bits = region_bits(image, win_r, win_c, hp["kernel_size"], hp["conv_stride"])
                    cell.append(f"{bits} at ({win_r}, {win_c})")
            sources.append(cell)
    return sources
