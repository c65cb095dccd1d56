"""Section 3: a 1D CNN with global pooling reads sentences; train it and watch the vectors move."""

from __future__ import annotations

import streamlit as st

from app.core import markup
from app.core.numbers import fixed
from app.core.run_gradients import gradient_controls
from app.core.sentences import same_vector_clash, winners
from app.core.training_jobs import TrainingRun
from app.server import reroute_deep_link
from app.widgets import cnn1d_text
from app.widgets.learned_weights import learned_part
from app.widgets.number_tables import number_table
from app.widgets.seed_sweep import sweep_part
from app.widgets.training_gradients import gradients_part
from app.widgets.training_panel import training_panel

reroute_deep_link()

PAGE = "cnn1d-pooled"
PREFIX = "s3"
SECTION = 3
TITLE = "CNN 1D pooled"
POOL_WORDS = {
    "max": "**max = ANY**: a sentence scores high on a channel as soon as *any* of its bigrams "
    "does. One telling bigram is enough.",
    "min": "**min = ALL**: a sentence scores high on a channel only if *all* of its bigrams do. "
    "One low bigram pulls the whole sentence down.",
    "avg": "**avg = on the whole**: every bigram counts equally; no single bigram decides.",
}
CONTROLS = cnn1d_text.text_controls(PREFIX, SECTION)
GRADIENTS = gradient_controls(PREFIX)


def _explain_pooling(run: TrainingRun, pool: str) -> None:
    """Per sentence and channel, the bigram whose number the pooling kept."""
    st.subheader("Which bigram decided?")
    st.markdown(POOL_WORDS[pool])
    maps = run.final.feature_maps[0]
    hp = run.hyperparameters
    kernel, stride, padding = hp["kernel_size"], hp["conv_stride"], hp["padding"]
    rows = []
    for sentence, fmap in zip(run.data.names, maps, strict=True):
        found = winners(fmap, sentence.split(), kernel, pool, stride, padding)
        cells = [f"{markup.cell(label)} ({fixed(value, 3)})" for label, value in found]
        rows.append(f"| {markup.cell(sentence)} | " + " | ".join(cells) + " |")
    channels = maps.shape[2]
    header = "| sentence | " + " | ".join(f"channel {c}" for c in range(channels)) + " |"
    st.markdown("\n".join([header, "|---" * (channels + 1) + "|", *rows]))
    if pool == "max":
        st.caption(
            "Read a column: the sentence's pooled number is the value of that bigram, the "
            "strongest of its bigrams. Sentences decided by the same bigrams get the same "
            "vector, whatever else they say."
        )
        clash = same_vector_clash(
            run.data.names, maps, run.data.targets, kernel, pool, stride=stride, padding=padding
        )
        if clash:
            first, second, bigrams = clash
            st.markdown(
                f"Here: {markup.code(first)} and {markup.code(second)} have different labels, but "
                f"the same bigrams ({', '.join(map(markup.code, bigrams))}) win every channel, so "
                "they get the same vector and the same probability: no weight of the dense layer "
                "can tell them apart. ANY cannot see *which other* bigrams are present."
            )
    elif pool == "min":
        st.caption("Read a column: the sentence's number is its weakest bigram's value.")


def _try_sentence(run: TrainingRun) -> None:
    st.subheader("Try a sentence")
    st.caption(
        "Any length of at least the kernel width (2 words) works here: pooling turns any number "
        "of positions into one vector. Words must come from the vocabulary."
    )
    _, probability = cnn1d_text.sentence_probability(run, PREFIX, "i don't like it")
    if probability is not None:
        cnn1d_text.sentence_verdict(probability, help="Above 0.5 means label 1")


def _results(run: TrainingRun, pool: str) -> None:
    cnn1d_text.moving_vectors_and_bars(
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
        number_table(
            cnn1d_text.vector_table(run.final.window_vectors, None, "bigram"), hide_index=True
        )
    with b:
        st.markdown(f"**Sentence vectors** ({pool} pooled)")
        number_table(
            cnn1d_text.vector_table(run.final.example_vectors, run.data.names, "sentence"),
            hide_index=True,
        )
    with c:
        st.markdown("**Predictions**")
        number_table(cnn1d_text.probability_table(run), hide_index=True)
    cnn1d_text.predictions_list(run)
    learned_part(run, PREFIX)
    _explain_pooling(run, run.hyperparameters["pool"])
    _try_sentence(run)


cnn1d_text.open_text_page(PAGE, CONTROLS, TITLE)
st.markdown(
    "A sentence becomes a row of word vectors (an **embedding**). A 1D convolution of width 2 "
    "turns each pair of neighbouring words — each **bigram** — into a small vector; the "
    "**pooling** squeezes all positions into one vector per sentence; a dense layer turns that "
    "into the probability that the sentence is positive. Everything is learned from four "
    "sentences."
)
# One step per line: a single line was cut off on a phone.
st.latex(
    r"\begin{aligned}h_t &= \sigma\big(E_{x_t} W_0 + E_{x_{t+1}} W_1 + \mathbf{b}\big)\\"
    r"p &= \sigma\big(\mathbf{w}^\top \operatorname{pool}_t\, h_t + c\big)\end{aligned}"
)
st.caption(
    "E: embedding table (one row per word), W₀, W₁: the kernel's two taps, σ: sigmoid, "
    "pool over positions t: max, min or average."
)

text, hp = cnn1d_text.sentences_and_model(CONTROLS)

run = training_panel(PREFIX, SECTION, text, hp, heading="3. Train it", controls=CONTROLS)
if run is not None and run.final is not None:
    _results(run, hp["pool"])
    gradients_part(run, GRADIENTS)
sweep_part(PREFIX, SECTION, text, hp)
cnn1d_text.model_files_and_link(CONTROLS, text, hp, views=GRADIENTS)
