"""Figure builders and pure summaries for the image pages (sections 5-8). No Streamlit here.

Figures (Plotly, validated by the tests):

- ``image_set_figure(images, labels, probabilities=None, ...)``: the whole set as thumbnails
  (ink dark, rows top to bottom), each with its label and, after training, the predicted
  probability of label 1; wrong answers get a thick vermilion frame and a "✗".
- ``image_figure(image, title=...)``: one binary image with 0/1 written in its cells.
- ``feature_maps_figure(maps, title=...)``: a conv layer's output for one image, one annotated
  panel per channel (sigmoid outputs on a 0..1 scale, white at 0.5); ``regions_text(regions)``
  says in words which 2x2 window each output cell reads.
- ``region_vectors_animation(snapshots, names, targets, ...)``: the 2-vector of every distinct
  2x2 region, labelled by its bit string, and the pooled vector of every image, moving in the
  unit square over training. A thin wrapper round ``app.training_figures.vectors_animation``
  (not a copy), with the image pages' names.

Pure summaries (numbers the page writes out, so the text always matches the run on screen):

- ``display_name(name)``: ``"###/   /   "`` -> ``"###/···/···"`` (spaces survive Markdown).
- ``region_grid(image, kernel, stride)``: the bit string of the window under each conv output.
- ``pooling_sources(feature_map, regions, pool)``: for each channel, the pooled value and the
  region(s) it comes from.
- ``pooling_story(index, ...)``: Markdown explaining where one image's pooled vector comes from
  and which image of the other label pools to (nearly) the same vector.
- ``comparison_rows(names, targets, p_first, p_second)``: a per-image comparison of two models.
- ``model_ledger(model)``: ``LedgerRow``s (shape after every layer, parameters per layer) of a
  built model, measured by running a zero image through it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from app import figures
from app import training_figures as tf
from app.ledger import LedgerRow

INK = "#1b1f24"
PAPER = "#ffffff"
WRONG = "#D55E00"  # Okabe-Ito vermilion: stands out for every common colour-vision deficiency
RIGHT = "#009E73"  # Okabe-Ito bluish green
THUMB_PX = 22  # one pixel of a thumbnail on screen

# =================================================================================================
# Names
# =================================================================================================


def display_name(name: str) -> str:
    """An image name with its blank pixels as "·", so it reads the same in any font or table."""
    return name.replace(" ", "·")


def _rows(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=np.float64)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(f"an image must be (height, width); got shape {image.shape}")
    return image


# =================================================================================================
# Figures
# =================================================================================================


def image_set_figure(
    images: np.ndarray,
    labels: Sequence[int],
    probabilities: Sequence[float] | None = None,
    *,
    title: str = "The images",
    per_row: int = 6,
) -> go.Figure:
    """Every image as a thumbnail with its label (and probability of label 1, if given).

    Parameters
    ----------
    images : ndarray, shape (n, height, width), 0/1
    labels : n ints (0/1)
    probabilities : n floats, optional
        The model's P(label 1); images on the wrong side of 0.5 are framed in vermilion.

    Returns
    -------
    go.Figure with one heatmap (all thumbnails in one mosaic, blank between them), one text
    trace under the thumbnails, and a frame shape per wrong answer.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must be (n, height, width) with n >= 1; got {images.shape}")
    n, h, w = images.shape
    if len(labels) != n or (probabilities is not None and len(probabilities) != n):
        raise ValueError("need one label (and one probability) per image")
    per_row = max(1, min(per_row, n))
    grid_rows = math.ceil(n / per_row)
    cell_w, cell_h = w + 1, h + 2  # a blank column right of each image, two text rows under it
    mosaic = np.full((grid_rows * cell_h, per_row * cell_w - 1), np.nan)
    xs, ys, texts, colours, shapes = [], [], [], [], []
    wrong_count = 0
    for i in range(n):
        gr, gc = divmod(i, per_row)
        top, left = gr * cell_h, gc * cell_w
        mosaic[top : top + h, left : left + w] = images[i]
        text = f"#{i} label {int(labels[i])}"
        colour = INK
        if probabilities is not None:
            p = float(probabilities[i])
            wrong = (p > 0.5) != (int(labels[i]) == 1)
            wrong_count += wrong
            text += f"<br>p={p:.3f} {'✗' if wrong else '✓'}"
            colour = WRONG if wrong else RIGHT
            if wrong:
                shapes.append(
                    {
                        "type": "rect",
                        "x0": left - 0.45,
                        "x1": left + w - 0.55,
                        "y0": top - 0.45,
                        "y1": top + h - 0.55,
                        "line": {"color": WRONG, "width": 4},
                        "layer": "above",
                    }
                )
        xs.append(left + (w - 1) / 2)
        ys.append(top + h - 0.3)
        texts.append(text)
        colours.append(colour)
    if probabilities is not None:
        title = f"{title}: {n - wrong_count} of {n} on the right side of 0.5"
    heatmap = {
        "type": "heatmap",
        "z": [[None if math.isnan(v) else v for v in row] for row in mosaic.tolist()],
        "zmin": 0,
        "zmax": 1,
        "colorscale": [[0, PAPER], [1, INK]],
        "showscale": False,
        "xgap": 1,
        "ygap": 1,
        "hoverinfo": "skip",
    }
    text_trace = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "text",
        "text": texts,
        "textposition": "bottom center",
        "textfont": {"size": 10, "color": colours},
        "hoverinfo": "skip",
    }
    height = grid_rows * cell_h * THUMB_PX + 90
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "plot_bgcolor": PAPER,
        "xaxis": {
            "title": {"text": "images in data order (dark = 1)"},
            "visible": False,
            "range": [-0.6, per_row * cell_w - 1.4],
            "fixedrange": True,
            "constrain": "domain",
        },
        "yaxis": {
            "title": {"text": "image rows"},
            "visible": False,
            "autorange": "reversed",
            "scaleanchor": "x",
            "fixedrange": True,
        },
        "shapes": shapes,
        "showlegend": False,
    }
    return go.Figure(data=[heatmap, text_trace], layout=layout, _validate=False)


