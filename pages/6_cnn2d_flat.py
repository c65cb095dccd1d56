"""Section 6: a 2D CNN whose feature maps are flattened into the dense layer, compared with 5."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import streamlit as st

from app.core import markup
from app.core.hyperparameters import ACTIVATION, IMAGE_CHANNELS, training_controls
from app.core.image_analysis import comparison_rows
from app.core.run_gradients import gradient_controls
from app.core.training_jobs import TrainingRun
from app.core.verdicts import right_of
from app.figures.training import weights_heatmap
from app.server import reroute_deep_link
from app.widgets import image_training
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from app.widgets.learned_weights import learned_part
from app.widgets.number_tables import number_table
from app.widgets.training_gradients import gradients_part
from cnndemo.train import train_section

reroute_deep_link()

PAGE = "cnn2d-flat"
SECTION = 6
TITLE = "CNN 2D fully connected"
P = "s6"
IMAGES = "s6.images"
PAD = "s6.pad"
CONTROLS = training_controls(P, SECTION, (ACTIVATION, IMAGE_CHANNELS))
GRADIENTS = gradient_controls(P)


@st.cache_data(max_entries=8, show_spinner=False)
def _pooled_probabilities(images: tuple, labels: tuple, hp_json: str) -> np.ndarray:
    """Train section 5's model on the same images and seed (about 0.2 s; cached per setup)."""
    result = train_section(5, images=images, labels=labels, **json.loads(hp_json))
    return result.final.probabilities


def _pooled_setup(hp: dict) -> dict:
    """Section 5's hyper-parameters matching this page's (max pooling, the reference kind)."""
    return {**hp, "pool": "max"}


def _compare_part(run: TrainingRun) -> None:
    st.subheader("Pooled (section 5) and flattened, side by side")
    try:
        pooled = _pooled_probabilities(
            tuple(tuple(name.split("/")) for name in run.data.names),
            tuple(int(t) for t in run.data.targets),
            json.dumps(_pooled_setup(run.hyperparameters), sort_keys=True),
        )
    except ValueError as error:
        st.error(f"The pooled model cannot be trained on these images: {markup.message(error)}")
        return
    rows = comparison_rows(run.data.names, run.data.targets, pooled, run.final.probabilities)
    wrong_pooled = [r["image"] for r in rows if "pooled" in r["wrong"]]
    wrong_flat = [r["image"] for r in rows if "flattened" in r["wrong"]]
    st.caption(
        "Pooled probabilities from section 5's model trained here on the same images with the "
        "same seed and settings and max pooling: the numbers the *CNN 2D pooled* page gives "
        "for that setup."
    )
    cols = st.columns(2)
    cols[0].metric("pooled: right side of 0.5", right_of(pooled, run.data.targets))
    cols[1].metric("flattened: right side of 0.5", right_of(run.final.probabilities,
                                                             run.data.targets))  # fmt: skip
    for name, wrong in (("Pooled", wrong_pooled), ("Flattened", wrong_flat)):
        text = ", ".join(map(markup.code, wrong)) if wrong else "none"
        st.markdown(f"**{name} gets wrong:** {text}")
    number_table(pd.DataFrame(rows).round(4), hide_index=True)
    st.markdown(
        "The flattened model keeps *where* each region was: its dense layer has one weight per "
        "position and channel, so the blank image's four `0000` windows no longer have to look "
        "like the windows of a line at the border."
    )
    blank = next((i for i, name in enumerate(run.data.names) if "#" not in name), None)
    if blank is not None:
        right = "flattened" not in rows[blank]["wrong"]
        seed = run.hyperparameters["seed"]
        st.markdown(
            f"With seed {seed} the flattened model gives the blank image "
            f"p = {rows[blank]['p flattened']:.3f}: "
            + (
                "**it learned it**, which pooling cannot."
                if right
                else "**this run did not learn it either**. Whether training finds such "
                "weights depends on the first weights: change the seed and train again."
            )
        )


def _weights_part(run: TrainingRun) -> None:
    weights = run.model.layer("dense").params["weights"][:, 0]
    maps = run.final.feature_maps[0]
    out_h, out_w, channels = maps.shape[1:]
    grid = weights.reshape(out_h * out_w, channels)
    plotly_chart(
        st,
        run_figure(
            run,
            "dense",
            lambda: weights_heatmap(
                grid,
                [f"row {r}, col {c}" for r in range(out_h) for c in range(out_w)],
                [f"channel {c}" for c in range(channels)],
                title="Dense weights: one per position and channel",
                y_title="feature-map position",
            ),
        ),
        key="s6.fig.dense",
    )
    st.caption(
        f"{out_h}×{out_w} positions × {channels} channels = {grid.size} weights. Rows of "
        "the flattened vector follow TensorFlow's order: row by row, and channels within a "
        "position."
    )


SCHEMA = image_training.open_image_page(PAGE, TITLE, CONTROLS, IMAGES, PAD)
st.markdown(
    "The same convolution as in section 5, but instead of pooling, the 2x2 grid of "
    "2-vectors is **flattened** into 2 x 2 x 2 = 8 numbers and the dense layer gives each "
    "its own weight. The model now knows *where* each region was."
)
# One step per line: a single line was cut off on a phone.
st.latex(
    r"\begin{aligned}h_{r,s,c} &= \sigma\big(\textstyle\sum_{i,j} x_{r+i,\,s+j}\, K_{i,j,c}"
    r" + b_c\big)\\p &= \sigma\big(\textstyle\sum_{r,s,c} w_{r,s,c}\, h_{r,s,c} + b\big)"
    r"\end{aligned}"
)
st.caption("One dense weight w per position (r, s) and channel c: 8 for 3x3 images.")

image_set, data, hp, run = image_training.images_and_training(CONTROLS, IMAGES)

if run is not None:
    if int(run.hyperparameters["channels"]) >= 2:
        st.subheader("The 2x2 region vectors")
        image_training.region_vectors_chart(
            run, "s6.fig.regions", images=False, title="2x2 region vectors during training"
        )
    image_training.predictions_part(run, P)
    learned_part(run, P)
    _compare_part(run)
    _weights_part(run)
    gradients_part(run, GRADIENTS)

st.subheader("Every image must have the same size")
st.markdown(
    "The dense layer has exactly one weight per number it receives. A 3x3 image gives a 2x2 "
    "feature map, 8 numbers with 2 channels; a 4x4 image would give a 3x3 map, 18 numbers, "
    "and there are no weights for the other 10. So a flattened model only takes images of "
    "the size it was built for (a pooled model takes any)."
)
image_training.lab_part(run, P, SECTION, data, hp)
image_training.classify_part(run, PAD, IMAGES, pooled=False)
image_training.ledger_part(SECTION, image_set.size, hp)
image_training.model_files_and_link(CONTROLS, SCHEMA, image_set, data, hp, PAD, views=GRADIENTS)
