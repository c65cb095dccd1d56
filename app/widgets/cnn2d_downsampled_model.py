"""Section 8, part 2: the down-sampled CNN trained live (drawn by pages/8_cnn2d_downsampled.py).

Kept out of the page file so the page stays thin: Streamlit compiles a page script on every
AppTest run (with its magic rewrite), while a module is compiled once per process.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.core import limits, markup
from app.core.controls import Controls
from app.core.conv_controls import size_control
from app.core.hyperparameters import POOL, training_controls
from app.core.image_analysis import display_name, pooled_sources
from app.core.model_ledgers import downsampled_model_ledger
from app.core.numbers import fixed
from app.core.receptive_fields import field_controls
from app.core.run_gradients import gradient_controls
from app.core.training_jobs import TrainingRun
from app.core.verdicts import MARKS
from app.figures.training import probability_bars
from app.widgets import image_set_editor
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from app.widgets.controls import control_input
from app.widgets.expanders import lazy_expander
from app.widgets.image_training import lab_part, region_vectors_chart
from app.widgets.learned_weights import learned_part
from app.widgets.ledger_view import show_ledger
from app.widgets.model_files import model_files
from app.widgets.number_tables import number_table
from app.widgets.receptive_field import receptive_field_part
from app.widgets.training_controls import hyperparameter_controls
from app.widgets.training_gradients import gradients_part
from app.widgets.training_panel import current_run, setting_keys, training_panel
from app.widgets.weight_design import design_keys, design_part
from cnndemo import data as data_mod
from cnndemo.diagnose import confusable_groups
from cnndemo.models import build_model

# Part 2: the down-sampled CNN. The training panel's widgets live under "p8m.tp."; the model's
# pooling window and stride are this page's own inputs (the panel's controls are one number
# each, the engine takes [rows, columns]).
MODEL = "p8m"
IMAGES = "p8.img"
EDIT = "p8.edit"  # the image editor's expander
SECTION = 8
HYPERPARAMETERS = training_controls(
    MODEL, SECTION, (POOL.worded("pooling", "max = ANY, min = ALL"),)
)


MAX_POOL = limits.MAX_IMAGE_EDIT_SIDE
POOL_SHAPE = Controls(
    (
        size_control("p8m.py", "pool window height", MAX_POOL, 2, "mpy", "slider"),
        size_control("p8m.px", "pool window width", MAX_POOL, 2, "mpx", "slider"),
        size_control("p8m.sy", "pool stride y", MAX_POOL, 2, "msy", "slider"),
        size_control("p8m.sx", "pool stride x", MAX_POOL, 2, "msx", "slider"),
    )
)
"""The model's pooling window (rows, columns) then stride (rows, columns)."""
CONTROLS = HYPERPARAMETERS.all + POOL_SHAPE
"""Every control of part 2 (the page's link holds them all)."""
GRADIENTS = gradient_controls(MODEL)
FIELD = field_controls(MODEL)
VIEWS = GRADIENTS + FIELD
"""The gradient and receptive-field views' controls (optional in the page's link)."""


def kept_keys() -> tuple[str, ...]:
    """Part 2's widget values besides its ``CONTROLS`` to keep while its tab is closed."""
    return (*setting_keys(MODEL), EDIT, *VIEWS.keys, *design_keys(MODEL))


def sync_loaded_model() -> None:
    """A loaded model file sets the panel's controls itself; its pooling window and stride go
    into this page's inputs here, once, before they render."""
    run = current_run(MODEL)
    if run is None or run.source != "loaded" or st.session_state.get("p8m.synced") is run:
        return
    st.session_state["p8m.synced"] = run
    hp = run.hyperparameters
    for control, value in zip(POOL_SHAPE, (*hp["pool_size"], *hp["pool_stride"]), strict=True):
        st.session_state[control.key] = control.clamp(value)


