"""Section 7 page (pages/7_cnn2d_two_layers.py) through the real navigation, with AppTest.

Oracle: ``cnndemo.sections.run_section(7, ...)``; the layer 2 sum is checked against the
trained model's own weights.
"""

from __future__ import annotations

import numpy as np

from app.widgets.image_set_editor import pixel_key
from app.widgets.training_controls import hp_key
from cnndemo.sections import run_section
from tests.pages.conftest import decision_line_moves, open_page, texts, trained_run, visible

PAGE = "pages/7_cnn2d_two_layers.py"
P, IMAGES = "s7", "s7.images"


def open_editor(at):
    """Open the image editor's expander: its cards only run while it is open."""
    at.session_state["s7.edit"] = True
    return at.run()


def test_opens_with_the_ledger_of_both_layers():
    at = open_page(PAGE)
    assert not at.exception
    text = texts(at)
    assert "`(1, 2, 2, 2)`" in text and "`(1, 1, 1, 2)`" in text
    assert "**Parameters in total: 31**" in text  # 10 + 18 + 3


def test_title_is_the_menu_entry_and_layer_2_has_both_size_formulas():
    at = open_page(PAGE)
    assert at.title[0].value == "CNN 2D, 2 layers"  # the menu: "7. CNN 2D, 2 layers"
    formulas = [element.value for element in at.latex]
    # Layer 1 reads the 3x3 image (2x2 out), layer 2 the 2x2 grid (1x1 out), per axis.
    assert any("text{rows,2}" in f and "= 1" in f for f in formulas)
    assert any("text{cols,2}" in f and "= 1" in f for f in formulas)


def test_training_shows_the_engines_predictions_and_both_feature_maps():
    at = open_page(PAGE)
    run = trained_run(at, P)
    report = run_section(7, seed=0)
    expected = [p["probability"] for p in report["predictions"]]
    np.testing.assert_allclose(run.final.probabilities, expected, rtol=0, atol=1e-12)
    at.selectbox(key="s7.focus").select_index(6).run()
    first, second = run.final.feature_maps[0][6], run.final.feature_maps[1][6]
    kernel = run.model.layer("conv2").params["kernel"]
    bias = run.model.layer("conv2").params["bias"]
    for channel in range(2):
        pre = float(np.sum(first * kernel[:, :, :, channel])) + bias[channel]
        line = next(m.value for m in at.markdown if f"Layer 2, channel {channel}:" in m.value)
        assert line.endswith(f"**{second[0, 0, channel]:.3f}**")
        assert f"gives {pre:.3f}" in line
        assert abs(1 / (1 + np.exp(-pre)) - second[0, 0, channel]) < 1e-12
    assert "(0, 0) ← `0000`, (0, 1) ← `0000`" in texts(at)  # the blank image's regions


def test_other_hyperparameters_train_as_the_engine_does():
    at = open_page(PAGE)
    at.number_input(key=hp_key(P, "seed")).set_value(4).run()
    at.radio(key=hp_key(P, "activation")).set_value("tanh").run()
    at.number_input(key=hp_key(P, "epochs")).set_value(500).run()
    run = trained_run(at, P)
    report = run_section(7, seed=4, epochs=500, activation="tanh")
    expected = [p["probability"] for p in report["predictions"]]
    np.testing.assert_allclose(run.final.probabilities, expected, rtol=0, atol=1e-12)
    assert "tanh(" in texts(at)


def test_share_link_round_trip():
    at = open_editor(open_page(PAGE))
    at.button(key=pixel_key(IMAGES, 0, 2, 2)).click().run()
    at.number_input(key=hp_key(P, "second_channels")).set_value(3).run()
    params = {k: at.query_params[k] for k in at.query_params}
    again = open_page(PAGE, query_params=params)
    assert not again.exception and not again.warning
    assert again.session_state[IMAGES + ".set"] == at.session_state[IMAGES + ".set"]
    assert again.number_input(key=hp_key(P, "second_channels")).value == 3


def test_the_decision_line_is_for_the_layer_2_vectors():
    at = open_page(PAGE)
    trained_run(at, P)
    assert decision_line_moves(at)
    assert "The line is for the ● (layer 2) vectors" in texts(at)


def test_the_blank_image_failure_at_the_default_seed_is_explained():
    at = open_page(PAGE)
    run = trained_run(at, P)
    assert run.wrong() == [6]  # the blank image, called a line
    notes = [visible(i.value) for i in at.info if i.icon == ":material/lightbulb:"]
    assert notes and notes[0].startswith("**Examples the dense layer cannot tell apart.**")
    assert "···/···/···" in notes[0] and "(label 0)" in notes[0]
    assert at.button(key="s7.tp.remedy.0.0")  # another seed, one click