def image_figure(image: np.ndarray, *, title: str) -> go.Figure:
    """One binary image, its 0/1 values written in the cells (rows top to bottom)."""
    values = _rows(image)
    panel = figures.Panel(values, title=f"{values.shape[0]} x {values.shape[1]} pixels")
    return figures.panels_figure(
        [panel],
        title=title,
        axes=figures.Axes("column", "row"),
        colour_range=(0.0, 1.0),
        scale=(PAPER, INK),
        colour_title="pixel",
        cell_px=40,
    )


def feature_maps_figure(
    maps: np.ndarray, *, title: str, channel_prefix: str = "channel"
) -> go.Figure:
    """A conv layer's output for one image: a panel per channel, values written in the cells.

    Parameters
    ----------
    maps : ndarray, shape (out_h, out_w, channels)
        Sigmoid outputs are drawn on a 0..1 scale with 0.5 (undecided) white; others on a
        scale symmetric around 0. ``regions_text`` says which input window each cell reads.
    """
    maps = np.asarray(maps, dtype=np.float64)
    if maps.ndim != 3:
        raise ValueError(f"feature maps must be (height, width, channels); got {maps.shape}")
    in_unit = bool(np.all((maps >= 0) & (maps <= 1)))
    panels = [
        figures.Panel(maps[:, :, c], title=f"{channel_prefix} {c}") for c in range(maps.shape[2])
    ]
    return figures.panels_figure(
        panels,
        title=title,
        axes=figures.Axes("output column", "output row"),
        colour_range=(0.0, 1.0) if in_unit else None,
        colour_title="activation",
        per_row=max(1, min(maps.shape[2], 4)),
        cell_px=44,
    )


def regions_text(regions: Sequence[Sequence[str]]) -> str:
    """Markdown naming the window under each output cell: ``(0, 0) ← `1100` ...``."""
    return ", ".join(
        f"({r}, {c}) ← `{bits}`" for r, row in enumerate(regions) for c, bits in enumerate(row)
    )


def region_vectors_animation(
    epochs: Sequence[int],
    region_vectors: Sequence[dict[str, np.ndarray]],
    image_vectors: Sequence[np.ndarray] | None,
    names: Sequence[str],
    targets: Sequence[float],
    *,
    title: str = "2x2 region vectors (◆) and pooled image vectors (●) during training",
    channels: tuple[int, int] = (0, 1),
) -> go.Figure:
    """Region vectors labelled by bit string, and image vectors, over training.

    Pass ``image_vectors`` None to show only the regions (e.g. flattened models, whose image
    vectors have more than two numbers).
    """
    return tf.vectors_animation(
        list(epochs),
        list(region_vectors),
        None if image_vectors is None else list(image_vectors),
        [display_name(n) for n in names],
        list(targets),
        channels=channels,
        window_name="region",
        example_name="image",
        title=title,
    )


