"""All 512 images (pages 5-8): the trained model run on every 3x3 black-and-white image.

``every_image_part(run, prefix)``: the answers grouped by prediction (a wall of thumbnails
each, wrong answers tinted), the counts against the real rule (one full row or column), and
the images the model is least sure about. The numbers come from
``cnndemo.all_images.evaluate_all``; the run is the one the page shows (the look-back slider
moves this too). Keys: ``{prefix}.fig.all.*``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app.core.training_jobs import TrainingRun
from app.figures.every_image import image_wall
from app.figures.images import image_set_figure
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from cnndemo.all_images import MAX_PIXELS, ImageVerdicts, evaluate_all

__all__ = ["every_image_part"]

SIDE = 3
"""Images of this size are enumerated: 2 ** 9 = 512 of them."""


def _verdicts(run: TrainingRun) -> ImageVerdicts:
    return run.memo("all images", lambda: evaluate_all(run.model, SIDE, SIDE))


def _wall(run: TrainingRun, prefix: str, called: bool, found: ImageVerdicts) -> None:
    group = np.flatnonzero(found.called_line == called)
    order = group[np.argsort(-found.probabilities[group], kind="stable")]
    wrong = int(np.sum(found.lines[group] != called))
    what = "a line" if called else "not a line"
    title = f"Called {what}: {len(group)} images ({wrong} of them wrong)"
    if not len(group):
        st.markdown(f"**No image is called {what}.**")
        return
    plotly_chart(st,
        run_figure(run, ("all images", called), lambda: image_wall(
            found.images[order], found.probabilities[order], found.lines[order], title=title
        )),
        key=f"{prefix}.fig.all.{'line' if called else 'other'}",
    )  # fmt: skip


def every_image_part(run: TrainingRun, prefix: str) -> None:
    """The model's answer for all 512 3x3 images, against the real rule."""
    st.subheader(f"All {2 ** (SIDE * SIDE)} images of {SIDE}x{SIDE} pixels")
    if run.data.inputs.shape[1:3] != (SIDE, SIDE) or SIDE * SIDE > MAX_PIXELS:
        st.info(f"This part runs the model on every {SIDE}x{SIDE} image: train on "
                f"{SIDE}x{SIDE} images to see it.")  # fmt: skip
        return
    found = _verdicts(run)
    counts = found.counts
    n = len(found.probabilities)
    agree = counts["true positives"] + counts["true negatives"]
    st.markdown(
        f"The model learned from {len(run.data.names)} images; here it answers all {n} "
        f"possible ones. The real rule (an image is a line when its ink is exactly one full row "
        f"or one full column) holds for **{int(found.lines.sum())}** of them. The model agrees "
        f"with the rule on **{agree} of {n}**: that is how well it *generalises*."
    )
    cols = st.columns(4)
    cols[0].metric("lines called lines", counts["true positives"], help="true positives")
    cols[1].metric("others called lines", counts["false positives"], help="false positives")
    cols[2].metric("others called not lines", counts["true negatives"], help="true negatives")
    cols[3].metric("lines called not lines", counts["false negatives"], help="false negatives")
    st.caption("Each thumbnail is one image (ink dark), most confident first; a tinted one is "
               "answered against the rule. Hover for its P(line).")  # fmt: skip
    _wall(run, prefix, True, found)
    _wall(run, prefix, False, found)
    nearest = found.nearest_to_half(8)
    plotly_chart(st,
        run_figure(run, "all images nearest", lambda: image_set_figure(
            found.images[nearest], found.lines[nearest].astype(int),
            found.probabilities[nearest], title="The 8 it is least sure about (P nearest 0.5)",
            per_row=8,
        )),
        key=f"{prefix}.fig.all.nearest",
    )  # fmt: skip
    st.caption("Under each: its real label by the rule (1 = a line) and the model's P(line).")
