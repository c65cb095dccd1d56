"""The training panel (app/widgets/training_panel.py) driven through a tiny AppTest script.

AppTest reruns the whole script for a click, so the panel's fragment runs inside a full run;
the panel then trains its chunks in that same run (the browser path, one fragment rerun per
chunk, is covered by the real-browser check described in the module docstring).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.core import limits
from app.core.training_jobs import TrainingRun, read_model_file
from app.widgets.training_controls import hp_key
from cnndemo import data as data_mod
from cnndemo import persist
from cnndemo.sections import run_section
from cnndemo.train import train_section


def panel_script():
    import streamlit as st

    from app.core.hyperparameters import POOL, training_controls
    from app.widgets.model_files import model_files
    from app.widgets.training_controls import hyperparameter_controls
    from app.widgets.training_panel import training_panel
    from cnndemo import data as data_mod

    controls = training_controls("t", 3, (POOL.worded("pooling"),))
    hp = hyperparameter_controls(controls)
    data = data_mod.text_data()
    run = training_panel("t", 3, data, hp)
    if run is not None:
        st.markdown(f"stale={run.stale} stopped={run.stopped} epochs={run.epochs_run}")
    model_files(controls, data)


@pytest.fixture
def at():
    app = AppTest.from_function(panel_script, default_timeout=30)
    app.run()
    assert not app.exception
    return app


def run_of(at) -> TrainingRun:
    return at.session_state["t.tp.run"]


def test_controls_open_on_the_reference_hyperparameters(at):
    assert at.number_input(key=hp_key("t", "learning_rate")).value == 1.0
    assert at.number_input(key=hp_key("t", "momentum")).value == 0.9
    assert at.number_input(key=hp_key("t", "epochs")).value == 1000
    assert at.selectbox(key=hp_key("t", "optimizer")).value == "momentum"
    assert at.radio(key=hp_key("t", "pool")).value == "max"
    assert "t.tp.run" not in at.session_state


def test_train_gives_exactly_the_engine_numbers(at):
    at.button(key="t.tp.train").click().run()
    assert not at.exception
    run = run_of(at)
    reference = run_section(3, seed=0)
    assert run.errors == reference["errors"]
    assert run.errors[0] == pytest.approx(np.log(2), abs=1e-3)
    assert run.final.probabilities.tolist() == [p["probability"] for p in reference["predictions"]]
    assert run.final.error == reference["final_error"]
    assert run.epochs_run == 1000 and not run.stopped and not run.stale
    # snapshots every 40 epochs (25 frames) plus the final state
    assert [s.epoch for s in run.snapshots][:3] == [0, 40, 80]
    assert run.snapshots[-1].epoch == 1000
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["final error"] == f"{reference['final_error']:.4f}"
    curve = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(curve["data"][0]["x"]) == 1000


def test_hyperparameter_change_marks_results_stale_and_retrain_follows_it(at):
    at.button(key="t.tp.train").click().run()
    at.radio(key=hp_key("t", "pool")).set_value("min").run()
    assert "stale=True" in at.markdown[-1].value or any(
        "stale=True" in m.value for m in at.markdown
    )
    assert any("earlier setup" in w.value for w in at.warning)
    at.number_input(key=hp_key("t", "seed")).set_value(3).run()
    at.button(key="t.tp.train").click().run()
    run = run_of(at)
    assert not run.stale
    expected = train_section(3, pool="min", seed=3)
    assert run.final.probabilities.tolist() == expected.final.probabilities.tolist()


def test_epochs_are_capped_and_a_short_run_trains_that_many(at):
    at.number_input(key=hp_key("t", "epochs")).set_value(10).run()
    at.button(key="t.tp.train").click().run()
    assert run_of(at).epochs_run == 10
    assert at.number_input(key=hp_key("t", "epochs")).max == limits.MAX_EPOCHS


def test_invalid_setup_shows_a_message_not_a_traceback(at):
    at.number_input(key=hp_key("t", "learning_rate")).set_value(0.5).run()
    at.session_state[hp_key("t", "momentum")] = 0.99
    at.selectbox(key=hp_key("t", "optimizer")).select("adam").run()
    at.button(key="t.tp.train").click().run()
    assert not at.exception
    assert run_of(at).hyperparameters["optimizer"] == "adam"


def test_download_gives_the_model_and_loading_it_back_reproduces_the_run(at):
    at.button(key="t.tp.train").click().run()
    assert at.get("download_button")
    run = run_of(at)
    content = persist.dumps(run.model)
    model, data, final = read_model_file(content, 3, data_mod.text_data())
    assert final.probabilities.tolist() == run.final.probabilities.tolist()
    assert model.hyperparameters == run.hyperparameters
    assert data.vocabulary == run.data.vocabulary


def test_a_loaded_model_sets_the_controls_within_their_declared_bounds(at):
    from cnndemo.models import build_model, default_hyperparameters

    data = data_mod.text_data()
    hp = {**default_hyperparameters(3), "learning_rate": 20.0, "seed": 10**7, "pool": "min"}
    model = build_model(3, vocabulary=data.vocabulary, input_size=data.inputs.shape[1:], **hp)
    at.get("file_uploader")[0].upload("big.json", persist.dumps(model), "application/json").run()
    assert not at.exception
    assert run_of(at).source == "loaded"
    assert at.number_input(key=hp_key("t", "learning_rate")).value == limits.MAX_LEARNING_RATE
    assert at.number_input(key=hp_key("t", "seed")).value == limits.MAX_SEED
    assert at.radio(key=hp_key("t", "pool")).value == "min"
    notes = " ".join(i.value for i in at.info)
    assert "learning rate 20 is outside 0.0001..10, set to 10" in notes
    assert "seed 1e+07 is outside 0..100000, set to 100000" in notes


def test_without_the_pages_controls_a_failed_run_names_its_remedies(at):
    for name, value in {"learning_rate": 10.0, "init_scale": 2.0}.items():
        at.number_input(key=hp_key("t", name)).set_value(value)
    at.selectbox(key=hp_key("t", "optimizer")).set_value("sgd").run()
    at.button(key="t.tp.train").click().run()
    assert not at.exception
    alerts = [w.value for w in at.warning]
    assert any(a.startswith("**The error is not settling.**") for a in alerts), alerts
    assert not [b for b in at.button if ".remedy." in (b.key or "")]
    assert any(c.value.startswith("learning rate 1 (") for c in at.caption)


def test_the_optimiser_drop_down_gets_a_column_wide_enough_for_its_longest_choice(at):
    # "gradient descent with momentum" was cut to "gradient descent with momen" in a quarter.
    weights = [column.weight for column in at.columns[:4]]
    assert weights[2] == 2 * weights[0] and weights.count(weights[0]) == 3
