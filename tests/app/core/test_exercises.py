"""Built-in exercises: every worked answer passes its check and no starting setup does; locks,
questions and the wrong page or tab are refused with a message."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from app.core.checks import Check
from app.core.exercise_list import (
    EXERCISE_FIELD,
    EXERCISES,
    exercise_by_id,
    exercise_from_params,
    exercise_params,
    exercises_of,
)
from app.core.exercises import (
    Exercise,
    answer_state,
    check_exercise,
    locked_except,
    menu,
    starting_state,
)
from app.core.link_actions import decode_view
from app.core.page_outcomes import outcome
from app.core.page_setups import page_setup
from app.core.share import decode


def run(exercise: Exercise, state: dict, response: str | None = None):
    return check_exercise(exercise, outcome(exercise.page, exercise.tab, state), response)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_worked_answer_passes_and_start_does_not(exercise: Exercise) -> None:
    start = run(exercise, starting_state(exercise))
    assert not start.passed, start.message
    answer = run(exercise, answer_state(exercise), exercise.response)
    assert answer.passed, answer.message
    assert exercise.hints and exercise.task and exercise.explanation


def test_two_or_more_per_section_and_unique_ids() -> None:
    assert len(EXERCISES) >= 16
    per_section = Counter(exercise.section for exercise in EXERCISES)
    assert all(per_section[section] >= 2 for section in range(1, 9)), per_section
    assert len({exercise.id for exercise in EXERCISES}) == len(EXERCISES)
    assert exercises_of(2) == tuple(e for e in EXERCISES if e.page == "conv2d")
    with pytest.raises(ValueError, match="no exercise"):
        exercise_by_id("nope")


def test_a_changed_locked_field_fails_whatever_else_passes() -> None:
    exercise = exercise_by_id("conv2d-stride-3x3")
    state = answer_state(exercise) | {"k": np.ones((1, 1, 1, 1))}
    result = run(exercise, state)
    assert not result.passed
    assert "Keep these" in result.message and "Kernel W" in result.message


def test_a_question_needs_one_of_its_answers() -> None:
    exercise = exercise_by_id("cnn2d-two-layers-relu")
    state = answer_state(exercise)
    assert "Pick one" in run(exercise, state, "42").message
    wrong = run(exercise, state, exercise.options[2])
    assert not wrong.passed and "Count the images" in wrong.message


def test_the_bigram_question_is_answered_from_the_run() -> None:
    exercise = exercise_by_id("cnn1d-which-bigram")
    state = answer_state(exercise)
    assert not run(exercise, state, "i don't").passed
    assert run(exercise, state, "don't hate").passed


def test_wrong_page_tab_or_no_numbers() -> None:
    exercise = exercise_by_id("conv1d-output-4")
    state = answer_state(exercise)
    other = outcome("conv2d", None, page_setup("conv2d").defaults())
    assert "another page" in check_exercise(exercise, other).message
    vectors = outcome("conv1d", "vectors", state)
    assert "tab" in check_exercise(exercise, vectors).message
    too_big = answer_state(exercise_by_id("conv1d-dilated")) | {"d": 4}
    result = check_exercise(exercise_by_id("conv1d-dilated"), outcome("conv1d", "vectors", too_big))
    assert not result.passed and "Nothing to check yet" in result.message


def test_declarations_are_checked() -> None:
    check = menu(Check("all_right"))
    with pytest.raises(ValueError, match="no link field"):
        Exercise("x", "cnn2d-flat", None, "t", "task", {}, check, ("h",), {}, "e", locked=("s",))
    with pytest.raises(ValueError, match="worked response"):
        Exercise("x", "cnn2d-flat", None, "t", "task", {}, check, ("h",), {}, "e", options=("a",))
    assert "seed" not in locked_except("cnn2d-flat", "seed")
    assert "lr" in locked_except("cnn2d-flat", "seed")


def test_a_changed_hidden_field_fails_too() -> None:
    exercise = exercise_by_id("cnn2d-flat-seed-blank")
    assert "lr" in exercise.hidden and "lr" not in exercise.locked
    result = run(exercise, answer_state(exercise) | {"lr": 0.5})
    assert not result.passed and "learning rate" in result.message


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_an_exercise_link_opens_its_start(exercise: Exercise) -> None:
    setup = page_setup(exercise.page)
    params = exercise_params(exercise)
    assert exercise_from_params(params) == (exercise, [])
    state, errors = decode(params, setup.schema)
    assert not errors
    start = starting_state(exercise)
    assert all(np.array_equal(state[k], start[k]) for k in start)
    view, errors = decode_view(params, setup)
    assert not errors and view.tab == setup.tab(exercise.tab).word
    assert EXERCISE_FIELD not in setup.schema.names_read


def test_an_unknown_exercise_is_refused_without_echo() -> None:
    assert exercise_from_params({"s": "1"}) == (None, [])
    exercise, errors = exercise_from_params({"qx": "<b>x</b>"})
    assert exercise is None and "<b>" not in errors[0]
    assert exercise_from_params({"qx": ["a", "b"]})[0] is None
