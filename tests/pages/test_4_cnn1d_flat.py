"""Section 4 page (CNN 1D fully connected), loaded through the real navigation."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from app.core.share import encode
from app.core.training_links import text_page_schema, text_page_state
from app.widgets.training_controls import hp_key
from cnndemo.models import default_hyperparameters
from cnndemo.sections import run_section
from cnndemo.train import train_section
from tests.pages.conftest import click_train, open_page, shown_probabilities, texts

PATH = "pages/4_cnn1d_flat.py"
P = "s4"


@pytest.fixture(scope="module")
def trained():
    return click_train(open_page(PATH), P)


def test_opens_on_the_tutorial_setup():
    at = open_page(PATH)
    assert not at.exception
    text = texts(at)
    assert "CNN 1D fully connected" in text
    assert "Parameters in total: 29" in text  # 12 embedding + 10 conv + 7 dense
    assert "= 6" in "".join(str(x.value) for x in at.get("latex"))


def test_training_shows_exactly_what_cnndemo_computes(trained):
    reference = run_section(4, seed=0)
    assert not trained.exception
    assert shown_probabilities(trained, P) == [p["probability"] for p in reference["predictions"]]
    run = trained.session_state[f"{P}.tp.run"]
    assert run.errors[0] == pytest.approx(0.693, abs=1e-3)
    assert run.final.example_vectors.shape == (4, 6)


def test_dense_weights_are_shown_per_position_and_channel(trained):
    run = trained.session_state[f"{P}.tp.run"]
    weights = run.model.layer("dense").params["weights"].reshape(3, 2)
    heat = next(
        json.loads(c.proto.spec) for c in trained.get("plotly_chart")
        if json.loads(c.proto.spec)["data"][0]["type"] == "heatmap"
    )  # fmt: skip
    assert np.allclose(heat["data"][0]["z"], weights)
    # "hate it" stands at position 1 and at position 2: two different contributions
    text = texts(trained)
    vector = run.final.window_vectors["hate it"]
    assert f"| `hate it` | 1 | {float(weights[1] @ vector):+.4f} |" in text
    assert f"| `hate it` | 2 | {float(weights[2] @ vector):+.4f} |" in text


def test_another_length_is_explained_with_shapes_not_a_crash(trained):
    at = trained
    at.text_input(key=f"{P}.try").set_value("i like it").run()
    assert not at.exception
    assert any("fixes the input size" in e.value for e in at.error)
    assert "flatten `(1, 4)`" in texts(at) and "`(6, 1)`" in texts(at)
    at.text_input(key=f"{P}.try").set_value("i don't like it").run()
    run = at.session_state[f"{P}.tp.run"]
    expected = run.model.predict_proba(["i don't like it"])[0]
    assert any(m.value == f"{expected:.4f}" for m in at.metric)


def test_comparison_with_the_pooled_model_on_the_same_seed(trained):
    at = trained
    at.toggle(key=f"{P}.cmp").set_value(True).run()
    assert not at.exception
    table = at.dataframe[-1].value
    pooled = run_section(3, seed=0)
    assert table["max-pooled (section 3)"].tolist() == [
        p["probability"] for p in pooled["predictions"]
    ]


def test_hyperparameters_change_what_is_trained():
    at = open_page(PATH)
    at.radio(key=hp_key(P, "activation")).set_value("tanh").run()
    at.number_input(key=hp_key(P, "channels")).set_value(3).run()
    click_train(at, P)
    expected = train_section(4, activation="tanh", channels=3)
    assert shown_probabilities(at, P) == expected.final.probabilities.tolist()
    assert at.selectbox(key=f"{P}.pair").value == (0, 1)


def test_share_link_round_trip():
    hp = {**default_hyperparameters(4), "seed": 4, "learning_rate": 0.5}
    sentences = ["i like it <PAD>", "i hate it <PAD>"]
    params = encode(
        text_page_state(sentences, [1, 0], hp, pool=False), text_page_schema(pool=False)
    )
    at = open_page(PATH, params)
    assert at.number_input(key=hp_key(P, "learning_rate")).value == 0.5
    click_train(at, P)
    expected = train_section(4, sentences=sentences, labels=[1, 0], seed=4, learning_rate=0.5)
    assert shown_probabilities(at, P) == expected.final.probabilities.tolist()


def test_rerun_after_a_widget_change_is_fast(trained):
    at = trained
    times = []
    for seed in range(1, 8):
        start = time.perf_counter()
        at.number_input(key=hp_key(P, "seed")).set_value(seed).run()
        times.append(time.perf_counter() - start)
    assert not at.exception
    assert np.median(times) < 0.5, times
