"""app.widgets.run_controls through a tiny AppTest page: Continue, Step, the look-back slider."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.widgets.training_controls import hp_key
from cnndemo import data as data_mod
from cnndemo import persist
from cnndemo.train import train, train_section
from tests.app.widgets.test_training_panel import panel_script


@pytest.fixture
def at():
    app = AppTest.from_function(panel_script, default_timeout=30)
    app.run()
    return app


def test_continue_and_step_wait_for_a_run_and_a_current_setup(at):
    assert at.button(key="t.tp.continue").disabled and at.button(key="t.tp.step1").disabled
    at.button(key="t.tp.train").click().run()
    at.run()  # the browser reruns the page once the training ends (AppTest trains in one run)
    assert not at.button(key="t.tp.continue").disabled
    at.number_input(key=hp_key("t", "seed")).set_value(1).run()
    assert at.button(key="t.tp.continue").disabled  # the run belongs to seed 0
    assert at.button(key="t.tp.rewind").disabled


def test_step_n_follows_the_step_size_box(at):
    at.number_input(key=hp_key("t", "epochs")).set_value(50).run()
    at.button(key="t.tp.train").click().run()
    at.number_input(key="t.tp.step_size").set_value(7).run()
    assert at.button(key="t.tp.stepn").label == "Step 7"
    at.button(key="t.tp.stepn").click().run()
    run = at.session_state["t.tp.run"]
    assert run.epochs_run == 57
    assert run.errors == train_section(3, epochs=57).errors
    assert any("epochs=57" in m.value for m in at.markdown)  # the run the page is given


def test_a_loaded_model_continues_from_its_own_weights(at):
    trained = train_section(3, epochs=200).model
    at.get("file_uploader")[0].upload("m.json", persist.dumps(trained), "application/json").run()
    assert at.session_state["t.tp.run"].source == "loaded"
    assert at.number_input(key=hp_key("t", "epochs")).value == 200  # the file's own setting
    at.button(key="t.tp.continue").click().run()
    assert not at.exception
    run = at.session_state["t.tp.run"]
    assert run.epochs_run == 200 and run.start_label == "loaded m.json"
    assert run.start.tolist() == trained.parameters.tolist()
    expected = train(persist.loads(persist.dumps(trained)), data_mod.text_data(), epochs=200)
    assert run.errors == expected.errors