# =================================================================================================
# Pure summaries
# =================================================================================================


def region_grid(
    image: np.ndarray, kernel: Sequence[int] = (2, 2), stride: Sequence[int] = (1, 1)
) -> list[list[str]]:
    """The row-major bit string of the window under each output cell of a VALID convolution.

    ``region_grid`` of ``###/   /   `` is ``[["1100", "1100"], ["0000", "0000"]]``.
    """
    pixels = _rows(image)
    kh, kw = kernel
    sy, sx = stride
    out_h = (pixels.shape[0] - kh) // sy + 1
    out_w = (pixels.shape[1] - kw) // sx + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"a {pixels.shape} image is smaller than the {kh}x{kw} kernel")
    return [
        [
            "".join(
                "1" if v else "0"
                for v in pixels[r * sy : r * sy + kh, c * sx : c * sx + kw].reshape(-1)
            )
            for c in range(out_w)
        ]
        for r in range(out_h)
    ]


@dataclass(frozen=True)
class ChannelSource:
    """Where one channel of a pooled vector comes from."""

    channel: int
    value: float
    regions: tuple[str, ...]  # distinct bit strings of the windows that give ``value``
    positions: tuple[tuple[int, int], ...]  # their (row, column) in the feature map


def pooling_sources(
    feature_map: np.ndarray, regions: Sequence[Sequence[str]], pool: str
) -> list[ChannelSource]:
    """Per channel: the pooled value and the windows it comes from.

    Max (min) pooling takes the value of the window(s) with the largest (smallest) response;
    average pooling mixes every window, so all of them are listed.
    """
    maps = np.asarray(feature_map, dtype=np.float64)
    if maps.ndim != 3:
        raise ValueError(f"a feature map must be (height, width, channels); got {maps.shape}")
    sources = []
    for c in range(maps.shape[2]):
        values = maps[:, :, c]
        if pool == "max":
            value = float(values.max())
        elif pool == "min":
            value = float(values.min())
        elif pool == "avg":
            value = float(values.mean())
        else:
            raise ValueError(f"pool must be max, min or avg; got {pool!r}")
        if pool == "avg":
            chosen = [(r, j) for r in range(values.shape[0]) for j in range(values.shape[1])]
        else:
            hits = np.argwhere(np.isclose(values, value, rtol=0, atol=1e-12))
            chosen = [(int(r), int(j)) for r, j in hits]
        names = tuple(dict.fromkeys(regions[r][j] for r, j in chosen))
        sources.append(ChannelSource(c, value, names, tuple(chosen)))
    return sources


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


LAYER_NOTES = {
    "Conv2D": "kernel {kernel} + {bias} biases",
    "Dense": "weights {weights} + {bias} bias",
}


def model_ledger(model) -> list[LedgerRow]:
    """Shape after every layer of a built image model, and its parameters, for one image.

    Shapes are measured (a zero image goes through the layers), so the ledger can never
    disagree with the engine.
    """
    h, w = model.input_size
    x = np.zeros((1, h, w, 1))
    rows = [LedgerRow("input", x.shape, None, "(batch, height, width, channels)")]
    for name, layer in zip(model.layer_names, model.layers, strict=True):
        x = layer.forward(x)
        count = sum(p.size for p in layer.params.values()) or None
        kind = type(layer).__name__
        note = ""
        if kind == "Conv2D":
            k = layer.params["kernel"].shape
            note = f"kernel {k}: {'×'.join(map(str, k))} = {math.prod(k)} weights + {k[-1]} biases"
        elif kind == "Dense":
            wshape = layer.params["weights"].shape
            note = f"{wshape[0]} weights + 1 bias: one weight per feature it sees"
        elif kind in ("Sigmoid", "ReLU", "Tanh"):
            note = f"{kind.lower()} on every number"
        elif kind == "GlobalPool":
            note = f"{layer.kind} over all positions, per channel"
        elif kind == "Flatten":
            note = f"{'×'.join(map(str, x.shape[1:]))} numbers in a row"
        elif kind == "Pool2D":
            note = "pooling windows"
        rows.append(LedgerRow(name, tuple(x.shape), count, note))
    rows.append(LedgerRow("probability", (1,), None, "sigmoid of the logit = P(label 1)"))
    return rows
