"""Parts shared by the image training pages (sections 5-8), each a whole block of a page.

- ``images_and_training(controls, images)``: the images (thumbnails with the current run's
  predictions, editor below), the hyper-parameter ``controls``, the weights typed by hand and
  the training panel.
- ``image_data_or_error(image_set)`` -> ``ImageData`` or None (after an ``st.error``).
- ``ledger_part(section, size, hyperparameters)``: shape ledger of a fresh model, measured.
- ``predictions_part(run, key)``: thumbnails with P(label 1), wrong ones framed and listed;
  ``region_vectors_chart(run, key)``, ``image_chart(where, run, index, key)``: a run's charts.
- ``lab_part(run, prefix, section, data, hp)``: all 512 3x3 images, then the seed sweep.
- ``classify_part(run, pad_prefix, set_prefix, pooled=...)``: the draw pad, the trained
  model's answer (a size it cannot take is explained, not raised), "add to the images".
- ``open_image_page(page, title, controls, images, pad) -> Schema``: the images once per session,
  a share link applied, the title and its warning; ``model_files_and_link(...)``: the end of a
  page (save or load the model, the share box). ``apply_image_page_state(state, images_key,
  pad_key, controls)``: a decoded share link (``app.core.training_links``) into the widgets.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import streamlit as st

from app.core import ledger, limits, markup
from app.core.controls import Controls
from app.core.decision_lines import decision_lines, slice_words
from app.core.hyperparameters import TrainingControls
from app.core.image_analysis import display_name
from app.core.image_sets import ImageSet, Rows, image_from_array, set_from_link
from app.core.model_ledgers import model_ledger
from app.core.model_page_setups import page_of_prefix
from app.core.numbers import fixed
from app.core.share import Schema
from app.core.training_links import image_page_schema, image_page_state
from app.core.verdicts import MARKS
from app.figures.images import image_figure, image_set_figure, region_vectors_animation
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from app.widgets.draw_pad import draw_pad, pad_image, set_pad_image
from app.widgets.every_image import every_image_part
from app.widgets.expanders import lazy_expander
from app.widgets.image_set_editor import image_set, image_set_section, init_image_set, set_image_set
from app.widgets.ledger_view import show_ledger
from app.widgets.locks import data_key, is_locked
from app.widgets.model_files import model_files
from app.widgets.number_tables import number_table
from app.widgets.seed_sweep import sweep_part
from app.widgets.share_box import link_warning, restore_from_link, share_link
from app.widgets.training_controls import hyperparameter_controls
from app.widgets.training_panel import training_panel
from app.widgets.weight_design import design_part
from cnndemo import data as data_mod
from cnndemo.explain import conv_plan
from cnndemo.models import build_model


def open_image_page(
    page: str, title: str, controls: TrainingControls, images: str, pad: str
) -> Schema:
    """The top of an image training page: the tutorial's images once per session, a share link
    applied before any widget renders, then the title and, if the link was bad, why. Returns
    the page's link schema (images, ``controls``, the drawing ``pad``)."""
    schema = image_page_schema(controls.all)
    init_image_set(images)
    restore_from_link(
        page, schema, lambda state: apply_image_page_state(state, images, pad, controls)
    )
    st.title(title)
    link_warning(page)
    return schema


def model_files_and_link(
    controls: TrainingControls,
    schema: Schema,
    image_set_value: ImageSet,
    data,
    hp: dict,
    pad: str,
    views: Controls | None = None,
) -> None:
    """The end of an image training page: save or load the model, then the share box (which
    also carries the controls of the page's ``views``)."""
    with st.expander("Save or load the model"):
        model_files(controls, data)
    state = image_page_state(image_set_value, controls.all.link_values(hp), pad_image(pad))
    share_link(schema, state, views=views, page=page_of_prefix(controls.prefix))


def apply_image_page_state(
    state: dict, images_key: str, pad_key: str, controls: TrainingControls
) -> None:
    """Put a decoded link state (the inverse of ``app.core.training_links.image_page_state``)
    into the page's widgets: the image set, the drawing pad and the hyper-parameter controls."""
    set_image_set(images_key, set_from_link(state["img"], state["lab"]))
    set_pad_image(pad_key, image_from_array(state["pad"]))
    controls.all.apply(state, st.session_state)


