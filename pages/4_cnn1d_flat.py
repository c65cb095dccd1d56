"""Section 4: the same text CNN, flattened instead of pooled: positions get their own weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app.core import limits, markup
from app.core.numbers import fixed
from app.core.run_gradients import gradient_controls
from app.core.sentences import PAD, bigram_positions
from app.core.training_jobs import TrainingRun
from app.figures.training import weights_heatmap
from app.server import reroute_deep_link
from app.widgets import cnn1d_text
from app.widgets.cached_figures import run_figure
from app.widgets.charts import plotly_chart
from app.widgets.learned_weights import learned_part
from app.widgets.number_tables import number_table
from app.widgets.seed_sweep import sweep_part
from app.widgets.training_gradients import gradients_part
from app.widgets.training_panel import training_panel
from cnndemo.explain import axis
from cnndemo.train import train_section

reroute_deep_link()

PAGE = "cnn1d-flat"
PREFIX = "s4"
SECTION = 4
TITLE = "CNN 1D fully connected"
CONTROLS = cnn1d_text.text_controls(PREFIX, SECTION)
GRADIENTS = gradient_controls(PREFIX)


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
    plotly_chart(st,
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
    hp = run.hyperparameters
    found = bigram_positions(run.data.names, hp["kernel_size"], hp["conv_stride"], hp["padding"])
    rows = []
    for bigram, where in found.items():
        if len(where) < 2:
            continue
        vector = run.final.window_vectors[bigram]
        for p in sorted(where):
            rows.append(
                f"| {markup.cell(bigram)} | {p} | {fixed(weights[p] @ vector, sign=True)} |"
            )
    if rows:
        st.markdown(
            "\n".join(["| bigram | position | adds to the logit |", "|---|---|---|", *rows])
        )
    else:
        st.caption("No bigram of the data occurs at two positions; edit the sentences to see one.")


def _fit_to_length(tokens: list[str], length: int, vocabulary) -> list[str] | None:
    """The sentence as the model can read it: padded with <PAD> (as the training sentences
    were) or cut to ``length`` tokens; None when it cannot be padded (no <PAD> in the data)."""
    if len(tokens) >= length:
        return tokens[:length]
    return tokens + [PAD] * (length - len(tokens)) if PAD in vocabulary else None


def _fixed_length(run: TrainingRun) -> None:
    st.subheader("Try a sentence: the length is fixed")
    length = run.model.input_size[0]
    hp = run.hyperparameters
    kernel, channels = hp["kernel_size"], run.final.feature_maps[0].shape[2]
    features = run.model.layer("dense").in_features
    st.markdown(
        f"The dense layer has exactly **{features}** weights, one per number of the flattened "
        f"conv output of a **{length}**-token sentence. Try a longer or shorter sentence."
    )
    text = st.text_input("your sentence", "i like it", key=f"{PREFIX}.try",
                         max_chars=limits.MAX_TOKENS * (limits.MAX_WORD_CHARS + 1))  # fmt: skip
    tokens = text.split()
    unknown = [t for t in tokens if t not in run.model.vocabulary]
    if not tokens:
        return
    if unknown:
        try:
            run.model.predict_proba([text])
        except ValueError as error:  # the engine names the word and the vocabulary
            st.error(f"The model cannot read this sentence: {markup.message(error)}")
        return
    n = len(tokens)
    fitted = _fit_to_length(tokens, length, run.model.vocabulary)
    if n != length:
        if n >= kernel or hp["padding"] == "same":
            conv = axis(n, kernel, hp["conv_stride"], hp["padding"]).out
            shapes = (
                f"{n} tokens → embedding `(1, {n}, {hp['embedding_size']})` → conv `(1, {conv}, "
                f"{channels})` → flatten `(1, {conv * channels})`, but the dense weights are "
                f"`({features}, 1)`: {conv * channels} numbers cannot meet {features} weights."
            )
        else:
            shapes = f"{n} token(s) are fewer than the kernel's {kernel}: no conv position at all."
        how = (
            "cut to its first" if n > length else "padded at the end with <PAD> to"
        ) + f" {length} tokens, as the training sentences were"
        st.info(
            f"This sentence has **{n}** tokens and the model reads exactly **{length}**. In "
            f"shapes: {shapes} "
            + (f"So it is {how}: {markup.code(' '.join(fitted))}." if fitted else
               "The training sentences hold no <PAD> to pad it with: type one of "
               f"{length} tokens.")
            + " (The pooled model of section 3 has no such limit.)"
        )  # fmt: skip
    if fitted is not None:
        probability = float(run.model.predict_proba([" ".join(fitted)])[0])
        cnn1d_text.sentence_verdict(probability)


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
        st.error(f"The pooled model cannot train here: {markup.message(error)}")
        return
    number_table(
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
    cnn1d_text.moving_vectors_and_bars(
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
        number_table(
            cnn1d_text.vector_table(run.final.window_vectors, None, "bigram"), hide_index=True
        )
    with b:
        st.markdown("**Sentence vectors** (flattened: position 0's channels, then position 1's…)")
        number_table(
            cnn1d_text.vector_table(run.final.example_vectors, run.data.names, "sentence"),
            hide_index=True,
        )
    st.markdown("**Predictions**")
    number_table(cnn1d_text.probability_table(run), hide_index=True)
    cnn1d_text.predictions_list(run)
    _positions_matter(run)
    learned_part(run, PREFIX)
    _fixed_length(run)
    _compare(run, run.data)


cnn1d_text.open_text_page(PAGE, CONTROLS, TITLE)
st.markdown(
    "Same sentences, same embedding and convolution as in section 3, but no pooling: the conv "
    "output of every position is kept and laid end to end (**flattened**) before the dense "
    "layer. With 4 tokens the kernel of width 2 gives 3 positions × 2 channels = **6 "
    "features**, and the dense layer gets one weight per feature."
)
# One step per line: a single line was cut off on a phone.
st.latex(
    r"\begin{aligned}h_t &= \sigma\big(E_{x_t} W_0 + E_{x_{t+1}} W_1 + \mathbf{b}\big)\\"
    r"p &= \sigma\Big(\sum_{t=0}^{2} \mathbf{w}_t^\top\, h_t + c\Big)\end{aligned}"
)
st.caption("One weight vector w_t per position t: the model knows where each bigram stands.")

text, hp = cnn1d_text.sentences_and_model(CONTROLS)

run = training_panel(PREFIX, SECTION, text, hp, heading="3. Train it", controls=CONTROLS)
if run is not None:
    _results(run)
    gradients_part(run, GRADIENTS)
sweep_part(PREFIX, SECTION, text, hp)
cnn1d_text.model_files_and_link(CONTROLS, text, hp, views=GRADIENTS)
