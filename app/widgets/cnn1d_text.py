"""What the two text pages (sections 3 and 4, pages/3_cnn1d_pooled.py and pages/4_cnn1d_flat.py)
share on screen, in page order:

- ``text_controls``: the page's hyper-parameter controls (declared in ``app.core.hyperparameters``);
- ``open_text_page``: the tutorial's sentences, a share link applied, the title and its warning;
- ``sentences_and_model``: part 1 (the sentence table) and part 2 (the hyper-parameters, with
  the section's extra controls, the shape ledger and the weights typed by hand);
- ``moving_vectors_and_bars``, ``vector_table``, ``probability_table``, ``predictions_list``,
  ``sentence_probability``, ``sentence_verdict``: the results of a run;
- ``model_files_and_link``: save or load the model, and the share box.

The two pages differ only in ``pool``: section 3 pools the conv positions, section 4 flattens.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app.core import limits, markup
from app.core.controls import Controls
from app.core.decision_lines import decision_lines, slice_words
from app.core.hyperparameters import TrainingControls, text_extras, training_controls
from app.core.model_ledgers import text_ledger, text_ledger_formula
from app.core.model_page_setups import page_of_prefix
from app.core.numbers import fixed
from app.core.training_jobs import TrainingRun
from app.core.training_links import text_page_schema, text_page_state
from app.core.verdicts import MARKS
from app.figures.training import probability_bars
from app.figures.vectors import vectors_animation
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from app.widgets.ledger_view import show_ledger
from app.widgets.model_files import model_files
from app.widgets.sentence_editor import apply_link, init_data, sentence_editor
from app.widgets.share_box import link_warning, restore_from_link, share_link
from app.widgets.training_controls import hyperparameter_controls
from app.widgets.training_panel import stale_warning
from app.widgets.weight_design import design_part
from cnndemo import data as data_mod
from cnndemo.models import default_hyperparameters


def text_controls(prefix: str, section: int) -> TrainingControls:
    """A text page's hyper-parameter controls: the common ones and the text pages' own, with
    the pooling kind where the section's model pools (section 3)."""
    return training_controls(
        prefix, section, text_extras("pool" in default_hyperparameters(section))
    )


def pools(controls: TrainingControls) -> bool:
    """Whether the page's model pools its conv positions (section 3) or flattens them (4)."""
    return any(control.name == "pool" for control in controls.extras)


def open_text_page(page: str, controls: TrainingControls, title: str) -> None:
    """The top of a text page: the tutorial's sentences once per session, a share link applied
    before any widget renders, then the title and, if the link was bad, why."""
    init_data(controls.prefix)
    schema = text_page_schema(pools(controls))
    restore_from_link(page, schema, lambda state: apply_link(controls, state))
    st.title(title)
    link_warning(page)


def sentences_and_model(
    controls: TrainingControls,
) -> tuple[data_mod.TextData | None, dict[str, Any]]:
    """Parts 1 and 2 of a text page: the sentence table, then the hyper-parameters and the shape
    ledger of the pooled (section 3) or flattened (section 4) model. Returns the data (None while the table
    needs fixing) and the hyper-parameters."""
    st.header("1. The sentences")
    text = sentence_editor(controls.prefix)

    st.header("2. The model")
    hp = hyperparameter_controls(controls)
    if text is not None:
        n, length = text.inputs.shape
        head = "pool" if pools(controls) else "flatten"
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
    design_part(controls.prefix, controls.section, text, hp)
    return text, hp


def vector_frames(run: TrainingRun, channels: tuple[int, int]) -> Any:
    """The animation of bigram and sentence vectors with the dense layer's decision line (where
    it reads one vector per sentence), memoised on the run."""
    count = run.final.feature_maps[0].shape[2]
    return run_figure(
        run,
        ("vectors", channels),
        lambda: vectors_animation(
            *run.history,
            run.data.names,
            run.data.targets,
            channels=channels,
            title="Bigram ◆ and sentence ● vectors",
            decision=decision_lines(run.model, run.snapshots, channels, count),
        ),  # fmt: skip
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
    """Sentence, target, P(label 1), right, wrong or undecided."""
    return pd.DataFrame(
        {
            "sentence": list(run.data.names),
            "target": run.data.targets.astype(int),
            "P(label 1)": run.final.probabilities,
            "right?": [MARKS[v] for v in run.verdicts()],
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
        plotly_chart(st, vector_frames(run, pair), key=f"{prefix}.fig.vectors")
        features = run.final.example_vectors.shape[1]
        st.caption(caption + " " + slice_words(pair, channels, features, "sentence"))
    with right:
        plotly_chart(st,
            run_figure(run, "bars", lambda: probability_bars(
                run.data.names, run.final.probabilities, run.data.targets,
                epochs=[s.epoch for s in run.snapshots],
                history=[s.probabilities for s in run.snapshots],
            )),
            key=f"{prefix}.fig.bars",
        )  # fmt: skip


def predictions_list(run: TrainingRun) -> None:
    """Every sentence with its target and P(label 1), the wrong and undecided ones marked."""
    notes = {"right": "", "wrong": "  ✗ wrong side of 0.5",
             "undecided": "  undecided: neither right nor wrong"}  # fmt: skip
    lines = [
        f"- {markup.code(name)} (target {int(t)}): P(label 1) = **{fixed(p)}**" + notes[v]
        for name, t, p, v in zip(
            run.data.names, run.data.targets, run.final.probabilities, run.verdicts(), strict=True
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
        st.error(f"The model cannot read this sentence: {markup.message(error)}")
        return text, None


def sentence_verdict(probability: float, help: str | None = None) -> None:
    """The trained model's answer for a sentence: P(label 1) and the label it means."""
    st.metric("P(label 1)", fixed(probability), help=help)
    if not math.isfinite(probability):
        st.markdown("The model gives **no answer**: its training diverged (see its results).")
        return
    verdict = "label 1 (positive)" if probability > 0.5 else "label 0 (negative)"
    st.markdown(f"The model says **{verdict}**.")


def model_files_and_link(
    controls: TrainingControls,
    text: data_mod.TextData | None,
    hp: dict[str, Any],
    views: Controls | None = None,
) -> None:
    """The end of a text page: save or load the model (a loaded model sets the page's
    controls), then the share box (or why there is none), which also carries ``views``."""
    model_files(controls, text)
    if text is not None:
        pool = pools(controls)
        state = text_page_state(text.sentences, text.targets.astype(int), hp, pool=pool)
        share_link(text_page_schema(pool), state, views=views, page=page_of_prefix(controls.prefix))
    else:
        st.info("Fix the sentence table to get a share link.")