def images_and_training(
    controls: TrainingControls, images: str
) -> tuple[ImageSet, data_mod.ImageData | None, dict, object]:
    """The part every image training page shares, in page order: the images (thumbnails with
    the current run's predictions, editor below), the hyper-parameters and the training panel.

    ``controls`` are the page's hyper-parameter controls (their prefix, ``"s5"``, is the
    panel's), ``images`` its image-set prefix. Returns
    ``(image set, its training data or None when invalid, hyper-parameters, run or None)``.
    """
    prefix, section = controls.prefix, controls.section
    image_set_now = image_set(images)
    data = image_data_or_error(image_set_now)
    st.subheader("The images")
    st.caption(
        "Label 1 = a single straight line. After training each thumbnail shows the model's "
        "P(label 1) and a wrong answer is framed; open the editor below it to change the images."
    )
    cards = st.container()

    st.subheader("Hyper-parameters")
    hp = hyperparameter_controls(controls)
    design_part(prefix, section, data, hp)
    run = training_panel(prefix, section, data, hp, controls=controls)

    with cards:
        fresh = run is not None and not run.stale
        image_set_section(
            images,
            probabilities=run.final.probabilities if fresh else None,
            figure_key=f"{prefix}.fig.images",
            edit_key=f"{prefix}.edit",
        )
    return image_set_now, data, hp, run


def image_data_or_error(value: ImageSet) -> data_mod.ImageData | None:
    """The engine's dataset for ``value``, or None after showing why it cannot be used."""
    try:
        return data_mod.image_data(value.images, value.labels)
    except ValueError as error:
        st.error(f"These images cannot be used for training: {markup.message(error)}")
        return None


@st.cache_data(max_entries=32, show_spinner=False)
def _ledger_rows(section: int, size: tuple[int, int], hp_json: str) -> list:
    """Shapes and parameter counts of a fresh model (keyed on the setup only)."""
    return model_ledger(build_model(section, input_size=size, **json.loads(hp_json)))


def ledger_part(section: int, size: tuple[int, int], hyperparameters: dict) -> None:
    """The shape ledger of the page's model, with the conv output-size formula per axis."""
    hp = {k: v for k, v in hyperparameters.items()}
    try:
        rows = _ledger_rows(section, tuple(size), json.dumps(hp, sort_keys=True))
    except ValueError as error:
        st.error(f"This model cannot be built: {markup.message(error)}")
        return
    (kh, kw), (sy, sx), padding = hp["kernel_size"], hp["conv_stride"], hp["padding"]
    formulas = [
        ledger.output_size_latex(size[0], kh, sy, padding, axis="rows"),
        ledger.output_size_latex(size[1], kw, sx, padding, axis="cols"),
    ]
    if section == 7:
        first = conv_plan(tuple(size), (kh, kw), (sy, sx), padding).out_shape
        second = hp["second_kernel_size"]
        formulas.append(ledger.output_size_latex(first[0], second[0], 1, padding, axis="rows,2"))
        formulas.append(ledger.output_size_latex(first[1], second[1], 1, padding, axis="cols,2"))
    show_ledger(rows, formulas)


def region_vectors_chart(run, key: str, *, images: bool = True, title: str | None = None) -> None:
    """The animated region vectors of the run's first conv layer, with each image's vector
    (what the dense layer reads) and, where the dense layer reads one such vector, its
    decision line, when ``images``."""
    epochs, regions, vectors = run.history
    words = {} if title is None else {"title": title}
    count = run.final.feature_maps[0].shape[-1]
    lines = decision_lines(run.model, run.snapshots, (0, 1), count) if images else None
    plotly_chart(st,
        run_figure(run, "regions", lambda: region_vectors_animation(
            epochs, regions, vectors if images else None, run.data.names, run.data.targets,
            decision=lines, **words,
        )),
        key=key,
    )  # fmt: skip
    if lines is not None:
        note = slice_words((0, 1), count, run.final.example_vectors.shape[1], "image")
        if len(run.final.feature_maps) > 1:
            note += " The line is for the ● (layer 2) vectors; the ◆ are layer 1's."
        st.caption(note)


def image_chart(where, run, index: int, key: str) -> None:
    """Training image ``index`` of the run, drawn in ``where`` (a column or ``st``)."""
    plotly_chart(where,
        run_figure(run, ("image", index), lambda: image_figure(
            run.data.inputs[index, :, :, 0], title=f"Image #{index}"
        )),
        key=key,
    )  # fmt: skip


