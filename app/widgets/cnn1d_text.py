"""What the two text pages (sections 3 and 4, pages/3_cnn1d_pooled.py and pages/4_cnn1d_flat.py)
share on screen: their controls, the moving vectors and probability bars, the result tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app.core import limits
from app.core.training_jobs import TrainingRun
from app.figures.training import probability_bars
from app.figures.vectors import vectors_animation
from app.widgets.cached_figures import run_figure
from app.widgets.training_controls import Control, choice, integer
from app.widgets.training_panel import stale_warning
from cnndemo.layers import POOL_KINDS


def extras(pool: bool) -> tuple[Control, ...]:
    """The section-specific controls of the text pages."""
    controls = [
        choice("activation", "activation after the conv", ("sigmoid", "relu", "tanh"),
               help="The tutorial uses sigmoid: the vectors then live in the unit square"),
        integer("embedding_size", "embedding size", 1, limits.MAX_EMBEDDING,
                help="Numbers per word"),
        integer("channels", "conv channels", 2, limits.MAX_CHANNELS,
                help="Output vectors of the convolution (the plots show two of them)"),
    ]  # fmt: skip
    if pool:
        controls.insert(
            0,
            choice("pool", "pooling over positions", tuple(POOL_KINDS),
                   help="max = ANY bigram fires, min = ALL fire, avg = on average"),
        )  # fmt: skip
    return tuple(controls)


def vector_frames(run: TrainingRun, channels: tuple[int, int]) -> Any:
    """The animation of bigram and sentence vectors, memoised on the run."""
    return run_figure(
        run,
        ("vectors", channels),
        lambda: vectors_animation(
            [s.epoch for s in run.snapshots],
            [s.window_vectors for s in run.snapshots],
            [s.example_vectors for s in run.snapshots],
            run.data.names,
            run.data.targets,
            channels=channels,
            title="Bigram ◆ and sentence ● vectors",
        ),
    )


def vector_table(vectors: Mapping[str, np.ndarray] | np.ndarray, labels: Sequence[str] | None,
                 first: str) -> pd.DataFrame:  # fmt: skip
    """Vectors as a table with one row per bigram / sentence."""
    if isinstance(vectors, Mapping):
        labels, values = list(vectors), np.array(list(vectors.values()))
    else:
        values = np.asarray(vectors)
    columns = [f"ch {c}" for c in range(values.shape[1])]
    frame = pd.DataFrame(values, columns=columns)
    frame.insert(0, first, list(labels or []))
    return frame


def probability_table(run: TrainingRun) -> pd.DataFrame:
    """Sentence, target, P(label 1), right or wrong."""
    probabilities = run.final.probabilities
    targets = run.data.targets
    return pd.DataFrame(
        {
            "sentence": list(run.data.names),
            "target": targets.astype(int),
            "P(label 1)": probabilities,
            "right?": [
                "✓" if (p > 0.5) == (t > 0.5) else "✗"
                for p, t in zip(probabilities, targets, strict=True)
            ],  # fmt: skip
        }
    )


def channel_pair(prefix: str, channels: int) -> tuple[int, int]:
    """Which two conv channels the vector plots put on x and y (only asked when > 2)."""
    if channels <= 2:
        return (0, 1)
    options = [(a, b) for a in range(channels) for b in range(channels) if a < b]
    key = f"{prefix}.pair"
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    return st.selectbox(
        "channels to plot", options, key=key, format_func=lambda p: f"{p[0]} and {p[1]}"
    )


def moving_vectors_and_bars(run: TrainingRun, prefix: str, caption: str) -> None:
    """The results block both text pages open with: a stale-run warning if needed, the animated
    bigram/sentence vectors (``caption`` says how this page draws a sentence) beside the
    animated probability bars."""
    if run.stale:
        stale_warning(run)
    channels = run.final.feature_maps[0].shape[2]
    pair = channel_pair(prefix, channels)
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(vector_frames(run, pair), key=f"{prefix}.fig.vectors")
        st.caption(caption)
    with right:
        st.plotly_chart(
            run_figure(run, "bars", lambda: probability_bars(
                run.data.names, run.final.probabilities, run.data.targets,
                epochs=[s.epoch for s in run.snapshots],
                history=[s.probabilities for s in run.snapshots],
            )),
            key=f"{prefix}.fig.bars",
        )  # fmt: skip
