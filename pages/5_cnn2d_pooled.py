"""Section 5: a 2D CNN that pools over positions, trained live on sixteen 3x3 images."""

from __future__ import annotations

import streamlit as st

from app.core.hyperparameters import ACTIVATION, IMAGE_CHANNELS, POOL, training_controls
from app.core.image_analysis import display_name, pooling_story, region_grid, regions_text
from app.core.run_gradients import gradient_controls
from app.core.training_jobs import TrainingRun
from app.figures.images import feature_maps_figure
from app.server import reroute_deep_link
from app.widgets import image_training
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from app.widgets.learned_weights import learned_part
from app.widgets.training_gradients import gradients_part

reroute_deep_link()

PAGE = "cnn2d-pooled"
SECTION = 5
TITLE = "CNN 2D pooled"
P = "s5"  # training panel and page keys
IMAGES = "s5.images"
PAD = "s5.pad"

CONTROLS = training_controls(
    P,
    SECTION,
    (
        POOL.worded(
            help="max: is some region flagged (ANY)? min: are all of them (ALL)? avg: how many?"
        ),
        ACTIVATION,
        IMAGE_CHANNELS,
    ),
)
GRADIENTS = gradient_controls(P)


def _regions_part(run: TrainingRun) -> None:
    channels = int(run.hyperparameters["channels"])
    st.subheader("Every 2x2 region becomes a point")
    st.markdown(
        "The kernel looks at one 2x2 region at a time, so the convolution can only turn each "
        "*kind* of region (its four pixels, read row by row as a bit string like `1100`) into "
        f"a vector of {channels} numbers. The pooled vector of an image (●) is built from the "
        "vectors of its own regions (◆). Press ▶ play to watch them move during training."
    )
    if channels < 2:
        st.info("With one channel every vector is a single number: choose 2 or more channels.")
        return
    image_training.region_vectors_chart(run, "s5.fig.regions")
    final = run.final.window_vectors
    st.caption(
        "Final region vectors: "
        + "; ".join(
            f"`{label}` → ({', '.join(f'{v:.3f}' for v in vector)})"
            for label, vector in final.items()
        )
        + (f". Only channels 0 and 1 are drawn ({channels} channels)." if channels > 2 else ".")
    )


def _why_part(run: TrainingRun) -> None:
    st.subheader("Why the blank image is hard")
    names = run.data.names
    blank = next((i for i, n in enumerate(names) if "#" not in n), None)
    wrong = run.wrong()
    default = blank if blank is not None else (wrong[0] if wrong else 0)
    key = "s5.focus"
    if st.session_state.get(key) not in range(len(names)):
        st.session_state[key] = default
    index = st.selectbox(
        "Explain the pooled vector of",
        range(len(names)),
        key=key,
        format_func=lambda i: f"#{i} {display_name(names[i])}",
    )
    pool = run.hyperparameters["pool"]
    st.markdown(
        pooling_story(
            index,
            names,
            run.data.targets,
            run.final.probabilities,
            run.final.example_vectors,
            run.final.feature_maps[0],
            run.data.inputs[..., 0],
            pool,
            run.hyperparameters["kernel_size"],
        )
    )
    left, right = st.columns([1, 2])
    image_training.image_chart(left, run, index, "s5.fig.focus_image")
    regions = region_grid(run.data.inputs[index], run.hyperparameters["kernel_size"])
    plotly_chart(
        right,
        run_figure(
            run,
            ("maps", index),
            lambda: feature_maps_figure(
                run.final.feature_maps[0][index], title="Its feature maps (after the activation)"
            ),
        ),
        key="s5.fig.focus_maps",
    )
    right.caption("Output cell (row, column) ← the region it reads: " + regions_text(regions))


SCHEMA = image_training.open_image_page(PAGE, TITLE, CONTROLS, IMAGES, PAD)
st.markdown(
    "A 2x2 kernel slides over each 3x3 image and gives every window a vector "
    "(2 numbers by default). **Pooling** then keeps, per channel, the largest value over all "
    "positions, and a dense layer turns that pooled vector into the probability that the "
    "image is **a single straight line** (label 1)."
)
# One step per line: a single line was cut off on a phone.
st.latex(
    r"\begin{aligned}h_{r,s,c} &= \sigma\big(\textstyle\sum_{i,j} x_{r+i,\,s+j}\, K_{i,j,c}"
    r" + b_c\big)\\p &= \sigma\big(\textstyle\sum_c w_c \, \max_{r,s}\, h_{r,s,c} + b\big)"
    r"\end{aligned}"
)
st.caption("σ: sigmoid; K: the 2x2 kernel of channel c; w, b: the dense layer. (max → min/mean "
           "with the other pooling kinds.)")  # fmt: skip

image_set, data, hp, run = image_training.images_and_training(CONTROLS, IMAGES)

if run is not None:
    _regions_part(run)
    image_training.predictions_part(run, P)
    learned_part(run, P)
    _why_part(run)
    gradients_part(run, GRADIENTS)
image_training.lab_part(run, P, SECTION, data, hp)
image_training.classify_part(run, PAD, IMAGES, pooled=True)
image_training.ledger_part(SECTION, image_set.size, hp)
st.caption(
    "Global pooling keeps one number per channel whatever the image size, so the dense layer's "
    "weights do not depend on it: the same model takes bigger images too."
)
image_training.model_files_and_link(CONTROLS, SCHEMA, image_set, data, hp, PAD, views=GRADIENTS)
