"""Section 3: a 1D CNN with global pooling reads sentences; train it and watch the vectors move."""

from __future__ import annotations

import streamlit as st

from app.core import limits
from app.core.model_ledgers import text_ledger
from app.core.sentences import same_vector_clash, winners
from app.core.training_jobs import TrainingRun
from app.core.training_links import text_page_schema, text_page_state
from app.server import reroute_deep_link
from app.widgets.cnn1d_text import extras, moving_vectors_and_bars, probability_table, vector_table
from app.widgets.ledger_view import show_ledger
from app.widgets.model_files import model_files
from app.widgets.sentence_editor import apply_link, init_data, sentence_editor
from app.widgets.share_box import link_warning, restore_from_link, share_link
from app.widgets.training_controls import COMMON, hyperparameter_controls
from app.widgets.training_panel import training_panel

reroute_deep_link()

PAGE = "cnn1d-pooled"
PREFIX = "s3"
SECTION = 3
TITLE = "CNN 1D pooled"
SCHEMA = text_page_schema(pool=True)
POOL_WORDS = {
    "max": "**max = ANY**: a sentence scores high on a channel as soon as *any* of its bigrams "
    "does. One telling bigram is enough.",
    "min": "**min = ALL**: a sentence scores high on a channel only if *all* of its bigrams do. "
    "One low bigram pulls the whole sentence down.",
    "avg": "**avg = on the whole**: every bigram counts equally; no single bigram decides.",
}


def _explain_pooling(run: TrainingRun, pool: str) -> None:
    """Per sentence and channel, the bigram whose number the pooling kept."""
    st.subheader("Which bigram decided?")
    st.markdown(POOL_WORDS[pool])
    maps = run.final.feature_maps[0]
    kernel = run.hyperparameters["kernel_size"]
    rows = []
    for sentence, fmap in zip(run.data.names, maps, strict=True):
        tokens = sentence.split()
        cells = [f"`{label}` ({value:.3f})" for label, value in winners(fmap, tokens, kernel, pool)]
        rows.append(f"| `{sentence}` | " + " | ".join(cells) + " |")
    channels = maps.shape[2]
    header = "| sentence | " + " | ".join(f"channel {c}" for c in range(channels)) + " |"
    st.markdown("\n".join([header, "|---" * (channels + 1) + "|", *rows]))
    if pool == "max":
        st.caption(
            "Read a column: the sentence's pooled number is the value of that bigram, the "
            "strongest of its bigrams. Sentences decided by the same bigrams get the same "
            "vector, whatever else they say."
        )
        clash = same_vector_clash(run.data.names, maps, run.data.targets, kernel, pool)
        if clash:
            first, second, bigrams = clash
            st.markdown(
                f"Here: `{first}` and `{second}` have different labels, but the same bigrams "
                f"({', '.join(f'`{b}`' for b in bigrams)}) win every channel, so they get the "
                "same vector and the same probability: no weight of the dense layer can tell "
                "them apart. ANY cannot see *which other* bigrams are present."
            )
    elif pool == "min":
        st.caption("Read a column: the sentence's number is its weakest bigram's value.")


def _try_sentence(run: TrainingRun) -> None:
    st.subheader("Try a sentence")
    st.caption(
        "Any length of at least the kernel width (2 words) works here: pooling turns any number "
        "of positions into one vector. Words must come from the vocabulary."
    )
    text = st.text_input("your sentence", "i don't like it", key=f"{PREFIX}.try",
                         max_chars=limits.MAX_TOKENS * (limits.MAX_WORD_CHARS + 1))  # fmt: skip
    if not text.strip():
        return
    try:
        probability = float(run.model.predict_proba([text])[0])
    except ValueError as error:
        st.error(f"The model cannot read this sentence: {error}")
        return
    verdict = "label 1 (positive)" if probability > 0.5 else "label 0 (negative)"
    st.metric("P(label 1)", f"{probability:.4f}", help="Above 0.5 means label 1")
    st.markdown(f"The model says **{verdict}**.")


def _results(run: TrainingRun, pool: str) -> None:
    moving_vectors_and_bars(
        run,
        PREFIX,
        "◆ each distinct bigram's conv output (after the sigmoid), ● each sentence's pooled "
        "vector, blue = label 1, vermilion = label 0. Press ▶ play or drag the slider: "
        "epoch 0 is the random start, where everything sits near (0.5, 0.5).",
    )
    st.subheader("Final numbers")
    a, b, c = st.columns(3)
    with a:
        st.markdown("**Bigram vectors** (conv + sigmoid)")
        st.dataframe(vector_table(run.final.window_vectors, None, "bigram"), hide_index=True)
    with b:
        st.markdown(f"**Sentence vectors** ({pool} pooled)")
        st.dataframe(
            vector_table(run.final.example_vectors, run.data.names, "sentence"),
            hide_index=True,
        )
    with c:
        st.markdown("**Predictions**")
        st.dataframe(probability_table(run), hide_index=True)
    wrong = run.wrong()
    lines = [
        f"- `{name}` (target {int(t)}): P(label 1) = **{p:.4f}**"
        + ("  ✗ wrong side of 0.5" if i in wrong else "")
        for i, (name, t, p) in enumerate(
            zip(run.data.names, run.data.targets, run.final.probabilities, strict=True)
        )
    ]
    st.markdown("\n".join(lines))
    _explain_pooling(run, run.hyperparameters["pool"])
    _try_sentence(run)


init_data(PREFIX)
restore_from_link(PAGE, SCHEMA, lambda state: apply_link(PREFIX, state))

st.title(TITLE)
link_warning(PAGE)
st.markdown(
    "A sentence becomes a row of word vectors (an **embedding**). A 1D convolution of width 2 "
    "turns each pair of neighbouring words — each **bigram** — into a small vector; the "
    "**pooling** squeezes all positions into one vector per sentence; a dense layer turns that "
    "into the probability that the sentence is positive. Everything is learned from four "
    "sentences."
)
st.latex(
    r"p = \sigma\Big(\mathbf{w}^\top \operatorname{pool}_t\; "
    r"\sigma\big(E_{x_t} W_0 + E_{x_{t+1}} W_1 + \mathbf{b}\big) + c\Big)"
)
st.caption(
    "E: embedding table (one row per word), W₀, W₁: the kernel's two taps, σ: sigmoid, "
    "pool over positions t: max, min or average."
)

st.header("1. The sentences")
text = sentence_editor(PREFIX)

st.header("2. The model")
hp = hyperparameter_controls(PREFIX, SECTION, extras(pool=True))
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
            "pool",
            hp["pool"],
        ),  # fmt: skip
        formulas=[
            r"n^{\text{positions}} = \left\lfloor \frac{n - k}{s} \right\rfloor + 1 = "
            rf"\left\lfloor \frac{{{length} - {hp['kernel_size']}}}{{1}} \right\rfloor + 1 "
            rf"= {length - hp['kernel_size'] + 1}"
        ],
    )

run = training_panel(PREFIX, SECTION, text, hp, heading="3. Train it")
if run is not None and run.final is not None:
    _results(run, hp["pool"])
model_files(PREFIX, SECTION, text, (*COMMON, "pool", "activation", "embedding_size",
                                       "channels"))  # fmt: skip

if text is not None:
    share_link(SCHEMA, text_page_state(text.sentences, text.targets.astype(int), hp,
                                              pool=True))  # fmt: skip
else:
    st.info("Fix the sentence table to get a share link.")
