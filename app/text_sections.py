"""What the two text pages (sections 3 and 4) share: the sentence table, links, ledger, results.

Pure helpers (no Streamlit; tested in tests/app/test_text_sections.py):
    ``clean_sentences(rows)``    table rows -> (sentences, labels, notes, errors); pads with <PAD>
    ``text_ledger(...)``         shape-ledger rows for both models
    ``winners(feature_maps, ...)`` which bigram decided each pooled number (the ANY / ALL)
    ``sentence_codes`` / ``sentences_from_codes``: sentences <-> code-point tensors for links

Streamlit pieces (used by pages/3_cnn1d_pooled.py and pages/4_cnn1d_flat.py):
    ``sentence_editor(prefix)``, ``share_schema`` / ``share_state`` / ``apply_link``,
    ``show_vectors_and_tables(run, ...)``.

Padding decision: a 1D CNN reads a batch as one (n, length) array, so every sentence needs the
same number of tokens. Shorter sentences are padded *at the end* with ``<PAD>`` (as the
tutorial's "i like it <PAD>") up to the longest one, and the page says so. ``<PAD>`` is then an
ordinary vocabulary word with its own learned embedding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import limits
from app import training_figures as tf
from app import training_panel as tp
from app.ledger import LedgerRow
from app.share import ChoiceField, IntField, Schema, TensorField
from cnndemo import data as data_mod
from cnndemo.layers import ACTIVATIONS, POOL_KINDS
from cnndemo.optim import OPTIMIZERS

PAD = "<PAD>"
# Words: letters, digits and a little punctuation, so that shown text never holds Markdown or
# table syntax (no backticks, pipes, brackets, asterisks); <PAD> is the one bracketed token.
_WORD = re.compile(r"[\w'’\-.,!?]+")


# =================================================================================================
# Pure helpers
# =================================================================================================


def clean_sentences(
    rows: Sequence[tuple[Any, Any]],
) -> tuple[list[str], list[int], list[str], list[str]]:
    """Validate the learner's (sentence, label) rows; pad short sentences with <PAD>.

    Returns ``(sentences, labels, notes, errors)``; when ``errors`` is not empty the first two
    are empty. Empty rows (no text, no label) are skipped. ``notes`` tells what padding did.
    """
    sentences: list[str] = []
    labels: list[int] = []
    tokens_per_row: list[list[str]] = []
    errors: list[str] = []
    for number, (text, label) in enumerate(rows, start=1):
        text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
        label_missing = label is None or (isinstance(label, float) and np.isnan(label))
        if not text.strip() and label_missing:
            continue
        tokens = text.split()
        if not tokens:
            errors.append(f"row {number}: the sentence is empty")
            continue
        if len(tokens) > limits.MAX_TOKENS:
            errors.append(
                f"row {number}: {len(tokens)} words; sentences have at most {limits.MAX_TOKENS}"
            )
            continue
        bad = [t for t in tokens if t != PAD and not _WORD.fullmatch(t)]
        long = [t for t in tokens if len(t) > limits.MAX_WORD_CHARS]
        if bad:
            errors.append(
                f"row {number}: {bad[0][: limits.MAX_WORD_CHARS]!r} — use letters, digits and "
                "' - . , ! ? only (and <PAD>)"
            )
            continue
        if long:
            errors.append(
                f"row {number}: a word of {len(long[0])} characters; the limit is "
                f"{limits.MAX_WORD_CHARS}"
            )
            continue
        try:
            value = float(label)
        except (TypeError, ValueError):
            value = float("nan")
        if value not in (0.0, 1.0):
            errors.append(f"row {number}: the label must be 0 or 1")
            continue
        tokens_per_row.append(tokens)
        labels.append(int(value))
    if not errors and not tokens_per_row:
        errors.append("the table is empty: add at least one sentence with its label")
    if not errors and len(tokens_per_row) > limits.MAX_SENTENCES:
        errors.append(
            f"{len(tokens_per_row)} sentences; the table holds at most {limits.MAX_SENTENCES}"
        )
    if errors:
        return [], [], [], errors
    width = max(len(t) for t in tokens_per_row)
    notes = []
    for tokens in tokens_per_row:
        if len(tokens) < width:
            notes.append(
                f"“{' '.join(tokens)}” padded with {width - len(tokens)} × <PAD> to {width} tokens"
            )
        sentences.append(" ".join(tokens + [PAD] * (width - len(tokens))))
    return sentences, labels, notes, []


def sentence_codes(sentences: Sequence[str]) -> np.ndarray:
    """Sentences as a (n, longest) array of Unicode code points, 0-padded (for share links)."""
    width = max(len(s) for s in sentences)
    codes = np.zeros((len(sentences), width))
    for i, sentence in enumerate(sentences):
        codes[i, : len(sentence)] = [ord(c) for c in sentence]
    return codes


def sentences_from_codes(codes: np.ndarray) -> list[str]:
    """Inverse of :func:`sentence_codes`; ValueError for codes that are not characters."""
    sentences = []
    for row in np.asarray(codes):
        if np.any(row != np.round(row)) or np.any(row < 0) or np.any(row > 0x10FFFF):
            raise ValueError("the sentences in the link are not text")
        chars = [chr(int(c)) for c in row if c != 0]
        sentences.append("".join(chars))
    return sentences


def text_ledger(
    n: int,
    length: int,
    vocabulary: int,
    embedding: int,
    kernel: int,
    channels: int,
    activation: str,
    head: str,
    pool: str = "max",
) -> list[LedgerRow]:
    """Shapes stage by stage of the section 3 (``head="pool"``) or 4 (``"flatten"``) model."""
    positions = length - kernel + 1
    rows = [
        LedgerRow("input (token ids)", (n, length), None, f"{n} sentences of {length} tokens"),
        LedgerRow(
            "embedding",
            (n, length, embedding),
            vocabulary * embedding,
            f"table of {vocabulary} words × {embedding} numbers",
        ),
        LedgerRow(
            "conv1d",
            (n, positions, channels),
            kernel * embedding * channels + channels,
            f"kernel ({kernel}, {embedding}, {channels}) = {kernel * embedding * channels} "
            f"weights + {channels} biases; {positions} positions (VALID, stride 1)",
        ),
        LedgerRow(activation, (n, positions, channels), None, "element by element"),
    ]
    if head == "pool":
        rows.append(
            LedgerRow(f"global {pool} pool", (n, channels), None, f"{pool} over the positions")
        )
        features = channels
    else:
        features = positions * channels
        rows.append(
            LedgerRow(
                "flatten", (n, features), None, f"{positions} positions × {channels} channels"
            )
        )
    rows += [
        LedgerRow("dense", (n, 1), features + 1, f"{features} weights + 1 bias → one logit"),
        LedgerRow("sigmoid", (n, 1), None, "probability of label 1"),
    ]
    return rows


def winners(
    feature_map: np.ndarray, tokens: Sequence[str], kernel: int, pool: str
) -> list[tuple[str, float]]:
    """For one sentence: per channel, the bigram whose value the pooling kept, and that value.

    ``feature_map`` is (positions, channels) after the activation. Max keeps the largest
    (ANY bigram firing is enough), min the smallest (ALL must fire). For avg there is no single
    winner: the mean is returned with the label "mean of all".
    """
    result = []
    for channel in range(feature_map.shape[1]):
        column = feature_map[:, channel]
        if pool == "avg":
            result.append(("mean of all", float(column.mean())))
            continue
        position = int(np.argmax(column) if pool == "max" else np.argmin(column))
        result.append((" ".join(tokens[position : position + kernel]), float(column[position])))
    return result


def same_vector_clash(
    names: Sequence[str],
    feature_maps: np.ndarray,
    targets: Sequence[float],
    kernel: int,
    pool: str,
) -> tuple[str, str, list[str]] | None:
    """Two sentences with different labels whose pooled numbers come from the same bigrams.

    Returns ``(first, second, winning bigrams per channel)`` for the first such pair, or None.
    With max or min pooling such sentences share their pooled vector exactly, so the model
    must give them the same probability.
    """
    if pool == "avg":
        return None
    seen: dict[tuple[str, ...], tuple[str, float]] = {}
    for name, fmap, target in zip(names, feature_maps, targets, strict=True):
        key = tuple(label for label, _ in winners(fmap, name.split(), kernel, pool))
        if key in seen and seen[key][1] != float(target):
            return seen[key][0], name, list(key)
        seen.setdefault(key, (name, float(target)))
    return None


# =================================================================================================
# Streamlit pieces
# =================================================================================================


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


def share_schema(pool: bool) -> Schema:
    """Link fields: sentences (code points), labels, [lr, momentum, init], epochs, seed, ..."""
    fields: list = [
        TensorField(
            "t",
            (limits.MAX_SENTENCES, limits.MAX_TOKENS * (limits.MAX_WORD_CHARS + 1)),
            max_abs=0x10FFFF,
        ),  # fmt: skip
        TensorField("y", (limits.MAX_SENTENCES,)),
        TensorField("h", (3,)),
        IntField("ep", 1, limits.MAX_EPOCHS),
        IntField("sd", 0, limits.MAX_SEED),
        ChoiceField("op", tuple(OPTIMIZERS)),
        ChoiceField("ac", tuple(ACTIVATIONS)),
        IntField("em", 1, limits.MAX_EMBEDDING),
        IntField("ch", 2, limits.MAX_CHANNELS),
    ]
    if pool:
        fields.append(ChoiceField("pl", tuple(POOL_KINDS)))

    def check(state: dict) -> list[str]:
        if len(state["t"]) != len(state["y"]):
            return ["the link has a different number of sentences and labels"]
        lr, momentum, init = state["h"]
        if not (0 < lr <= 10 and 0 <= momentum < 1 and 0 < init <= 2):
            return ["learning rate, momentum or init scale is out of range"]
        try:
            rows = list(zip(sentences_from_codes(state["t"]), state["y"].tolist(), strict=True))
        except ValueError as error:
            return [str(error)]
        errors = clean_sentences(rows)[3]
        return errors

    return Schema(tuple(fields), check=check)


def share_state(sentences: Sequence[str], labels: Sequence[int], hp: Mapping[str, Any],
                pool: bool) -> dict[str, Any]:  # fmt: skip
    """The page's setup as the link's fields."""
    state = {
        "t": sentence_codes(sentences),
        "y": np.array(labels, dtype=float),
        "h": np.array([hp["learning_rate"], hp["momentum"], hp["init_scale"]]),
        "ep": hp["epochs"],
        "sd": hp["seed"],
        "op": hp["optimizer"],
        "ac": hp["activation"],
        "em": hp["embedding_size"],
        "ch": hp["channels"],
    }
    if pool:
        state["pl"] = hp["pool"]
    return state


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


def vector_frames(run: tp.TrainingRun, channels: tuple[int, int]) -> Any:
    """The animation of bigram and sentence vectors, memoised on the run."""
    return run.figure(
        ("vectors", channels),
        lambda: tf.vectors_animation(
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


def probability_table(run: tp.TrainingRun) -> pd.DataFrame:
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


def moving_vectors_and_bars(run: tp.TrainingRun, prefix: str, caption: str) -> None:
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
            run.figure("bars", lambda: tf.probability_bars(
                run.data.names, run.final.probabilities, run.data.targets,
                epochs=[s.epoch for s in run.snapshots],
                history=[s.probabilities for s in run.snapshots],
            )),
            key=f"{prefix}.fig.bars",
        )  # fmt: skip
