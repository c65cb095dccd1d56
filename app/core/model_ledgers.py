"""Shape ledgers of whole models: the text models (sections 3-4) with their size formula,
section 8's down-sampled CNN, and any built image model, measured layer by layer. Plain Python
(no Streamlit, no Plotly); ``app.widgets.ledger_view.show_ledger`` draws the rows.
"""

from __future__ import annotations

import math

import numpy as np

from app.core.ledger import LedgerRow, conv2d_ledger, pool2d_row
from cnndemo import explain


def text_ledger(
    n: int,
    length: int,
    vocabulary: int,
    embedding: int,
    kernel: int,
    channels: int,
    activation: str,
    head: str,
    pool: str = "max",
    stride: int = 1,
    padding: str = "valid",
) -> list[LedgerRow]:
    """Shapes stage by stage of the section 3 (``head="pool"``) or 4 (``"flatten"``) model.

    The conv's positions come from :func:`cnndemo.explain.axis`."""
    positions = explain.axis(length, kernel, stride, padding).require("kernel", "width").out
    rows = [
        LedgerRow("input (token ids)", (n, length), None, f"{n} sentences of {length} tokens"),
        LedgerRow(
            "embedding",
            (n, length, embedding),
            vocabulary * embedding,
            f"table of {vocabulary} words × {embedding} numbers",
        ),
        LedgerRow(
            "conv1d",
            (n, positions, channels),
            kernel * embedding * channels + channels,
            f"kernel ({kernel}, {embedding}, {channels}) = {kernel * embedding * channels} "
            f"weights + {channels} biases; {positions} positions ({padding.upper()}, stride "
            f"{stride})",
        ),
        LedgerRow(activation, (n, positions, channels), None, "element by element"),
    ]
    if head == "pool":
        rows.append(
            LedgerRow(f"global {pool} pool", (n, channels), None, f"{pool} over the positions")
        )
        features = channels
    else:
        features = positions * channels
        rows.append(
            LedgerRow(
                "flatten", (n, features), None, f"{positions} positions × {channels} channels"
            )
        )
    rows += [
        LedgerRow("dense", (n, 1), features + 1, f"{features} weights + 1 bias → one logit"),
        LedgerRow("sigmoid", (n, 1), None, "probability of label 1"),
    ]
    return rows


def text_ledger_formula(
    length: int, kernel: int, channels: int, head: str, stride: int = 1, padding: str = "valid"
) -> str:
    """LaTeX under a text model's ledger: its conv positions (``head="pool"``, section 3) or the
    features its flatten hands the dense layer (``"flatten"``, section 4), numbers filled in
    from :func:`cnndemo.explain.axis`."""
    plan = explain.axis(length, kernel, stride, padding).require("kernel", "width")
    # A line break (KaTeX's \\) before the numbers: in one line it was cut off on a phone.
    if padding == "same":
        positions = (
            r"n^{\text{positions}} = \left\lceil \frac{n}{s} \right\rceil \\ = "
            rf"\left\lceil \frac{{{length}}}{{{stride}}} \right\rceil = {plan.out}"
        )
    else:
        positions = (
            r"n^{\text{positions}} = \left\lfloor \frac{n - k}{s} \right\rfloor + 1 \\ = "
            rf"\left\lfloor \frac{{{length} - {kernel}}}{{{stride}}} \right\rfloor + 1 "
            rf"= {plan.out}"
        )
    if head == "pool":
        return positions
    if padding == "valid" and stride == 1:
        return (
            r"\text{features} = (n - k + 1)\cdot C \\ = "
            rf"({length} - {kernel} + 1)\cdot {channels} = {plan.out * channels}"
        )
    return (
        rf"{positions} \\ \text{{features}} = n^{{\text{{positions}}}}\cdot C = "
        rf"{plan.out}\cdot {channels} = {plan.out * channels}"
    )


def downsampled_model_ledger(
    n_images: int, input_size: tuple[int, int], hyperparameters: dict
) -> list[LedgerRow]:
    """Stage by stage shapes of section 8's model (conv -> activation -> pool -> flatten ->
    dense) for ``n_images`` images of ``input_size``, with parameter counts."""
    hp = hyperparameters
    height, width = input_size
    channels = int(hp["channels"])
    rows = conv2d_ledger(
        height,
        width,
        1,
        tuple(hp["kernel_size"]),
        channels,
        tuple(hp["conv_stride"]),
        hp["padding"],
        batch=n_images,
        bias=True,
    )
    conv = rows[-1]
    if not conv.shape:
        return rows
    _, conv_h, conv_w, _ = conv.shape
    rows.append(LedgerRow(hp["activation"], conv.shape, None, "applied to every number"))
    pool = pool2d_row(
        (conv_h, conv_w, channels),
        tuple(hp["pool_size"]),
        tuple(hp["pool_stride"]),
        hp["pool"],
        "valid",
        batch=n_images,
    )
    rows.append(pool)
    if not pool.shape:
        return rows
    features = pool.shape[1] * pool.shape[2] * pool.shape[3]
    rows.append(
        LedgerRow(
            "flatten",
            (n_images, features),
            None,
            f"{pool.shape[1]}×{pool.shape[2]}×{pool.shape[3]} = {features} features",
        )
    )
    rows.append(
        LedgerRow(
            "dense → sigmoid",
            (n_images, 1),
            features + 1,
            f"{features} weights + 1 bias; the sigmoid of the logit is P(line)",
        )
    )
    return rows


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