def _model_pool_inputs() -> tuple[list[int], list[int]]:
    values = []
    for col, control in zip(st.columns(len(POOL_SHAPE)), POOL_SHAPE, strict=True):
        with col:
            values.append(control_input(control))
    return values[:2], values[2:]


def _explain_run(run: TrainingRun) -> None:
    """What the model learned, in words: which images it cannot separate, and why."""
    data, final = run.data, run.final
    groups = confusable_groups(final.example_vectors, data.targets)
    names = data.names
    blank = next((i for i, name in enumerate(names) if "#" not in name), None)
    lines = []
    if blank is not None:
        vector = ", ".join(f"{v:.3f}" for v in final.example_vectors[blank])
        lines.append(
            f"The **blank image** (label 0) gets P(line) = **{final.probabilities[blank]:.3f}**. "
            f"All its regions are blank (`0000`), so its pooled vector ({vector}) is just the "
            "blank region's vector."
        )
    for group in groups:
        shown = ", ".join(
            f"{markup.code(display_name(names[i]))} ({int(data.targets[i])})" for i in group.indices
        )
        lines.append(
            f"These {len(group.indices)} images reach the dense layer with almost the same "
            f"pooled vector: {shown}. The dense layer must answer them alike, so the best it can "
            f"do is the share of lines among them, **{group.best:.2f}**; their predictions are "
            + ", ".join(f"{final.probabilities[i]:.3f}" for i in group.indices)
            + "."
        )
    if not groups:
        lines.append(
            "No two images with different labels share a pooled vector here, so nothing stops "
            "the dense layer from separating them all."
        )
    st.markdown("\n\n".join(lines))
    hp = run.hyperparameters
    one_cell = final.example_vectors.shape[1] == final.feature_maps[0].shape[3]
    if groups and hp["pool"] == "max" and one_cell:
        conv_h, conv_w = final.feature_maps[0].shape[1:3]
        st.markdown(
            f"Why: the convolution looks at {conv_h}x{conv_w} positions, and the pool window "
            "covers them all, so pooling keeps, per channel, the **largest** response of the "
            "image's regions, exactly like the global max of section 5. A line along an edge "
            "also contains blank regions (`0000`); where a channel scores the blank region "
            "higher than the line's own regions, the max picks the blank one, and the line "
            "looks like the blank image to the dense layer. The table shows which region won "
            "each channel of each image."
        )


def _results(run: TrainingRun) -> None:
    data, final = run.data, run.final
    epochs = run.history[0]
    plotly_chart(
        st,
        run_figure(
            run,
            "bars",
            lambda: probability_bars(
                [display_name(name) for name in data.names],
                final.probabilities,
                data.targets,
                epochs=epochs,
                history=[s.probabilities for s in run.snapshots],
                title="P(line) per image",
            ),  # fmt: skip
        ),
        key="p8m.fig.bars",
    )
    pooled_2d = final.example_vectors.shape[1] == 2
    region_vectors_chart(run, "p8m.fig.vectors", images=pooled_2d)
    st.caption(
        "◆ every distinct 2x2 region, labelled by its pixels row by row (1 = ink), at the "
        "2-vector the convolution and sigmoid give it. "
        + (
            "● each image at its pooled vector, what the dense layer sees (blue: label 1, "
            "vermilion: label 0). "
            if pooled_2d
            else "The pooled grids have more than one cell here, so images are not drawn. "
        )
        + "Press ▶ play to watch training move them."
    )
    learned_part(run, MODEL)
    st.subheader("What the model learned")
    _explain_run(run)
    rows = []
    hp = run.hyperparameters
    found = run.verdicts()
    for i, name in enumerate(data.names):
        sources = pooled_sources(data.inputs[i, :, :, 0], final.feature_maps[0][i], hp)
        rows.append(
            {
                "image": display_name(name),
                "label": int(data.targets[i]),
                "P(line)": round(float(final.probabilities[i]), 4),
                "right?": MARKS[found[i]],
                "pooled vector": "(" + ", ".join(fixed(v, 3) for v in final.example_vectors[i])
                + ")",
                **{
                    f"channel {ch} from": "; ".join(cell[ch] for cell in sources)
                    for ch in range(len(sources[0]))
                },
            }
        )  # fmt: skip
    # Tall enough for every row: the table is the page's written record of the run.
    number_table(pd.DataFrame(rows), hide_index=True, key="p8m.table",
                 height=35 * (len(rows) + 1) + 3)  # fmt: skip

    def vectors() -> None:
        st.markdown(
            "\n".join(
                f"- `{bits}`: (" + ", ".join(f"{v:.4f}" for v in vector) + ")"
                for bits, vector in final.window_vectors.items()
            )
        )

    # Lazy: the list is built and sent only while the reader has it open.
    lazy_expander("Region vectors after training (conv + sigmoid of each 2x2 region)", vectors,
                  key="p8m.vectors.open")  # fmt: skip


