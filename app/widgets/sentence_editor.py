"""The text pages' sentence table (sections 3-4): edit sentences and labels, restore them from a
link. Its plain logic (cleaning the rows, padding with <PAD>, link codes) is ``app.core.sentences``.

Keys: ``f"{prefix}.sentences"`` / ``f"{prefix}.labels"`` hold the table, bumped by
``f"{prefix}.data_version"``, which is part of the editor's widget key (``editor_key(prefix)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from app.core import limits, markup
from app.core.hyperparameters import TrainingControls
from app.core.sentences import clean_sentences, sentences_from_codes
from app.core.table_edits import TableRules, apply_edits
from app.widgets.edit_guard import drop_edits, guard_edits, pending_edits
from app.widgets.locks import data_key, is_locked
from cnndemo import data as data_mod


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


SENTENCE_CHARS = limits.MAX_TOKENS * (limits.MAX_WORD_CHARS + 1)
"""Longest text of a sentence cell: ten words of twenty characters and their spaces."""
VOCABULARY = "**Vocabulary**"
"""How the Markdown listing the vocabulary starts (its words follow as code spans)."""


def _guard_table(prefix: str) -> bool:
    """Check the table's pending edits before it is drawn (``app.widgets.edit_guard``): a state
    the table cannot take is dropped, one that only adds rows past ``MAX_SENTENCES`` is applied
    and cut. Either way the table starts afresh (a new version) and the learner is told why;
    returns whether that happened (the page then waits for the next change to train)."""
    state = st.session_state
    key = editor_key(prefix)
    rows = [
        {"sentence": sentence, "label": label}
        for sentence, label in zip(state[f"{prefix}.sentences"], state[f"{prefix}.labels"],
                                   strict=True)
    ]  # fmt: skip
    rules = TableRules(len(rows), ("sentence", "label"), SENTENCE_CHARS, limits.MAX_SENTENCES)
    check = guard_edits(key, rules)
    if check.problem is None:
        return False
    if check.cut:
        rows = apply_edits(rows, pending_edits(key), limits.MAX_SENTENCES)
        drop_edits(key)
    sentences = [r.get("sentence") if isinstance(r.get("sentence"), str) else None for r in rows]
    labels = [r.get("label") if _is_number(r.get("label")) else None for r in rows]
    state[f"{prefix}.sentences"], state[f"{prefix}.labels"] = sentences, labels
    state[f"{prefix}.data_version"] = state.get(f"{prefix}.data_version", 0) + 1
    what = "was cut" if check.cut else "was refused"
    st.warning(f"An edit of the sentence table {what}: {check.problem}. Check the table; the "
               "model trains on it after your next change.")  # fmt: skip
    return True


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def sentence_editor(prefix: str) -> data_mod.TextData | None:
    """The editable table of sentences and labels; returns the data, or None with an error shown.

    Invalid edits keep the table as typed and show what is wrong; the page then keeps its last
    trained results (marked stale) and the Train button waits for valid data.
    """
    state = st.session_state
    refused = _guard_table(prefix)
    locked = is_locked(data_key(prefix))  # an exercise keeps the sentences as it set them
    frame = pd.DataFrame(
        {"sentence": state[f"{prefix}.sentences"], "label": state[f"{prefix}.labels"]}
    )
    edited = st.data_editor(
        frame,
        key=editor_key(prefix),
        disabled=locked,
        num_rows="fixed" if locked else "dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "sentence": st.column_config.TextColumn(
                "sentence",
                max_chars=SENTENCE_CHARS,
                help="Words separated by spaces",
            ),  # fmt: skip
            "label": st.column_config.NumberColumn(
                "label", min_value=0, max_value=1, step=1, help="1 = positive, 0 = negative"
            ),
        },
    )
    st.button("Back to the tutorial's sentences", key=f"{prefix}.reset", on_click=_reset,
              args=(prefix,), disabled=locked)  # fmt: skip
    if refused:
        return None
    rows = list(zip(edited["sentence"].tolist(), edited["label"].tolist(), strict=True))
    sentences, labels, notes, errors = clean_sentences(rows)
    # clean_sentences escapes the learner's words in its errors and notes: both are Markdown.
    if errors:
        st.error(
            "The sentence table needs fixing before the model can train:\n\n"
            + "\n".join(f"- {e}" for e in errors[:5])
        )
        return None
    try:
        text = data_mod.text_data(sentences, labels)
    except ValueError as error:
        st.error(f"These sentences cannot be used: {markup.message(error)}")
        return None
    if notes:
        st.caption(
            "All sentences need the same number of tokens (the network reads them as one "
            "table), so shorter ones get <PAD> at the end: " + "; ".join(notes) + "."
        )
    # Each word as an inline code span (the learner's words, shown exactly and inert), not
    # st.code, whose syntax highlighter is a 1.6 MB script the page would load for one line.
    st.markdown(
        f"{VOCABULARY} ({len(text.vocabulary)} words, sorted; a word's number is its row "
        "in the embedding table):\n\n"
        + " ".join(markup.code(f"{i}: {word}") for i, word in enumerate(text.vocabulary))
    )
    return text


def apply_link(controls: TrainingControls, state: Mapping[str, Any]) -> None:
    """Restore a text page from a decoded link (before the widgets render): the sentence
    table of panel ``controls.prefix`` and its hyper-parameter controls."""
    sentences = sentences_from_codes(state["t"])
    set_data(controls.prefix, sentences, [int(v) for v in state["y"]])
    controls.all.apply(state, st.session_state)
