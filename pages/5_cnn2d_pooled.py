"""Section 5: a 2D CNN that pools over positions, trained live on sixteen 3x3 images."""

from __future__ import annotations

import streamlit as st

from app import image_widgets as iw
from app import training_panel as tp
from app import widgets
from app.core.image_analysis import display_name, pooling_story, region_grid, regions_text
from app.core.share import ChoiceField, IntField
from app.core.training_jobs import TrainingRun
from app.core.training_links import image_page_schema, image_page_state
from app.figures.images import feature_maps_figure, image_figure, region_vectors_animation
from app.server import reroute_deep_link
from cnndemo.layers import ACTIVATIONS, POOL_KINDS

reroute_deep_link()

PAGE = "cnn2d-pooled"
SECTION = 5
TITLE = "CNN 2D pooled"
P = "s5"  # training panel and page keys
IMAGES = "s5.images"
PAD = "s5.pad"

EXTRAS = (
    tp.choice(
        "pool",
        "pooling over positions",
        POOL_KINDS,
        help="max: is some region flagged (ANY)? min: are all of them (ALL)? avg: how many?",
    ),
    tp.choice("activation", "activation", tuple(ACTIVATIONS)),
    tp.integer("channels", "conv channels", 1, 4, help="Length of each region's vector"),
)
EXTRA_LINK = {"pool": "pool", "act": "activation", "ch": "channels"}
SCHEMA = image_page_schema(
    (
        ChoiceField("pool", tuple(POOL_KINDS)),
        ChoiceField("act", tuple(ACTIVATIONS)),
        IntField("ch", 1, 4),
    )
)
CONTROLLED = (*tp.COMMON, *(c.name for c in EXTRAS))


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
    figure = widgets.run_figure(
        run,
        "regions",
        lambda: region_vectors_animation(
            [s.epoch for s in run.snapshots],
            [s.window_vectors for s in run.snapshots],
            [s.example_vectors for s in run.snapshots],
            run.data.names,
            run.data.targets,
        ),
    )
    st.plotly_chart(figure, key="s5.fig.regions")
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
    left.plotly_chart(
        widgets.run_figure(
            run,
            ("image", index),
            lambda: image_figure(run.data.inputs[index, :, :, 0], title=f"Image #{index}"),
        ),
        key="s5.fig.focus_image",
    )
    regions = region_grid(run.data.inputs[index], run.hyperparameters["kernel_size"])
    right.plotly_chart(
        widgets.run_figure(
            run,
            ("maps", index),
            lambda: feature_maps_figure(
                run.final.feature_maps[0][index], title="Its feature maps (after the activation)"
            ),
        ),
        key="s5.fig.focus_maps",
    )
    right.caption("Output cell (row, column) ← the region it reads: " + regions_text(regions))


iw.init_image_set(IMAGES)
widgets.restore_from_link(
    PAGE, SCHEMA, lambda state: iw.apply_image_page_state(state, IMAGES, PAD, P, EXTRA_LINK)
)

st.title(TITLE)
widgets.link_warning(PAGE)
st.markdown(
    "A 2x2 kernel slides over each 3x3 image and gives every window a vector "
    "(2 numbers by default). **Pooling** then keeps, per channel, the largest value over all "
    "positions, and a dense layer turns that pooled vector into the probability that the "
    "image is **a single straight line** (label 1)."
)
st.latex(
    r"p = \sigma\Big(\textstyle\sum_c w_c \, \max_{r,s}\, "
    r"\sigma\big(\sum_{i,j} x_{r+i,\,s+j}\, K_{i,j,c} + b_c\big) + b\Big)"
)
st.caption("σ: sigmoid; K: the 2x2 kernel of channel c; w, b: the dense layer. (max → min/mean "
           "with the other pooling kinds.)")  # fmt: skip

image_set, data, hp, run = iw.images_and_training(P, SECTION, IMAGES, EXTRAS)

if run is not None:
    _regions_part(run)
    iw.predictions_part(run, P)
    _why_part(run)
iw.classify_part(run, PAD, IMAGES, pooled=True)
iw.ledger_part(SECTION, image_set.size, hp)
st.caption(
    "Global pooling keeps one number per channel whatever the image size, so the dense layer's "
    "weights do not depend on it: the same model takes bigger images too."
)
with st.expander("Save or load the model"):
    tp.model_files(P, SECTION, data, CONTROLLED)
widgets.share_link(SCHEMA, image_page_state(image_set, hp, EXTRA_LINK, iw.pad_image(PAD)))
