"""Section 4: the same text CNN, flattened instead of pooled: positions get their own weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app.core import limits
from app.core.model_ledgers import text_ledger
from app.core.training_jobs import TrainingRun
from app.core.training_links import text_page_schema, text_page_state
from app.figures.training import weights_heatmap
from app.server import reroute_deep_link
from app.widgets.cached_figures import run_figure
from app.widgets.cnn1d_text import extras, moving_vectors_and_bars, probability_table, vector_table
from app.widgets.ledger_view import show_ledger
from app.widgets.model_files import model_files
from app.widgets.sentence_editor import apply_link, init_data, sentence_editor
from app.widgets.share_box import link_warning, restore_from_link, share_link
from app.widgets.training_controls import COMMON, hyperparameter_controls
from app.widgets.training_panel import training_panel
from cnndemo.train import train_section

reroute_deep_link()

PAGE = "cnn1d-flat"
PREFIX = "s4"
SECTION = 4
TITLE = "CNN 1D fully connected"
SCHEMA = text_page_schema(pool=False)


@st.cache_data(max_entries=16, show_spinner="Training the pooled model for comparison…")
def pooled_probabilities(
    sentences: tuple[str, ...], labels: tuple[int, ...], hp_items: tuple
) -> list[float]:
    """Section 3's model trained on the same data, seed and settings (pure, so cached)."""
    hp = {k: v for k, v in hp_items if k != "padding"}
    result = train_section(3, sentences=list(sentences), labels=list(labels), pool="max", **hp)
    return result.final.probabilities.tolist()


def _dense_weights(run: TrainingRun) -> np.ndarray:
    """The dense weights as (positions, channels): flatten runs position by position."""
    positions, channels = run.final.feature_maps[0].shape[1:]
    return run.model.layer("dense").params["weights"].reshape(positions, channels)


def _positions_matter(run: TrainingRun) -> None:
    st.subheader("Word position matters")
    weights = _dense_weights(run)
    positions, channels = weights.shape
    st.plotly_chart(
        run_figure(run, "dense", lambda: weights_heatmap(
            weights, [f"position {p}" for p in range(positions)],
            [f"ch {c}" for c in range(channels)],
            title="Dense weights: one row per position of the conv output",
        )),
        key=f"{PREFIX}.fig.dense",
    )  # fmt: skip
    st.markdown(
        "Flattening lays the conv output out position by position, so every **position** has "
        "its own row of dense weights. A bigram's conv vector is the same wherever it occurs, "
        "but what it adds to the logit, w_position · vector, depends on where it stands:"
    )
    kernel = run.hyperparameters["kernel_size"]
    found: dict[str, set[int]] = {}
    for sentence in run.data.names:
        tokens = sentence.split()
        for p in range(positions):
            found.setdefault(" ".join(tokens[p : p + kernel]), set()).add(p)
    rows = []
    for bigram, where in found.items():
        if len(where) < 2:
            continue
        vector = run.final.window_vectors[bigram]
        for p in sorted(where):
            rows.append(f"| `{bigram}` | {p} | {float(weights[p] @ vector):+.4f} |")
    if rows:
        st.markdown(
            "\n".join(["| bigram | position | adds to the logit |", "|---|---|---|", *rows])
        )
    else:
        st.caption("No bigram of the data occurs at two positions; edit the sentences to see one.")


def _fixed_length(run: TrainingRun) -> None:
    st.subheader("Try a sentence: the length is fixed")
    length = run.model.input_size[0]
    kernel = run.hyperparameters["kernel_size"]
    channels = run.final.feature_maps[0].shape[2]
    features = (length - kernel + 1) * channels
    st.markdown(
        f"The dense layer has exactly **{features}** weights, one per number of the flattened "
        f"conv output of a **{length}**-token sentence. Try a longer or shorter sentence."
    )
    text = st.text_input("your sentence", "i like it", key=f"{PREFIX}.try",
                         max_chars=limits.MAX_TOKENS * (limits.MAX_WORD_CHARS + 1))  # fmt: skip
    if not text.strip():
        return
    try:
        probability = float(run.model.predict_proba([text])[0])
    except ValueError as error:
        st.error(f"The model cannot read this sentence: {error}")
        tokens = text.split()
        n = len(tokens)
        known = all(token in run.model.vocabulary for token in tokens)
        if known and n != length and n >= kernel:
            got = (n - kernel + 1) * channels
            st.markdown(
                f"In shapes: {n} tokens → embedding `(1, {n}, e)` → conv `(1, {n - kernel + 1}, "
                f"{channels})` → flatten `(1, {got})`, but the dense weights are `({features}, 1)`"
                f": {got} numbers cannot meet {features} weights. Pad with <PAD> or cut to "
                f"{length} tokens (the pooled model of section 3 has no such limit)."
            )
        return
    verdict = "label 1 (positive)" if probability > 0.5 else "label 0 (negative)"
    st.metric("P(label 1)", f"{probability:.4f}")
    st.markdown(f"The model says **{verdict}**.")


