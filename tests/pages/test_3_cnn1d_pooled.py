"""Section 3 page (CNN 1D pooled), loaded through the real navigation."""

from __future__ import annotations

import copy
import json
import time

import numpy as np
import pytest

from app.core.sentences import winners
from app.core.share import encode
from app.core.training_links import text_page_schema, text_page_state
from app.widgets.training_controls import hp_key
from app.widgets.training_panel import panel_key
from app.widgets.weight_design import design_table_key
from cnndemo import data as data_mod
from cnndemo.models import build_model, default_hyperparameters
from cnndemo.sections import run_section
from cnndemo.train import train, train_section
from tests.pages.conftest import (
    after_training,
    click_train,
    decision_line_moves,
    findings,
    open_page,
    shown_bars,
    shown_probabilities,
    sweep_outcome,
    texts,
    trained_run,
    visible,
    vocabulary,
)

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
    assert "<PAD>" in vocabulary(at) and "don't" in vocabulary(at)
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
    assert "really" in vocabulary(at)
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
    assert "we" in vocabulary(at)
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


def test_continue_adds_the_epochs_to_the_same_run():
    at = after_training(open_page(PATH), P)
    assert "Trained **1000** epochs" in texts(at)
    at.button(key=f"{P}.tp.continue").click().run()
    assert not at.exception
    run = at.session_state[f"{P}.tp.run"]
    assert run.epochs_run == 2000 and len(run.errors) == 2000
    assert "Trained **2000** epochs" in texts(at)
    reference = train_section(3, epochs=2000)
    assert run.errors == reference.errors
    assert shown_probabilities(at, P) == reference.final.probabilities.tolist()


def test_one_step_is_one_optimiser_update_of_the_engine():
    at = after_training(open_page(PATH), P)
    run = at.session_state[f"{P}.tp.run"]
    expected = run.model.parameters.copy()
    copy.deepcopy(run.optimizer).step(expected, run.final.gradients)
    at.button(key=f"{P}.tp.step1").click().run()
    stepped = at.session_state[f"{P}.tp.run"]
    assert stepped.epochs_run == 1001
    assert stepped.model.parameters.tolist() == expected.tolist()
    assert (
        stepped.model.parameters.tolist() == train_section(3, epochs=1001).model.parameters.tolist()
    )


def test_looking_back_shows_an_earlier_epoch_and_rewinding_continues_from_it():
    at = after_training(open_page(PATH), P)
    run = at.session_state[f"{P}.tp.run"]
    shot = run.snapshots[5]
    at.select_slider(key=f"{P}.tp.look").set_value(shot.epoch).run()
    assert not at.exception
    assert f"Showing epoch **{shot.epoch}**" in texts(at)
    assert shown_bars(at) == shot.probabilities.tolist()
    at.button(key=f"{P}.tp.rewind").click().run()
    back = at.session_state[f"{P}.tp.run"]
    assert back.epochs_run == shot.epoch
    assert f"Went back to epoch **{shot.epoch}**" in texts(at)
    assert back.model.parameters.tolist() == shot.parameters.tolist()
    at.button(key=f"{P}.tp.continue").click().run()
    on = at.session_state[f"{P}.tp.run"]
    assert on.errors == train_section(3, epochs=shot.epoch + 1000).errors


def test_the_decision_line_is_drawn_and_moves_with_the_epoch():
    at = click_train(open_page(PATH), P)
    assert decision_line_moves(at)
    assert "where the dense layer answers exactly 0.5" in texts(at)


def kernel_panels(at) -> list:
    figure = next(
        json.loads(c.proto.spec) for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["layout"].get("title", {}).get("text") == "Conv kernel"
    )  # fmt: skip
    return [t["z"] for t in figure["data"] if t["type"] == "heatmap"]


def test_learned_kernel_and_embeddings_follow_the_epoch_shown():
    at = click_train(open_page(PATH), P)
    run = at.session_state[f"{P}.tp.run"]
    kernel = run.model.layer("conv1").params["kernel"]  # (taps, in, out), out channels side by side
    assert kernel_panels(at) == [kernel.transpose(0, 2, 1).reshape(2, 4).tolist()]
    assert "What it has learned at epoch 1000" in texts(at)
    shot = run.snapshots[3]
    at.select_slider(key=f"{P}.tp.look").set_value(shot.epoch).run()
    earlier = run.model.unflatten(shot.parameters)["conv1.kernel"]
    assert kernel_panels(at) == [earlier.transpose(0, 2, 1).reshape(2, 4).tolist()]
    assert f"What it has learned at epoch {shot.epoch}" in texts(at)
    at.selectbox(key=f"{P}.learned.example").select_index(2).run()
    assert not at.exception


