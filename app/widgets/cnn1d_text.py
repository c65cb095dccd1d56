"""What the two text pages (sections 3 and 4, pages/3_cnn1d_pooled.py and pages/4_cnn1d_flat.py)
share on screen, in page order:

- ``open_text_page``: the tutorial's sentences, a share link applied, the title and its warning;
- ``sentences_and_model``: part 1 (the sentence table) and part 2 (the hyper-parameters, with
  the section's extra controls from ``extras``, and the shape ledger);
- ``moving_vectors_and_bars``, ``vector_table``, ``probability_table``, ``predictions_list``,
  ``sentence_probability``, ``sentence_verdict``: the results of a run;
- ``model_files_and_link``: save or load the model, and the share box.

The two pages differ only in ``pool``: section 3 pools the conv positions, section 4 flattens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app.core import limits
from app.core.model_ledgers import text_ledger, text_ledger_formula
from app.core.share import Schema
from app.core.training_jobs import TrainingRun
from app.core.training_links import text_page_state
from app.figures.training import probability_bars
from app.figures.vectors import vectors_animation
from app.widgets.cached_figures import run_figure
from app.widgets.ledger_view import show_ledger
from app.widgets.model_files import model_files
from app.widgets.sentence_editor import apply_link, init_data, sentence_editor
from app.widgets.share_box import link_warning, restore_from_link, share_link
from app.widgets.training_controls import COMMON, Control, choice, hyperparameter_controls, integer
from app.widgets.training_panel import stale_warning
from cnndemo import data as data_mod
from cnndemo.layers import POOL_KINDS


def open_text_page(page: str, prefix: str, schema: Schema, title: str) -> None:
    """The top of a text page: the tutorial's sentences once per session, a share link applied
    before any widget renders, then the title and, if the link was bad, why."""
    init_data(prefix)
    restore_from_link(page, schema, lambda state: apply_link(prefix, state))
    st.title(title)
    link_warning(page)


def sentences_and_model(
    prefix: str, section: int, pool: bool
) -> tuple[data_mod.TextData | None, dict[str, Any]]:
    """Parts 1 and 2 of a text page: the sentence table, then the hyper-parameters and the shape
    ledger of the pooled (``pool``) or flattened model. Returns the data (None while the table
    needs fixing) and the hyper-parameters."""
    st.header("1. The sentences")
    text = sentence_editor(prefix)

    st.header("2. The model")
    hp = hyperparameter_controls(prefix, section, extras(pool))
    if text is not None:
        n, length = text.inputs.shape
        head = "pool" if pool else "flatten"
        show_ledger(
            text_ledger(
                n,
                length,
                len(text.vocabulary),
                hp["embedding_size"],
                hp["kernel_size"],
                hp["channels"],
                hp["activation"],
                head,
                hp.get("pool", "max"),
                hp["conv_stride"],
                hp["padding"],
            ),
            formulas=[
                text_ledger_formula(
                    length,
                    hp["kernel_size"],
                    hp["channels"],
                    head,
                    hp["conv_stride"],
                    hp["padding"],
                )
            ],
        )
    return text, hp


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


def predictions_list(run: TrainingRun) -> None:
    """Every sentence with its target and P(label 1), the wrong ones marked."""
    wrong = run.wrong()
    lines = [
        f"- `{name}` (target {int(t)}): P(label 1) = **{p:.4f}**"
        + ("  ✗ wrong side of 0.5" if i in wrong else "")
        for i, (name, t, p) in enumerate(
            zip(run.data.names, run.data.targets, run.final.probabilities, strict=True)
        )
    ]
    st.markdown("\n".join(lines))


def sentence_probability(run: TrainingRun, prefix: str, default: str) -> tuple[str, float | None]:
    """The "your sentence" box of "Try a sentence" and the trained model's P(label 1) for it.

    The probability is None while the box is empty, or when the model cannot read the sentence
    (an unknown word, a length it cannot take): the engine's message is then shown.
    """
    text = st.text_input("your sentence", default, key=f"{prefix}.try",
                         max_chars=limits.MAX_TOKENS * (limits.MAX_WORD_CHARS + 1))  # fmt: skip
    if not text.strip():
        return text, None
    try:
        return text, float(run.model.predict_proba([text])[0])
    except ValueError as error:
        st.error(f"The model cannot read this sentence: {error}")
        return text, None


def sentence_verdict(probability: float, help: str | None = None) -> None:
    """The trained model's answer for a sentence: P(label 1) and the label it means."""
    verdict = "label 1 (positive)" if probability > 0.5 else "label 0 (negative)"
    st.metric("P(label 1)", f"{probability:.4f}", help=help)
    st.markdown(f"The model says **{verdict}**.")


def model_files_and_link(
    prefix: str,
    section: int,
    text: data_mod.TextData | None,
    hp: dict[str, Any],
    schema: Schema,
    pool: bool,
) -> None:
    """The end of a text page: save or load the model (a loaded model sets the common controls
    and this page's ``extras``), then the share box (or why there is none)."""
    model_files(prefix, section, text, (*COMMON, *(c.name for c in extras(pool))))
    if text is not None:
        share_link(schema, text_page_state(text.sentences, text.targets.astype(int), hp, pool=pool))
    else:
        st.info("Fix the sentence table to get a share link.")
