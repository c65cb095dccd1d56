"""Section 5 page (pages/5_cnn2d_pooled.py) through the real navigation, with AppTest.

Oracle: ``cnndemo.sections.run_section(5, ...)`` (and ``train_section`` for edited images):
the page must show the engine's numbers for the same seed and setup.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.image_sets import blank_image, tutorial_set
from app.widgets.image_set_editor import label_key, pixel_key, probability_text, remove_key
from app.widgets.training_controls import hp_key
from cnndemo.all_images import evaluate_all
from cnndemo.sections import run_section
from cnndemo.train import train_section
from tests.pages.conftest import decision_line_moves, open_page, texts, trained_run

PAGE = "pages/5_cnn2d_pooled.py"
P, IMAGES, PAD = "s5", "s5.images", "s5.pad"
BLANK = 6  # index of the blank image in the tutorial's data order


def open_editor(at):
    """Open the image editor's expander: its cards only run while it is open."""
    at.session_state["s5.edit"] = True
    return at.run()


@pytest.fixture(scope="module")
def reference():
    return run_section(5, seed=0)


def test_opens_on_the_tutorial_images_and_reference_setup():
    at = open_editor(open_page(PAGE))
    assert not at.exception
    labels = [at.button(key=label_key(IMAGES, i)).label for i in range(16)]
    assert labels == ["label 1"] * 6 + ["label 0"] * 10
    assert at.session_state[IMAGES + ".set"] == tutorial_set()
    assert at.number_input(key=hp_key(P, "epochs")).value == 2000
    assert at.number_input(key=hp_key(P, "learning_rate")).value == 1.0
    assert at.radio(key=hp_key(P, "pool")).value == "max"
    text = texts(at)
    assert "`(1, 2, 2, 2)`" in text and "**Parameters in total: 13**" in text
    assert "Every 2x2 region becomes a point" not in text  # no results before training


def test_training_shows_the_engine_predictions_for_the_seed(reference):
    at = open_editor(open_page(PAGE))
    run = trained_run(at, P)
    expected = np.array([p["probability"] for p in reference["predictions"]])
    np.testing.assert_allclose(run.final.probabilities, expected, rtol=0, atol=1e-12)
    assert run.errors[0] == pytest.approx(reference["errors"][0], abs=1e-15)
    assert abs(run.errors[0] - math.log(2)) < 0.01  # the first error is about ln 2
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["first error"] == f"{reference['errors'][0]:.4f}"
    assert metrics["right side of 0.5"] == "15 of 16"
    # The cards show every probability, and the blank image is the one wrong answer.
    cards = [m.value for m in at.markdown if m.value.startswith((":green[", ":red["))]
    labels = [1] * 6 + [0] * 10
    assert cards == [probability_text(p, t) for p, t in zip(expected, labels, strict=True)]
    assert f"**Wrong (1):** `···/···/···` (label 0, p = {expected[BLANK]:.3f})" in texts(at)
    assert expected[BLANK] > 0.5 and abs(expected[BLANK] - expected[0]) < 0.01  # like a line


def test_the_probabilities_table_is_sent_only_while_its_expander_is_open(reference):
    at = open_page(PAGE)
    run = trained_run(at, P)
    box = next(e for e in at.expander if e.label == "All probabilities as a table")
    assert not box.children  # closed: nothing in it was sent
    at.session_state[f"{P}.probs.open"] = True
    at.run()
    box = next(e for e in at.expander if e.label == "All probabilities as a table")
    table = box.dataframe[0].value
    np.testing.assert_allclose(table["P(label 1)"], np.round(run.final.probabilities, 4))


def test_blank_image_explanation_is_read_from_the_run(reference):
    at = open_page(PAGE)
    run = trained_run(at, P)
    assert at.selectbox(key="s5.focus").value == BLANK
    text = texts(at)
    vector = reference["image_vectors"]["   /   /   "]
    assert "only one kind, `0000`" in text
    assert f"**({vector[0]:.3f}, {vector[1]:.3f})**" in text
    assert f"p = {run.final.probabilities[BLANK]:.3f}" in text
    at.selectbox(key="s5.focus").select_index(1).run()
    assert "the kinds `0011`, `1100`" in texts(at)  # the middle row: rows 0-1 and 1-2


def test_pool_kind_and_seed_change_the_result_as_the_engine_does():
    at = open_page(PAGE)
    at.radio(key=hp_key(P, "pool")).set_value("min").run()
    at.number_input(key=hp_key(P, "seed")).set_value(3).run()
    run = trained_run(at, P)
    expected = [p["probability"] for p in run_section(5, seed=3, pool="min")["predictions"]]
    np.testing.assert_allclose(run.final.probabilities, expected, rtol=0, atol=1e-12)
    assert "min-pooled vector" in texts(at)


