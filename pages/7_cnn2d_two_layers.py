"""Section 7: two stacked conv layers (a conv output is itself a grid of vectors), then dense."""

from __future__ import annotations

import streamlit as st

from app.core import ledger
from app.core.hyperparameters import (
    ACTIVATION,
    IMAGE_CHANNELS,
    SECOND_CHANNELS,
    training_controls,
)
from app.core.image_analysis import display_name, region_grid, regions_text
from app.core.receptive_fields import field_controls
from app.core.run_gradients import gradient_controls
from app.core.training_jobs import TrainingRun
from app.figures.images import feature_maps_figure
from app.server import reroute_deep_link
from app.widgets import image_training
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from app.widgets.learned_weights import learned_part
from app.widgets.receptive_field import receptive_field_part
from app.widgets.training_gradients import gradients_part
from cnndemo.explain import conv_terms

reroute_deep_link()

PAGE = "cnn2d-two-layers"
SECTION = 7
TITLE = "CNN 2D, 2 layers"
P = "s7"
IMAGES = "s7.images"
PAD = "s7.pad"

CONTROLS = training_controls(
    P, SECTION, (ACTIVATION, IMAGE_CHANNELS.worded("layer 1 channels", help=""), SECOND_CHANNELS)
)
GRADIENTS = gradient_controls(P)
FIELD = field_controls(P)


def _layer_chart(where, run: TrainingRun, index: int, layer: int, maps) -> None:
    """Conv layer ``layer``'s output for image ``index`` (one panel per channel)."""
    title = f"Layer {layer} output (after the activation)"
    plotly_chart(
        where,
        run_figure(run, (f"layer{layer}", index), lambda: feature_maps_figure(maps, title=title)),
        key=f"s7.fig.layer{layer}",
    )


def _layers_part(run: TrainingRun) -> None:
    st.subheader("Inside the model: both feature maps of one image")
    names = run.data.names
    key = "s7.focus"
    if st.session_state.get(key) not in range(len(names)):
        st.session_state[key] = 0
    index = st.selectbox(
        "Image",
        range(len(names)),
        key=key,
        format_func=lambda i: f"#{i} {display_name(names[i])}",
    )
    first, second = run.final.feature_maps[0][index], run.final.feature_maps[1][index]
    kernel = run.hyperparameters["kernel_size"]
    regions = region_grid(run.data.inputs[index], kernel)
    st.markdown(
        f"Layer 1 turns the {run.data.inputs.shape[1]}x{run.data.inputs.shape[2]} image into "
        f"a **{first.shape[0]}x{first.shape[1]} grid of {first.shape[2]}-vectors**, one per "
        "2x2 region. That grid is an input like any other, with "
        f"{first.shape[2]} channels, so layer 2 slides its own 2x2 kernel over it, exactly "
        "like the multi-channel convolution of section 2. Here its single window covers the "
        f"whole grid and gives **one {second.shape[2]}-vector**, which the dense layer reads."
    )
    left, right = st.columns([1, 2])
    image_training.image_chart(left, run, index, "s7.fig.image")
    _layer_chart(right, run, index, 1, first)
    right.caption("Output cell (row, column) ← the region it reads: " + regions_text(regions))
    _layer_chart(st, run, index, 2, second)
    conv2 = run.model.layer("conv2")
    kernel2, bias2 = conv2.params["kernel"], conv2.params["bias"]
    activation = run.hyperparameters["activation"]
    for channel in range(second.shape[2]):
        if second.shape[0] * second.shape[1] > 1:
            break  # a bigger second map: the figure above is the summary
        window_sum = conv_terms(first, kernel2, (0, 0), channel, 1, run.hyperparameters["padding"])
        terms, dot = window_sum.terms, window_sum.total
        bias = float(bias2[channel])
        st.markdown(
            f"**Layer 2, channel {channel}:** {ledger.written_sum(terms, dot)}; plus its bias "
            f"{bias:.3f} gives {dot + bias:.3f}, and {activation}({dot + bias:.3f}) = "
            f"**{second[0, 0, channel]:.3f}**"
        )
    st.caption(
        "Products run over the layer 1 grid row by row, column by column, channel by channel, "
        "each times its weight in layer 2's kernel (values rounded to 3 significant digits)."
    )


SCHEMA = image_training.open_image_page(PAGE, TITLE, CONTROLS, IMAGES, PAD)
st.markdown(
    "A conv layer's output is itself a grid of vectors, so another conv layer can read it. "
    "Here are two convolutions in a row. The first looks at 2x2 regions of the image; the second "
    "looks at 2x2 groups of the first one's **vectors**, so it sees the whole 3x3 image at "
    "once. Its output is flattened into the dense layer."
)
# One step per line: a single line was cut off on a phone.
st.latex(
    r"\begin{aligned}h &= \sigma\big(\mathrm{conv}(x, K_1) + b_1\big)\\"
    r"g &= \sigma\big(\mathrm{conv}(h, K_2) + b_2\big)\\"
    r"p &= \sigma\big(w \cdot \mathrm{flatten}(g) + b\big)\end{aligned}"
)
st.caption("x: 3x3x1 image, h: 2x2x2 grid of vectors, g: 1x1x2, K_2: a 2x2x2x2 kernel.")

image_set, data, hp, run = image_training.images_and_training(CONTROLS, IMAGES)

if run is not None:
    two_d = run.hyperparameters["second_channels"] == run.hyperparameters["channels"] == 2
    if int(run.hyperparameters["channels"]) >= 2:
        st.subheader("Layer 1's region vectors" + (" and the images' layer 2 vectors" * two_d))
        title = "Layer 1 region vectors (◆)" + (" and layer 2 image vectors (●)" if two_d else "")
        image_training.region_vectors_chart(run, "s7.fig.regions", images=two_d, title=title)
        if two_d:
            st.caption(
                "The ● points are layer 2's outputs (what the dense layer reads), plotted on "
                "the same axes as layer 1's region vectors though they are other channels."
            )
    image_training.predictions_part(run, P)
    learned_part(run, P)
    _layers_part(run)
    gradients_part(run, GRADIENTS)
image_training.lab_part(run, P, SECTION, data, hp)
image_training.classify_part(run, PAD, IMAGES, pooled=False)
image_training.ledger_part(SECTION, image_set.size, hp)
receptive_field_part(SECTION, image_set.size, hp, FIELD)
image_training.model_files_and_link(
    CONTROLS, SCHEMA, image_set, data, hp, PAD, views=GRADIENTS + FIELD
)