def test_hand_typed_weights_give_the_engines_error_and_train_from_there():
    at = open_page(PATH)
    at.session_state[f"{P}.design.open"] = True
    at.run()
    version = at.session_state[f"{P}.design.version"]
    edits = {
        "conv1.kernel": {0: {"out 0": 3.0}, 3: {"out 1": -2.0}},
        "dense.weights": {0: {"weight": 4.0}, 1: {"weight": -4.0}},
        "dense.bias": {0: {"bias": 0.5}},
    }
    for name, rows in edits.items():
        at.session_state[design_table_key(P, version, name)] = {
            "edited_rows": rows, "added_rows": [], "deleted_rows": [],
        }  # fmt: skip
    at.run()
    assert not at.exception
    model = build_model(3, **default_hyperparameters(3))
    named = model.named_parameters()
    named["conv1.kernel"].reshape(-1, 2)[0, 0] = 3.0
    named["conv1.kernel"].reshape(-1, 2)[3, 1] = -2.0
    named["dense.weights"][:, 0] = [4.0, -4.0]
    named["dense.bias"][0] = 0.5
    data = data_mod.text_data()
    expected = train(model.copy(), data, epochs=0).final
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["error of these weights"] == f"{expected.error:.4f}"
    at.button(key=f"{P}.design.train").click().run()
    run = at.session_state[f"{P}.tp.run"]
    assert run.start_label == "your weights" and run.errors[0] == expected.error
    assert "Started from your weights." in texts(at)
    assert run.errors == train(model, data, epochs=1000).errors


def test_the_tutorials_trained_solution_is_a_preset():
    at = open_page(PATH)
    at.session_state[f"{P}.design.open"] = True
    at.run()
    at.selectbox(key=f"{P}.design.preset").set_value("trained").run()
    at.button(key=f"{P}.design.fill").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["error of these weights"] == f"{train_section(3).final.error:.4f}"


def test_the_seed_sweep_reproduces_the_seed_outcomes_benchmark():
    at = open_page(PATH)
    shown, expected = sweep_outcome(at, P, 3)
    assert shown == expected == "learned all 7/20; others end at error 0.347 x10, 0.693 x3"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["learned every example"] == "7 of 20 seeds"
    assert metrics["stuck at ln 2"] == "3 of 20"


def test_average_pooling_stalls_is_explained_and_a_remedy_learns_all_four():
    at = open_page(PATH)
    at.radio(key=hp_key(P, "pool")).set_value("avg").run()
    click_train(at, P)
    (stall,) = findings(at)
    assert stall.startswith("**Stuck at the start (error ln 2).**")
    assert "0.6931" in stall and "Average pooling adds to that" in stall
    assert "conv kernel's gradient is only" in stall  # this run's own number
    assert {m.label: m.value for m in at.metric}["right side of 0.5"] == "0 of 4"
    remedy = at.button(key=panel_key(P, "remedy.0.0"))
    assert visible(remedy.label) == "init scale 0.5"
    remedy.click().run()
    assert at.number_input(key=hp_key(P, "init_scale")).value == 0.5
    run = trained_run(at, P)
    assert all(v == "right" for v in run.verdicts())
    assert {m.label: m.value for m in at.metric}["right side of 0.5"] == "4 of 4"
    assert not findings(at)


def test_sentences_at_0_5000_are_undecided_and_the_identical_vectors_are_explained():
    at = click_train(open_page(PATH), P)
    metric = next(m for m in at.metric if m.label == "right side of 0.5")
    assert metric.value == "2 of 4" and metric.delta == "2 undecided"
    notes = [i.value for i in at.info if i.icon == ":material/lightbulb:"]
    assert visible(notes[0]).startswith("**Examples the dense layer cannot tell apart.**")
    assert "i like it <PAD>" in visible(notes[0])
    assert visible(notes[1]).startswith("**2 example(s) undecided.**")
    assert visible(at.button(key=panel_key(P, "remedy.0.0")).label) == "try seed 1"
    assert "undecided: neither right nor wrong" in texts(at)
    assert "✗ wrong side" not in texts(at)  # 0.49995 is no answer, not a wrong one


def test_a_stalled_run_shows_no_green_progress():
    at = open_page(PATH)
    at.radio(key=hp_key(P, "pool")).set_value("avg").run()
    click_train(at, P)
    final = next(m for m in at.metric if m.label == "final error")
    assert final.delta in ("-0.0000", "+0.0000") and final.proto.color == 2  # grey