def model_part() -> None:
    st.markdown(
        "The tutorial's model for 3x3 images: a 2x2 convolution with 2 output channels and a "
        "sigmoid gives a 2x2 grid of 2-vectors; **max pooling with 2x2 windows and stride 2** "
        "shrinks it to one 2-vector (1x1); that is flattened into a dense layer whose sigmoid "
        "is P(line). It learns from the 16 images below: the 6 full rows and columns are lines "
        "(label 1), the other 10 are not (label 0)."
    )
    # Three short lines rather than one nested formula: it stays readable on a phone.
    st.latex(
        r"\begin{aligned}"
        r"h_{r,s,c} &= \sigma\Big(\textstyle\sum_{i,j} x_{r+i,\,s+j}\, K_{i,j,c} + b_c\Big)\\"
        r"v_c &= \max_{(r,s)\,\in\,\text{window}} h_{r,s,c}\\"
        r"p &= \sigma\Big(\textstyle\sum_c w_c\, v_c + b\Big)"
        r"\end{aligned}"
    )
    st.caption(
        "h: the conv output after the sigmoid (2x2 positions r, s; channels c); v: the pooled "
        "vector (the tutorial's 2x2 window with stride 2 covers all four positions, so there "
        "is one); p: the probability of a line. Min and mean pooling replace the max."
    )
    image_set = image_set_editor.image_set(IMAGES)
    data = data_mod.image_data(image_set.images, image_set.labels)
    st.subheader("The images")
    images_box = st.container()  # filled once the training panel says whether its run is current

    st.subheader("Hyper-parameters")
    hp = hyperparameter_controls(HYPERPARAMETERS)
    pool_size, pool_stride = _model_pool_inputs()
    hp["pool_size"], hp["pool_stride"] = pool_size, pool_stride
    try:
        build_model(SECTION, input_size=image_set.size, **hp)
    except ValueError as error:
        st.error(
            f"This model cannot take {image_set.size[0]}x{image_set.size[1]} images: "
            f"{markup.message(error)}. "
            "Pick a smaller pooling window or stride."
        )
        usable = None
    else:
        usable = data
    show_ledger(downsampled_model_ledger(len(image_set), image_set.size, hp))
    receptive_field_part(SECTION, image_set.size, hp, FIELD)

    design_part(MODEL, SECTION, usable, hp)
    run = training_panel(
        MODEL, SECTION, usable, hp, heading="Train the down-sampled CNN", controls=HYPERPARAMETERS
    )
    with images_box:
        fresh = run is not None and not run.stale
        image_set_editor.image_set_section(
            IMAGES,
            probabilities=run.final.probabilities if fresh else None,
            figure_key="p8m.fig.images",
            edit_key=EDIT,
        )
    if run is not None:
        _results(run)
        gradients_part(run, GRADIENTS)
    lab_part(run, MODEL, SECTION, usable, hp)
    with st.expander("Save or load the model"):
        model_files(HYPERPARAMETERS, usable)
