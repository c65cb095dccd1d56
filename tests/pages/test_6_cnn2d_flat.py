"""Section 6 page (pages/6_cnn2d_flat.py) through the real navigation, with AppTest.

Oracle: ``cnndemo.sections.run_section(6, ...)`` for the flattened model and
``run_section(5, ...)`` for the pooled model it is compared with (same seed, max pooling).
"""

from __future__ import annotations

import numpy as np
import pytest

from app.core.image_sets import tutorial_set
from app.widgets.image_set_editor import label_key
from app.widgets.training_controls import hp_key
from cnndemo.sections import run_section
from tests.pages.conftest import open_page, texts, trained_run

PAGE = "pages/6_cnn2d_flat.py"
P, IMAGES, PAD = "s6", "s6.images", "s6.pad"


def open_editor(at):
    """Open the image editor's expander: its cards only run while it is open."""
    at.session_state["s6.edit"] = True
    return at.run()


def probabilities(report: dict) -> np.ndarray:
    return np.array([p["probability"] for p in report["predictions"]])


def test_opens_on_the_reference_setup_with_eight_dense_inputs():
    at = open_page(PAGE)
    assert not at.exception
    assert at.session_state[IMAGES + ".set"] == tutorial_set()
    assert at.number_input(key=hp_key(P, "epochs")).value == 2000
    text = texts(at)
    assert "`(1, 8)`" in text and "**Parameters in total: 19**" in text  # 10 conv + 9 dense


@pytest.mark.parametrize("seed", [0, 1])
def test_training_and_the_comparison_show_the_engines_numbers(seed):
    at = open_page(PAGE)
    at.number_input(key=hp_key(P, "seed")).set_value(seed).run()
    run = trained_run(at, P)
    flat = probabilities(run_section(6, seed=seed))
    pooled = probabilities(run_section(5, seed=seed))
    np.testing.assert_allclose(run.final.probabilities, flat, rtol=0, atol=1e-12)
    table = at.dataframe[-1].value
    np.testing.assert_allclose(table["p pooled"], np.round(pooled, 4))
    np.testing.assert_allclose(table["p flattened"], np.round(flat, 4))
    names = [tutorial_set().names[i].replace(" ", "·") for i in range(16)]
    targets = np.array(tutorial_set().labels)
    for label, p in (("Pooled", pooled), ("Flattened", flat)):
        wrong = [f"`{names[i]}`" for i in np.flatnonzero((p > 0.5) != (targets == 1))]
        assert f"**{label} gets wrong:** {', '.join(wrong) or 'none'}" in texts(at)
    # The tutorial's facts: pooling never learns the blank image; flattening misses at most it.
    assert pooled[6] > 0.5
    assert all(i == 6 for i in np.flatnonzero((flat > 0.5) != (targets == 1)))


def test_the_comparison_is_trained_here_and_never_read_from_page_5():
    """No page reads another page's state: page 6 trains the pooled model itself (cached) and
    gets exactly what page 5 trains for the same setup, whatever page 5's session holds."""
    at = open_page("pages/5_cnn2d_pooled.py")
    pooled_run = trained_run(at, "s5")
    page5 = pooled_run.final.probabilities.copy()
    pooled_run.final.probabilities[:] = 0.5  # a page-6 read of page 5's run would show these
    at.switch_page(PAGE)
    at.run()
    trained_run(at, P)
    assert "the run you trained on the *CNN 2D pooled* page" not in texts(at)
    table = at.dataframe[-1].value
    np.testing.assert_allclose(table["p pooled"], np.round(page5, 4))
    np.testing.assert_allclose(table["p pooled"], np.round(probabilities(run_section(5)), 4))


def test_another_image_size_is_explained_not_raised():
    at = open_page(PAGE)
    trained_run(at, P)
    at.number_input(key=PAD + ".w").set_value(4).run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "dense layer with 8 inputs" in warning and "3x3" in warning and "3x4" in warning
    assert "resize the drawing" in texts(at)
    at.number_input(key=PAD + ".w").set_value(3).run()
    assert "P(label 1)" in [m.label for m in at.metric]


def test_share_link_round_trip():
    at = open_editor(open_page(PAGE))
    at.button(key=label_key(IMAGES, 6)).click().run()
    at.number_input(key=hp_key(P, "channels")).set_value(3).run()
    params = {k: at.query_params[k] for k in at.query_params}
    again = open_page(PAGE, query_params=params)
    assert not again.exception and not again.warning
    assert again.session_state[IMAGES + ".set"].labels[6] == 1
    assert again.number_input(key=hp_key(P, "channels")).value == 3
