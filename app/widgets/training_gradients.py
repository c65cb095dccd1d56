"""The gradient view of the training pages (sections 3-8): what the loss asks of each weight.

``gradients_part(run, controls)`` draws, for a finished (or stopped, or loaded) run:

- an epoch (one of the run's snapshots) and an example;
- for the conv kernel(s), and the word embedding on the text pages: the gradient of the mean
  error at that epoch (what that epoch's update used) next to the chosen example's share of
  it, on one colour scale, and one cell of it written out as the sum of every example's share;
- each layer's gradient norm over the epochs (log or linear scale), the epoch marked, and the
  run's stall or plateau explained from its numbers (``app.core.run_gradients``).

``controls`` are ``app.core.run_gradients.gradient_controls(prefix)``; a page passes the same
group to its share box (``share_link(..., views=controls)``) so links carry them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app.core import markup
from app.core.controls import Controls
from app.core.image_analysis import display_name
from app.core.numbers import format_value
from app.core.run_gradients import (
    example_shares,
    norm_history,
    shown_parameters,
    snapshot_near,
    stall_note,
    whole_gradient,
)
from app.core.training_jobs import TrainingRun
from app.figures.chart_spec import SpecFigure, spec_of
from app.figures.gradients import (
    gradient_figure,
    mark_epoch,
    norms_figure,
    power_of_ten,
    scale_words,
)
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from app.widgets.share_box import restore_view_link, view_link_warning
from cnndemo import data as data_mod


def _words(name: str, shown: tuple[str, ...]) -> str:
    """What a parameter is called in the view: "conv kernel", "layer 2 conv kernel", ..."""
    if name == "embedding.weights":
        return "word embedding"
    two = "conv2.kernel" in shown
    return f"layer {name.split('.')[0].removeprefix('conv')} conv kernel" if two else "conv kernel"


def _example_name(run: TrainingRun, index: int) -> str:
    name = run.data.names[index]
    shown = name if isinstance(run.data, data_mod.TextData) else display_name(name)
    return f"#{index} {markup.plain(shown, 60)}"


def _choose(run: TrainingRun, controls: Controls) -> tuple[int, int]:
    """The epoch (a snapshot's) and example pickers; their values."""
    epoch_control, example_control = controls.items[0], controls.items[1]
    state = st.session_state
    epochs = [s.epoch for s in run.snapshots]
    state[epoch_control.key] = snapshot_near(run, epoch_control.clamp(state.get(
        epoch_control.key, epoch_control.fallback))).epoch  # fmt: skip
    n = len(run.data.targets)
    state[example_control.key] = min(
        example_control.clamp(state.get(example_control.key, example_control.fallback)), n - 1
    )
    left, right = st.columns(2)
    with left:
        if len(epochs) > 1:
            epoch = st.select_slider(
                epoch_control.label, epochs, key=epoch_control.key, help=epoch_control.help
            )
        else:
            epoch = epochs[0]
            st.markdown(f"epoch: **{epoch}** (the only state of this run)")
    with right:
        index = st.selectbox(
            example_control.label, range(n), key=example_control.key,
            format_func=lambda i: _example_name(run, i), help=example_control.help,
        )  # fmt: skip
    return int(epoch), int(index)


def _sum_written(whole: np.ndarray, shares: list[np.ndarray], exponent: int) -> str:
    """The largest cell of ``whole`` written as the sum of every example's share."""
    cell = np.unravel_index(int(np.argmax(np.abs(whole))), whole.shape)
    unit = 10.0**exponent
    terms = " + ".join(format_value(share[cell] / unit) for share in shares).replace("+ -", "− ")
    total = sum(share[cell] for share in shares)
    return (
        f"Cell {tuple(int(i) for i in cell)}: {terms} = **{format_value(total / unit)}**, the "
        f"whole's {format_value(whole[cell] / unit)} ({scale_words(exponent) or 'as shown'})."
    )


def _parameter(run: TrainingRun, name: str, epoch: int, index: int, whole, shares) -> None:
    value, share = whole[name], shares[index][name]
    exponent = power_of_ten(value, share)
    bound = max(float(np.max(np.abs(value))), float(np.max(np.abs(share)))) / 10.0**exponent
    words = list(run.model.vocabulary) if name == "embedding.weights" else None
    label = _words(name, shown_parameters(run.model))
    st.markdown(f"**{label.capitalize()}**, epoch {epoch}")
    if not (np.all(np.isfinite(value)) and np.all(np.isfinite(share))):
        st.info(
            f"At epoch {epoch} this gradient is not a number: the run diverged (see the "
            "training panel). Pick an earlier epoch to see it before it overflowed."
        )
        return
    left, right = st.columns(2)
    # Both figures share one colour range (and unit), so the whole's figure depends on the
    # example too.
    for column, part, values, title in (
        (left, "whole", value, f"∂error/∂{label}: all examples"),
        (right, "share", share, f"Share of example #{index}"),
    ):
        plotly_chart(column,
            run_figure(run, ("gradient", name, epoch, index, part), lambda v=values, t=title: (
                gradient_figure(v, title=t, exponent=exponent, colour_bound=bound, words=words)
            )),
            key=f"{run.section}.grad.{name}.{part}",
        )  # fmt: skip
    total = sum(s[name] for s in shares)
    st.caption(
        f"Norm of the whole: {np.linalg.norm(value):.3g}; of this example's share: "
        f"{np.linalg.norm(share):.3g}. The {len(shares)} shares add up to the whole (largest "
        f"difference {float(np.max(np.abs(total - value))):.1e}). "
        + _sum_written(value, [s[name] for s in shares], exponent)
    )


def gradients_part(run: TrainingRun, controls: Controls) -> None:
    """The gradient view of ``run`` (see the module docstring)."""
    restore_view_link(controls)
    st.subheader("Gradients: what the error asks of each weight")
    view_link_warning(controls)
    n = len(run.data.targets)
    st.markdown(
        "Each epoch's update moves every weight **against** its gradient, the slope of the "
        "error: a **blue** (positive) cell says the error grows with that weight, so the "
        "update lowers it; a **red** (negative) one, the opposite. Training uses all "
        f"{n} examples at once, so the gradient is the sum of their **shares** (each 1/{n} of "
        "its own error's gradient): the shares add up to the whole."
    )
    epoch, index = _choose(run, controls)
    snapshot = snapshot_near(run, epoch)
    whole = whole_gradient(run, snapshot)
    shares = example_shares(run, snapshot)
    for name in shown_parameters(run.model):
        _parameter(run, name, epoch, index, whole, shares)
    axis = controls.items[2]
    history = run.memo("gradient norms", lambda: norm_history(run))
    choice = st.radio(
        axis.label, axis.options, key=axis.key, horizontal=True, format_func=axis.label_of,
        help=axis.help,
    )  # fmt: skip
    spec = run.memo(
        ("norms figure", choice),
        lambda: spec_of(norms_figure(
            history.epochs, history.layers, history.layer_norms, log_scale=choice == "log"
        )),
    )  # fmt: skip
    plotly_chart(st, SpecFigure(mark_epoch(spec, epoch)), key=f"{run.section}.grad.norms")
    st.caption(
        "A layer's norm is the length of its whole gradient (weights and bias together: a conv "
        "line is not its kernel's alone), "
        + ("at every epoch; " if history.per_epoch else "at each snapshot; ")
        + f"the last point is the state after the last update (epoch {run.final.epoch})."
    )
    note = run.memo("stall note", lambda: stall_note(run, history))
    if note:
        st.markdown(note)