def _compare(run: TrainingRun, text) -> None:
    st.subheader("Compared with the pooled model (section 3)")
    if not st.toggle("train the pooled model on the same data and seed", key=f"{PREFIX}.cmp"):
        return
    hp = {k: v for k, v in run.hyperparameters.items()}
    try:
        pooled = pooled_probabilities(
            tuple(run.data.names), tuple(int(t) for t in run.data.targets),
            tuple(sorted(hp.items())),
        )  # fmt: skip
    except ValueError as error:
        st.error(f"The pooled model cannot train here: {error}")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "sentence": list(run.data.names),
                "target": run.data.targets.astype(int),
                "flattened (this page)": run.final.probabilities,
                "max-pooled (section 3)": pooled,
            }
        ),
        hide_index=True,
    )
    st.caption(
        "Same seed, same settings. The pooled model only knows *whether* a bigram occurs; the "
        "flattened one also knows *where*."
    )


def _results(run: TrainingRun) -> None:
    moving_vectors_and_bars(
        run,
        PREFIX,
        "◆ each distinct bigram's conv output; each sentence is a dotted path through its "
        "position vectors (@0, @1, @2): the dense layer sees all of them, in order. Blue = "
        "label 1, vermilion = label 0. Press ▶ play or drag the slider.",
    )
    st.subheader("Final numbers")
    a, b = st.columns([2, 3])
    with a:
        st.markdown("**Bigram vectors** (conv + activation)")
        st.dataframe(vector_table(run.final.window_vectors, None, "bigram"), hide_index=True)
    with b:
        st.markdown("**Sentence vectors** (flattened: position 0's channels, then position 1's…)")
        st.dataframe(
            vector_table(run.final.example_vectors, run.data.names, "sentence"),
            hide_index=True,
        )
    st.markdown("**Predictions**")
    st.dataframe(probability_table(run), hide_index=True)
    wrong = run.wrong()
    st.markdown(
        "\n".join(
            f"- `{name}` (target {int(t)}): P(label 1) = **{p:.4f}**"
            + ("  ✗ wrong side of 0.5" if i in wrong else "")
            for i, (name, t, p) in enumerate(
                zip(run.data.names, run.data.targets, run.final.probabilities, strict=True)
            )
        )
    )
    _positions_matter(run)
    _fixed_length(run)
    _compare(run, run.data)


init_data(PREFIX)
restore_from_link(PAGE, SCHEMA, lambda state: apply_link(PREFIX, state))

st.title(TITLE)
link_warning(PAGE)
st.markdown(
    "Same sentences, same embedding and convolution as in section 3, but no pooling: the conv "
    "output of every position is kept and laid end to end (**flattened**) before the dense "
    "layer. With 4 tokens the kernel of width 2 gives 3 positions × 2 channels = **6 "
    "features**, and the dense layer gets one weight per feature."
)
st.latex(
    r"p = \sigma\Big(\sum_{t=0}^{2} \mathbf{w}_t^\top\, "
    r"\sigma\big(E_{x_t} W_0 + E_{x_{t+1}} W_1 + \mathbf{b}\big) + c\Big)"
)
st.caption("One weight vector w_t per position t: the model knows where each bigram stands.")

st.header("1. The sentences")
text = sentence_editor(PREFIX)

st.header("2. The model")
hp = hyperparameter_controls(PREFIX, SECTION, extras(pool=False))
if text is not None:
    n, length = text.inputs.shape
    show_ledger(
        text_ledger(
            n,
            length,
            len(text.vocabulary),
            hp["embedding_size"],
            hp["kernel_size"],
            hp["channels"],
            hp["activation"],
            "flatten",
        ),  # fmt: skip
        formulas=[
            r"\text{features} = (n - k + 1)\cdot C = "
            rf"({length} - {hp['kernel_size']} + 1)\cdot {hp['channels']} = "
            rf"{(length - hp['kernel_size'] + 1) * hp['channels']}"
        ],
    )

run = training_panel(PREFIX, SECTION, text, hp, heading="3. Train it")
if run is not None:
    _results(run)
model_files(PREFIX, SECTION, text, (*COMMON, "activation", "embedding_size", "channels"))

if text is not None:
    share_link(SCHEMA, text_page_state(text.sentences, text.targets.astype(int), hp, pool=False))
else:
    st.info("Fix the sentence table to get a share link.")
