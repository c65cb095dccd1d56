"""Every built-in exercise on its own page, through the real widgets: the link opens the page
at the starting setup with the task; Check fails there; the worked answer put into the page
passes; locked controls are disabled; the exercises page lists them all with the progress."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.core.exercise_list import EXERCISES, exercise_params
from app.core.exercises import Exercise
from app.core.navigation import section_path
from app.core.page_setups import page_setup
from app.widgets.training_panel import panel_key
from tests.pages.conftest import open_page, texts, visible


def check(at: AppTest, exercise: Exercise, respond: bool) -> tuple[bool, str]:
    """Press Train first on a training exercise, answer a question (with the worked answer's
    choice when ``respond``, else with none), then press Check."""
    if exercise.trains:
        prefix = page_setup(exercise.page).model_page.prefix
        at.button(key=panel_key(prefix, "train")).click().run().run()
    if exercise.options and respond:
        at.radio(key="teach.response").set_value(exercise.response).run()
    at.button(key="teach.check").click().run()
    assert not at.exception, [e.value for e in at.exception]
    if at.success:
        return True, visible(at.success[0].value)
    return False, visible(" ".join(e.value for e in at.error))


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_the_exercise_fails_at_its_start_and_its_worked_answer_passes(exercise: Exercise):
    at = open_page(section_path(exercise.page), exercise_params(exercise))
    assert not at.exception
    assert visible(exercise.title) in visible(texts(at))
    passed, message = check(at, exercise, respond=False)
    assert not passed, message
    at.button(key="teach.answer_button").click().run()
    assert "Worked answer" in texts(at)
    at.button(key="teach.apply").click().run()
    passed, message = check(at, exercise, respond=True)
    assert passed, message
    assert at.session_state["teach.progress"][exercise.id] == "done"


def test_locked_controls_are_disabled_and_hidden_ones_not_drawn():
    exercise = next(e for e in EXERCISES if e.id == "cnn1d-min-seed")
    at = open_page(section_path(exercise.page), exercise_params(exercise))
    keys = {w.key: w.disabled for kind in ("number_input", "radio", "selectbox", "slider",
                                           "select_slider") for w in at.get(kind)}  # fmt: skip
    assert keys["s3.tp.hp.seed"] is False and keys["s3.tp.hp.epochs"] is True
    assert "s3.tp.hp.learning_rate" not in keys  # hidden: the learning rate is not the point
    at.button(key="teach.leave").click().run()
    assert not at.get("number_input")[0].disabled and "s3.tp.hp.learning_rate" in {
        w.key for w in at.get("number_input")
    }


def test_the_exercises_page_lists_every_exercise_with_the_progress():
    at = open_page("pages/exercises.py")
    assert not at.exception
    assert len([b for b in at.button if b.key.startswith("ex.open.")]) == len(EXERCISES) >= 16
    assert "0 of 20 exercises done" in at.get("progress")[0].proto.text
    at.button(key=f"ex.open.{EXERCISES[0].id}").click().run()
    assert at.session_state["teach.progress"] == {EXERCISES[0].id: "tried"}


def test_a_damaged_exercise_link_gets_a_message_without_echo():
    at = open_page("pages/2_conv2d.py", {"qx": "<b>PWN</b>"})
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "damaged" in warning and "PWN" not in warning
    assert "teach.task" not in at.session_state
