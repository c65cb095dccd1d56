"""Exact share links, through the real pages: a link made after each kind of interaction (tab,
selection, train, continue, step, rewind, hand-typed weights) reopens the page with the same
numbers and selection; old links still open; a damaged view is refused with a message."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

from app.core.hyperparameters import hp_key
from app.widgets.training_panel import panel_key
from app.widgets.weight_design import design_table_key
from tests.pages.conftest import after_training, open_page, texts

P3, PATH3 = "s3", "pages/3_cnn1d_pooled.py"


def link_of(at: AppTest) -> dict[str, str]:
    """The query the page wrote (what its share box shows)."""
    params = {key: at.query_params[key] for key in at.query_params}
    return {k: v[0] if isinstance(v, list) else v for k, v in params.items()}


def reopen(path: str, at: AppTest) -> AppTest:
    """A new session opening the link ``at``'s page shows (trains it as a click would)."""
    again = open_page(path, link_of(at))
    assert not again.exception, [e.value for e in again.exception]
    return again.run()  # the browser's full rerun after a training ends


def run_of(at: AppTest, prefix: str):
    return at.session_state[panel_key(prefix, "run")]


def same_run(a: AppTest, b: AppTest, prefix: str) -> None:
    first, second = run_of(a, prefix), run_of(b, prefix)
    assert np.array_equal(first.model.parameters, second.model.parameters)
    assert np.array_equal(first.final.probabilities, second.final.probabilities)
    assert first.epochs_run == second.epochs_run


def test_a_link_after_train_reopens_the_trained_model():
    at = after_training(open_page(PATH3), P3)
    assert link_of(at)["orun"] == f"t{run_of(at, P3).epochs_run}"
    again = reopen(PATH3, at)
    same_run(at, again, P3)
    assert "trained model" in texts(again)


def test_a_link_after_continue_step_and_rewind_reopens_the_same_numbers():
    at = after_training(open_page(PATH3), P3)
    at.button(key=panel_key(P3, "continue")).click().run().run()
    at.button(key=panel_key(P3, "step1")).click().run().run()
    epochs = run_of(at, P3).hyperparameters["epochs"]
    assert link_of(at)["orun"] == f"t{epochs}.c{epochs}.s1"
    again = reopen(PATH3, at)
    same_run(at, again, P3)
    assert link_of(again)["orun"] == link_of(at)["orun"]  # the reopened page links the same
    run = run_of(at, P3)
    back = run.snapshots[3].epoch
    at.select_slider(key=panel_key(P3, "look")).set_value(back).run()
    at.button(key=panel_key(P3, "rewind")).click().run()
    assert link_of(at)["orun"] == f"t{epochs}.c{epochs}.s1.r{back}"
    same_run(at, reopen(PATH3, at), P3)


def test_the_epoch_shown_and_the_example_chosen_come_back():
    at = after_training(open_page(PATH3), P3)
    shot = run_of(at, P3).snapshots[5]
    at.select_slider(key=panel_key(P3, "look")).set_value(shot.epoch).run()
    at.selectbox(key=f"{P3}.learned.example").select_index(2).run()
    link = link_of(at)
    assert link["oep"] == str(shot.epoch) and link["oex"] == "2"
    again = reopen(PATH3, at)
    assert again.select_slider(key=panel_key(P3, "look")).value == shot.epoch
    assert again.selectbox(key=f"{P3}.learned.example").index == 2


def test_hand_typed_weights_come_back_and_train_from_there():
    at = open_page(PATH3)
    at.session_state[f"{P3}.design.open"] = True
    at.run()
    version = at.session_state[f"{P3}.design.version"]
    at.session_state[design_table_key(P3, version, "dense.bias")] = {
        "edited_rows": {0: {"bias": 0.5}}, "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    at.run()
    at.button(key=f"{P3}.design.train").click().run().run()
    run = run_of(at, P3)
    assert run.start_label == "your weights"
    link = link_of(at)
    assert "ow" in link and link["orun"] == f"t{run.epochs_run}"
    again = reopen(PATH3, at)
    same_run(at, again, P3)
    assert np.array_equal(run_of(again, P3).start, run.start)


def test_a_tab_and_selected_cell_come_back_on_page_1():
    path = "pages/1_conv1d.py"
    at = open_page(path)
    at.slider(key="c1d.pos.0").set_value(1).run()
    at.radio(key="c1d.oc").set_value(1).run()
    link = link_of(at)
    assert link["at"] == "1" and link["ao"] == "1"
    again = open_page(path, link)
    assert again.slider(key="c1d.pos.0").value == 1 and again.radio(key="c1d.oc").value == 1
    assert "y[1, 1]" in texts(again)


def test_the_open_tab_comes_back_on_page_8():
    path = "pages/8_cnn2d_downsampled.py"
    at = open_page(path, {"otab": "model"})
    assert not at.exception
    assert at.session_state["p8.tab"] == "Train the down-sampled CNN"
    assert link_of(at)["otab"] == "model"


def test_old_links_open_and_damaged_views_are_refused():
    # A link written before exact links: the setup's fields only.
    old = link_of(open_page(PATH3)) | {"seed": "3"}
    assert not {"orun", "ow", "oep", "oex", "otab"} & set(old)
    at = open_page(PATH3, old)
    assert not at.exception and not at.warning
    assert at.number_input(key=hp_key(P3, "seed")).value == 3
    bad = open_page(PATH3, {"orun": "c300<b>PWN"})
    assert not bad.exception
    warning = " ".join(w.value for w in bad.warning)
    assert "could not be used" in warning and "PWN" not in warning
    assert run_of_or_none(bad) is None


def run_of_or_none(at: AppTest):
    return (
        at.session_state[panel_key(P3, "run")] if panel_key(P3, "run") in at.session_state else None
    )
