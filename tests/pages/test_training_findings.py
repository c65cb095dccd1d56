"""A training run is never left unexplained (pages 3, 4 and 6, through the real navigation).

The review's cases: every control at a value it allows, and the text pages end in NaN ("final
error nan", "P(label 1) nan", no word of why), the image pages' error bounces. The training
panel now explains each run from its own numbers (``cnndemo.diagnose``, shown by
``app.widgets.training_panel.run_findings``) and offers remedies: buttons that set the page's
controls, say what they set, and, trained, give finite numbers.
"""

from __future__ import annotations

import re

import numpy as np

from app.widgets.training_controls import hp_key
from app.widgets.training_panel import panel_key
from cnndemo.sections import run_section
from tests.pages.conftest import (
    DIVERGING,
    click_train,
    findings,
    open_page,
    set_controls,
    shown_probabilities,
    texts,
    trained_run,
)

PAGE_3 = "pages/3_cnn1d_pooled.py"
PAGE_4 = "pages/4_cnn1d_flat.py"
PAGE_6 = "pages/6_cnn2d_flat.py"


def test_page_3_a_nan_run_is_explained_and_its_first_remedy_gives_finite_numbers():
    at = click_train(set_controls(open_page(PAGE_3), "s3", DIVERGING), "s3")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["final error"] == "not a number"
    assert not re.search(r"\bnan\b", texts(at)), "a NaN is written out as 'nan'"
    (finding,) = findings(at)
    assert finding.startswith("**Training diverged.**") and "NaN or infinite" in finding
    assert "learning rate 10" in finding and "Smaller steps" in finding
    remedy = at.button(key=panel_key("s3", "remedy.0.0"))
    assert remedy.label == "learning rate 1"
    remedy.click().run()
    assert at.number_input(key=hp_key("s3", "learning_rate")).value == 1.0
    assert at.selectbox(key=hp_key("s3", "optimizer")).value == "sgd"  # the rest stays
    assert "Set learning rate = 1 in the controls above" in at.success[0].value
    assert any("earlier setup" in w.value for w in at.warning)
    click_train(at, "s3")
    run = at.session_state[panel_key("s3", "run")]
    assert np.all(np.isfinite(run.errors)) and np.all(np.isfinite(run.final.probabilities))
    assert not any("diverged" in f for f in findings(at)) and not at.success


def test_page_4_a_nan_run_is_explained_and_the_tutorials_settings_restore_its_run():
    at = click_train(set_controls(open_page(PAGE_4), "s4", DIVERGING), "s4")
    assert {m.label: m.value for m in at.metric}["final error"] == "not a number"
    (finding,) = findings(at)
    assert "Training diverged" in finding and "NaN or infinite" in finding
    at.button(key=panel_key("s4", "remedy.0.1")).click().run()
    words = at.success[0].value
    assert "learning rate = 1" in words and "activation after the conv = sigmoid" in words
    click_train(at, "s4")
    assert shown_probabilities(at, "s4") == [
        p["probability"] for p in run_section(4)["predictions"]
    ]
    assert not findings(at)


def test_page_6_a_bouncing_error_is_explained_with_smaller_steps_offered():
    bouncing = {k: v for k, v in DIVERGING.items() if k != "optimizer"}  # with momentum
    at = set_controls(open_page(PAGE_6), "s6", bouncing)
    run = trained_run(at, "s6")
    assert run.errors[-1] > 1.0 and np.all(np.isfinite(run.errors))
    (finding,) = findings(at)
    assert finding.startswith("**The error is not settling.**")
    assert "worse than answering 0.5 for everything" in finding and "overshoot" in finding
    at.button(key=panel_key("s6", "remedy.0.0")).click().run()
    assert at.number_input(key=hp_key("s6", "learning_rate")).value == 1.0
    assert not findings(click_train(at, "s6"))
