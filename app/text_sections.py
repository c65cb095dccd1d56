"""What the two text pages (sections 3 and 4) share on screen: the sentence table, links, results.

Streamlit pieces (used by pages/3_cnn1d_pooled.py and pages/4_cnn1d_flat.py):
    ``sentence_editor(prefix)``, ``apply_link``, ``moving_vectors_and_bars(run, ...)``.
Their plain logic (cleaning sentences, link codes, winners) is in ``app.core.sentences``; the
link fields in ``app.core.training_links``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import training_panel as tp
from app.core import limits
from app.core.sentences import clean_sentences, sentences_from_codes
from app.core.training_jobs import TrainingRun
from app.figures.training import probability_bars
from app.figures.vectors import vectors_animation
from app.widgets import run_figure
from cnndemo import data as data_mod
from cnndemo.layers import POOL_KINDS


def init_data(prefix: str) -> None:
    """The tutorial's sentences, once per session."""
    state = st.session_state
    if f"{prefix}.sentences" not in state:
        state[f"{prefix}.sentences"] = list(data_mod.TEXT_SENTENCES)
        state[f"{prefix}.labels"] = list(data_mod.TEXT_LABELS)
        state[f"{prefix}.data_version"] = 0


def set_data(prefix: str, sentences: Sequence[str], labels: Sequence[int]) -> None:
    """Replace the table (reset, share link); the editor starts afresh."""
    state = st.session_state
    state[f"{prefix}.sentences"] = list(sentences)
    state[f"{prefix}.labels"] = [int(v) for v in labels]
    state[f"{prefix}.data_version"] = state.get(f"{prefix}.data_version", 0) + 1


def editor_key(prefix: str) -> str:
    """Widget key of the sentence table now on screen (for tests)."""
    return f"{prefix}.data.v{st.session_state.get(f'{prefix}.data_version', 0)}"


def _reset(prefix: str) -> None:
    set_data(prefix, data_mod.TEXT_SENTENCES, data_mod.TEXT_LABELS)


def sentence_editor(prefix: str) -> data_mod.TextData | None:
    """The editable table of sentences and labels; returns the data, or None with an error shown.

    Invalid edits keep the table as typed and show what is wrong; the page then keeps its last
    trained results (marked stale) and the Train button waits for valid data.
    """
    state = st.session_state
    frame = pd.DataFrame(
        {"sentence": state[f"{prefix}.sentences"], "label": state[f"{prefix}.labels"]}
    )
    edited = st.data_editor(
        frame,
        key=editor_key(prefix),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "sentence": st.column_config.TextColumn(
                "sentence",
                max_chars=limits.MAX_TOKENS * (limits.MAX_WORD_CHARS + 1),
                help="Words separated by spaces",
            ),  # fmt: skip
            "label": st.column_config.NumberColumn(
                "label", min_value=0, max_value=1, step=1, help="1 = positive, 0 = negative"
            ),
        },
    )
    st.button("Back to the tutorial's sentences", key=f"{prefix}.reset", on_click=_reset,
              args=(prefix,))  # fmt: skip
    rows = list(zip(edited["sentence"].tolist(), edited["label"].tolist(), strict=True))
    sentences, labels, notes, errors = clean_sentences(rows)
    if errors:
        st.error(
            "The sentence table needs fixing before the model can train:\n\n"
            + "\n".join(f"- {e}" for e in errors[:5])
        )
        return None
    try:
        text = data_mod.text_data(sentences, labels)
    except ValueError as error:
        st.error(f"These sentences cannot be used: {error}")
        return None
    if notes:
        st.caption(
            "All sentences need the same number of tokens (the network reads them as one "
            "table), so shorter ones get <PAD> at the end: " + "; ".join(notes) + "."
        )
    st.markdown(
        f"**Vocabulary** ({len(text.vocabulary)} words, sorted; a word's number is its row "
        "in the embedding table):"
    )
    st.code(
        "   ".join(f"{i}: {word}" for i, word in enumerate(text.vocabulary)),
        language=None,
        wrap_lines=True,
    )
    return text


def apply_link(prefix: str, state: Mapping[str, Any]) -> None:
    """Restore a page from a decoded link (before the widgets render)."""
    sentences = sentences_from_codes(state["t"])
    set_data(prefix, sentences, [int(v) for v in state["y"]])
    lr, momentum, init = (float(v) for v in state["h"])
    values = {
        "learning_rate": lr, "momentum": momentum, "init_scale": init, "epochs": state["ep"],
        "seed": state["sd"], "optimizer": state["op"], "activation": state["ac"],
        "embedding_size": state["em"], "channels": state["ch"],
    }  # fmt: skip
    if "pl" in state:
        values["pool"] = state["pl"]
    tp.set_hyperparameters(prefix, values)


def extras(pool: bool) -> tuple[tp.Control, ...]:
    """The section-specific controls of the text pages."""
    controls = [
        tp.choice("activation", "activation after the conv", ("sigmoid", "relu", "tanh"),
                  help="The tutorial uses sigmoid: the vectors then live in the unit square"),
        tp.integer("embedding_size", "embedding size", 1, limits.MAX_EMBEDDING,
                   help="Numbers per word"),
        tp.integer("channels", "conv channels", 2, limits.MAX_CHANNELS,
                   help="Output vectors of the convolution (the plots show two of them)"),
    ]  # fmt: skip
    if pool:
        controls.insert(
            0,
            tp.choice("pool", "pooling over positions", tuple(POOL_KINDS),
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
        tp.stale_warning(run)
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
