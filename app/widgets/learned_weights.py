"""What the run has learned at the epoch shown: its conv kernels (and word embeddings on the
text pages) beside the feature maps of one example, all from the same snapshot.

``learned_part(run, prefix)``: the run is the one ``training_panel`` returns, so the look-back
slider ("Show the run at epoch") scrubs these figures too. Keys: ``{prefix}.learned.example``
(the example picker), ``{prefix}.fig.learned.*`` (the charts).
"""

from __future__ import annotations

import streamlit as st

from app.core.image_analysis import display_name
from app.core.numbers import fixed
from app.core.sentences import window_words
from app.core.training_jobs import TrainingRun
from app.figures.images import feature_maps_figure
from app.figures.learned import embedding_figure, embedding_points, kernel_figure, positions_figure
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart

__all__ = ["learned_part"]


def _example(run: TrainingRun, prefix: str, text: bool) -> int:
    names = run.data.names if text else [display_name(n) for n in run.data.names]
    key = f"{prefix}.learned.example"
    if st.session_state.get(key) not in range(len(names)):
        st.session_state[key] = 0
    return st.selectbox(
        "Feature maps of", range(len(names)), key=key,
        format_func=lambda i: f"#{i} {names[i]}",
    )  # fmt: skip


def _kernels(run: TrainingRun, prefix: str, text: bool) -> None:
    named = run.model.named_parameters()
    hp = run.hyperparameters
    taps = [f"word {t + 1}" for t in range(hp["kernel_size"])] if text else None
    layers = [name for name in ("conv1", "conv2") if f"{name}.kernel" in named]
    for number, layer in enumerate(layers, start=1):
        kernel, bias = named[f"{layer}.kernel"], named[f"{layer}.bias"]
        title = f"Layer {number} kernel" if len(layers) > 1 else "Conv kernel"
        plotly_chart(st,
            run_figure(run, ("learned kernel", layer), lambda k=kernel, t=title: kernel_figure(
                k, title=t, tap_labels=taps
            )),
            key=f"{prefix}.fig.learned.{layer}",
        )  # fmt: skip
        st.caption(f"{title} bias: " + ", ".join(fixed(b, 3, sign=True) for b in bias))


def _maps(run: TrainingRun, prefix: str, index: int, text: bool) -> None:
    maps = run.final.feature_maps
    if text:
        hp = run.hyperparameters
        tokens = run.data.names[index].split()
        labels = [
            window_words(tokens, p, hp["kernel_size"], hp["conv_stride"], hp["padding"])
            for p in range(maps[0].shape[1])
        ]
        figure = lambda: positions_figure(  # noqa: E731
            maps[0][index], labels, title="Its conv output (after the activation)"
        )
        plotly_chart(st, run_figure(run, ("learned maps", index), figure),
                        key=f"{prefix}.fig.learned.maps")  # fmt: skip
        return
    for number, layer_maps in enumerate(maps, start=1):
        title = "Its feature maps" + (f", layer {number}" if len(maps) > 1 else "")
        plotly_chart(st,
            run_figure(run, ("learned maps", index, number), lambda m=layer_maps[index], t=title:
                       feature_maps_figure(m, title=t + " (after the activation)")),
            key=f"{prefix}.fig.learned.maps{number}",
        )  # fmt: skip


def _embeddings(run: TrainingRun, prefix: str) -> None:
    weights = run.model.named_parameters()["embedding.weights"]
    words = list(run.model.vocabulary)
    left, right = st.columns(2)
    plotly_chart(left,
        run_figure(run, "learned embedding", lambda: embedding_figure(
            weights, words, title="Word embeddings (one row per word)"
        )),
        key=f"{prefix}.fig.learned.embedding",
    )  # fmt: skip
    if weights.shape[1] >= 2:
        plotly_chart(right,
            run_figure(run, "learned words", lambda: embedding_points(
                weights, words, title="Each word at its vector"
            )),
            key=f"{prefix}.fig.learned.words",
        )  # fmt: skip
        if weights.shape[1] > 2:
            right.caption(f"Numbers 0 and 1 of {weights.shape[1]}.")
    st.caption(
        "Words the kernel should tell apart (like and hate) move apart during training; words "
        "that never decide anything (<PAD>, it) may stay near where they started."
    )


def learned_part(run: TrainingRun, prefix: str) -> None:
    """Kernels (and embeddings) beside one example's feature maps, at the epoch shown."""
    text = run.model.spec.input_kind == "text"
    st.subheader(f"What it has learned at epoch {run.final.epoch}")
    st.caption(
        "Blue: positive weight, red: negative, white: zero (the numbers are in the cells). "
        "Move **Show the run at epoch** above to see them at any snapshot of the training."
    )
    left, right = st.columns(2)
    with left:
        _kernels(run, prefix, text)
    with right:
        index = _example(run, prefix, text)
        _maps(run, prefix, index, text)
    if text:
        _embeddings(run, prefix)
