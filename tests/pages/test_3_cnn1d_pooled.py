"""Section 3 page (CNN 1D pooled), loaded through the real navigation."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from app.core.sentences import winners
from app.core.share import encode
from app.core.training_links import text_page_schema, text_page_state
from app.widgets.training_controls import hp_key
from cnndemo.models import default_hyperparameters
from cnndemo.sections import run_section
from cnndemo.train import train_section
from tests.pages.conftest import click_train, open_page, shown_probabilities, texts, visible

PATH = "pages/3_cnn1d_pooled.py"
P = "s3"


@pytest.fixture(scope="module")
def reference():
    return run_section(3, seed=0)


def test_opens_on_the_tutorial_setup(reference):
    at = open_page(PATH)
    assert not at.exception
    text = texts(at)
    assert "CNN 1D pooled" in text
    assert "<PAD>" in at.code[0].value and "don't" in at.code[0].value
    assert "Parameters in total: 25" in text
    assert at.radio(key=hp_key(P, "pool")).value == "max"


def test_training_shows_exactly_what_cnndemo_computes(reference):
    at = click_train(open_page(PATH), P)
    assert not at.exception
    assert shown_probabilities(at, P) == [p["probability"] for p in reference["predictions"]]
    run = at.session_state[f"{P}.tp.run"]
    assert run.errors[0] == pytest.approx(0.693, abs=1e-3)
    text = texts(at)
    assert "i like it <PAD>" in text and f"{reference['predictions'][2]['probability']:.4f}" in text
    assert "max = ANY" in text
    # the winner table names, for each sentence and channel, the bigram the max kept
    fmap = run.final.feature_maps[0]
    winner = winners(fmap[0], "i like it <PAD>".split(), 2, "max")[0][0]
    assert f"`{winner}`" in text
    vectors = next(
        json.loads(c.proto.spec) for c in at.get("plotly_chart")
        if "frames" in json.loads(c.proto.spec)
    )  # fmt: skip
    assert len(vectors["frames"]) == len(run.snapshots)
    assert list(vectors["data"][0]["text"]) == list(reference["bigram_vectors"])


def test_pool_kind_and_seed_change_what_is_trained():
    at = open_page(PATH)
    at.radio(key=hp_key(P, "pool")).set_value("min").run()
    at.number_input(key=hp_key(P, "seed")).set_value(2).run()
    click_train(at, P)
    expected = run_section(3, seed=2, pool="min")
    assert shown_probabilities(at, P) == [p["probability"] for p in expected["predictions"]]
    assert "min = ALL" in texts(at)


def test_edited_sentences_are_padded_and_trained_on():
    at = open_page(PATH)
    key = f"{P}.data.v0"
    at.session_state[key] = {
        "edited_rows": {0: {"sentence": "i like it"}},
        "added_rows": [{"sentence": "i really like it", "label": 1}],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert "padded with 1 × <PAD>" in texts(at)
    assert "really" in at.code[0].value
    click_train(at, P)
    sentences = ["i like it <PAD>", "i hate it <PAD>", "i don't hate it", "i don't like it",
                 "i really like it"]  # fmt: skip
    expected = train_section(3, sentences=sentences, labels=[1, 0, 1, 0, 1])
    assert shown_probabilities(at, P) == expected.final.probabilities.tolist()


def test_bad_edit_shows_an_error_keeps_inputs_and_marks_results_stale():
    at = click_train(open_page(PATH), P)
    at.number_input(key=hp_key(P, "epochs")).set_value(500).run()
    at.session_state[f"{P}.data.v0"] = {
        "edited_rows": {1: {"label": 7}}, "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    at.run()
    assert not at.exception
    assert any("label must be 0 or 1" in e.value for e in at.error)
    assert at.number_input(key=hp_key(P, "epochs")).value == 500
    assert at.button(key=f"{P}.tp.train").disabled
    assert any("earlier setup" in w.value for w in at.warning)


def test_try_a_sentence_runs_the_trained_model_and_explains_unknown_words():
    at = click_train(open_page(PATH), P)
    run = at.session_state[f"{P}.tp.run"]
    at.text_input(key=f"{P}.try").set_value("i like it").run()
    expected = run.model.predict_proba(["i like it"])[0]
    assert any(m.value == f"{expected:.4f}" for m in at.metric)
    at.text_input(key=f"{P}.try").set_value("i love it").run()
    assert not at.exception
    assert any("unknown word 'love'" in visible(e.value) for e in at.error)


def test_share_link_round_trip_and_malformed_link():
    sentences = ["we like it", "we hate it"]
    hp = {**default_hyperparameters(3), "seed": 7, "pool": "avg", "epochs": 300}
    params = encode(text_page_state(sentences, [1, 0], hp, pool=True), text_page_schema(pool=True))
    at = open_page(PATH, params)
    assert not at.exception
    assert at.radio(key=hp_key(P, "pool")).value == "avg"
    assert at.number_input(key=hp_key(P, "seed")).value == 7
    assert "we" in at.code[0].value
    click_train(at, P)
    expected = train_section(3, sentences=sentences, labels=[1, 0], seed=7, pool="avg", epochs=300)
    assert shown_probabilities(at, P) == expected.final.probabilities.tolist()
    bad = open_page(PATH, {**params, "pool": "median"})
    assert not bad.exception
    assert any("could not be used" in w.value for w in bad.warning)
    assert bad.radio(key=hp_key(P, "pool")).value == "max"


def test_rerun_after_a_widget_change_is_fast():
    at = click_train(open_page(PATH), P)
    times = []
    for seed in range(1, 8):
        start = time.perf_counter()
        at.number_input(key=hp_key(P, "seed")).set_value(seed).run()
        times.append(time.perf_counter() - start)
    assert not at.exception
    # 0.1 s is the target on an idle machine; the bound leaves room for a busy CI box
    assert np.median(times) < 0.5, times