def predictions_part(run, key: str, heading: str = "What it answers for each image") -> None:
    """Thumbnails with P(label 1) (wrong and undecided ones framed), them in words, a table."""
    st.subheader(heading)
    names, targets = run.data.names, run.data.targets
    probabilities = run.final.probabilities
    plotly_chart(
        st,
        run_figure(
            run,
            "thumbs",
            lambda: image_set_figure(
                run.data.inputs[..., 0],
                targets.astype(int),
                probabilities,
                title="Predicted probability of label 1",
            ),
        ),
        key=f"{key}.fig.thumbs",
    )
    found = run.verdicts()
    for kind, title in (("wrong", "Wrong"), ("undecided", "Undecided (P shows 0.5000)")):
        which = np.flatnonzero(found == kind)
        if len(which):
            st.markdown(
                f"**{title} ({len(which)}):** "
                + ", ".join(
                    f"{markup.code(display_name(names[i]))} (label {int(targets[i])}, "
                    f"p = {fixed(probabilities[i], 3)})"
                    for i in which
                )
            )
    if np.all(found == "right"):
        st.markdown("**Every image is on the right side of 0.5.**")

    def table() -> None:
        number_table(
            pd.DataFrame(
                {
                    "image (· = blank)": [display_name(n) for n in names],
                    "label": targets.astype(int),
                    "P(label 1)": np.round(probabilities, 4),
                    "right?": [MARKS[v] for v in found],
                }
            ),
            hide_index=True,
        )

    # Lazy: the table is built and sent only while the reader has it open.
    lazy_expander("All probabilities as a table", table, key=f"{key}.probs.open")


def lab_part(run, prefix: str, section: int, data, hp: dict) -> None:
    """The lab's image-page parts below a run: the run's answer for all 512 3x3 images, then
    the seed sweep of the page's setup."""
    if run is not None:
        every_image_part(run, prefix)
    sweep_part(prefix, section, data, hp)


def _add_drawing(set_prefix: str, rows: Rows, label: int) -> None:
    current = image_set(set_prefix)
    if len(current) < limits.MAX_IMAGES:
        set_image_set(set_prefix, current.with_image(rows, label))


def classify_part(run, pad_prefix: str, set_prefix: str, *, pooled: bool) -> None:
    """Draw an image, get the trained model's answer; add the drawing to the training images.

    A size the model cannot take (flattened models: any other size than the training
    images') is explained with the engine's own message instead of failing.
    """
    st.subheader("Draw a new image and classify it")
    if pooled:
        st.caption(
            "Click pixels to ink them. A pooled model takes any image at least as large as its "
            "kernel: try a 4x4 image with a line."
        )
    else:
        st.caption(
            "Click pixels to ink them. This model flattens its feature maps into the dense "
            "layer, whose weight count is fixed by the training images' size: try another "
            "size to see what that means."
        )
    left, right = st.columns([1, 2])
    with left:
        rows = draw_pad(pad_prefix)
    with right:
        if run is None:
            st.info("Train the model first; then it classifies your drawing here.")
        else:
            try:
                p = float(run.model.predict_proba([list(rows)])[0])
            except ValueError as error:
                st.warning(f"The trained model cannot take this image: {markup.message(error)}")
            else:
                verdict = "a line (label 1)" if p > 0.5 else "not a line (label 0)"
                if not math.isfinite(p):
                    verdict = "nothing: its training diverged"
                st.metric("P(label 1)", fixed(p))
                st.markdown(f"The trained model says **{verdict}**.")
                if run.stale:
                    st.caption("(The model of the last run, trained on an earlier setup.)")
        current = image_set(set_prefix)
        if (len(rows), len(rows[0])) == current.size:
            cols = st.columns(2)
            for label, col in zip((1, 0), cols, strict=True):
                col.button(
                    f"add to the images as label {label}",
                    key=f"{pad_prefix}.add{label}",
                    on_click=_add_drawing,
                    args=(set_prefix, tuple(rows), label),
                    disabled=is_locked(data_key(set_prefix)) or len(current) >= limits.MAX_IMAGES,
                )
        else:
            st.caption(
                f"The training images are {current.size[0]}x{current.size[1]}: resize the "
                "drawing to add it to them."
            )