def test_edited_images_make_old_results_stale_and_train_on_the_edit():
    at = open_editor(open_page(PAGE))
    trained_run(at, P)
    at.button(key=pixel_key(IMAGES, BLANK, 1, 1)).click().run()
    edited = at.session_state[IMAGES + ".set"]
    assert edited.images[BLANK] == ("   ", " # ", "   ")
    assert "earlier setup" in texts(at)
    assert not [m for m in at.markdown if m.value.startswith(":red[")]  # no stale cards
    run = trained_run(at, P)
    expected = train_section(5, images=edited.images, labels=edited.labels, seed=0)
    np.testing.assert_allclose(run.final.probabilities, expected.final.probabilities, atol=1e-12)


def test_label_remove_add_and_reset_buttons():
    at = open_editor(open_page(PAGE))
    at.button(key=label_key(IMAGES, 0)).click().run()
    assert at.session_state[IMAGES + ".set"].labels[0] == 0
    at.button(key=remove_key(IMAGES, 1)).click().run()
    assert len(at.session_state[IMAGES + ".set"]) == 15
    at.button(key=IMAGES + ".add").click().run()
    assert at.session_state[IMAGES + ".set"].images[-1] == blank_image()
    at.button(key=IMAGES + ".reset").click().run()
    assert at.session_state[IMAGES + ".set"] == tutorial_set()
    assert not at.exception


def test_drawn_images_are_classified_by_the_trained_model():
    at = open_page(PAGE)
    run = trained_run(at, P)
    for col in range(4):
        at.number_input(key=PAD + ".w").set_value(4).run()
        at.number_input(key=PAD + ".h").set_value(4).run()
        at.button(key=pixel_key(PAD, 0, 1, col)).click().run()
    rows = at.session_state[PAD + ".image"]
    assert rows == ("    ", "####", "    ", "    ")
    p = run.model.predict_proba([list(rows)])[0]
    assert {m.label: m.value for m in at.metric}["P(label 1)"] == f"{p:.4f}"
    # Smaller than the kernel: the engine's reason, not a traceback; the rest stays.
    at.number_input(key=PAD + ".w").set_value(1).run()
    assert not at.exception
    assert any("smaller than the kernel" in w.value for w in at.warning)
    assert at.number_input(key=hp_key(P, "epochs")).value == 2000


def test_share_link_restores_images_hyperparameters_and_drawing():
    at = open_editor(open_page(PAGE))
    at.button(key=pixel_key(IMAGES, 3, 0, 2)).click().run()
    at.button(key=label_key(IMAGES, 15)).click().run()
    at.radio(key=hp_key(P, "pool")).set_value("avg").run()
    at.number_input(key=hp_key(P, "seed")).set_value(11).run()
    at.button(key=pixel_key(PAD, 0, 0, 0)).click().run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert {"img", "lab", "seed", "pool", "pad"} <= set(params)
    again = open_page(PAGE, query_params=params)
    assert not again.exception and not again.warning
    assert again.session_state[IMAGES + ".set"] == at.session_state[IMAGES + ".set"]
    assert again.radio(key=hp_key(P, "pool")).value == "avg"
    assert again.number_input(key=hp_key(P, "seed")).value == 11
    assert again.session_state[PAD + ".image"] == ("#  ", "   ", "   ")


def test_malformed_link_warns_and_keeps_the_tutorial_setup():
    params = {"img": "2x3x3_" + "_".join(["7"] * 18), "lab": "2_0_1", "lr": "nan"}
    at = open_page(PAGE, query_params=params)
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
    assert at.session_state[IMAGES + ".set"] == tutorial_set()
    assert at.number_input(key=hp_key(P, "learning_rate")).value == 1.0


def test_the_decision_line_separates_the_image_vectors_and_moves_with_the_epoch():
    at = open_page(PAGE)
    run = trained_run(at, P)
    assert decision_line_moves(at) and "where the dense layer answers exactly 0.5" in texts(at)
    assert run.final.probabilities[BLANK] > 0.5  # the blank image on the line's blue side


def test_all_512_images_counts_match_a_direct_engine_evaluation():
    at = open_page(PAGE)
    run = trained_run(at, P)
    counts = evaluate_all(run.model).counts
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["lines called lines"] == str(counts["true positives"])
    assert metrics["others called lines"] == str(counts["false positives"])
    assert metrics["others called not lines"] == str(counts["true negatives"])
    assert metrics["lines called not lines"] == str(counts["false negatives"])
    agree = counts["true positives"] + counts["true negatives"]
    assert f"agrees with the rule on **{agree} of 512**" in texts(at)
    # looking back at an earlier epoch evaluates that epoch's weights
    shot = run.snapshots[2]
    at.select_slider(key=f"{P}.tp.look").set_value(shot.epoch).run()
    earlier = run.model.copy()
    earlier.set_parameters(shot.parameters)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["others called lines"] == str(evaluate_all(earlier).counts["false positives"])
