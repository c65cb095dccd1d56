"""Every built-in exercise, in section order, lookups by id and by section, and the link that
opens one: its page's link at the starting setup, the tab (``otab``, ``app.core.link_actions``)
and ``qx=<id>``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.exercises import Exercise, answer_state, starting_state
from app.core.exercises_conv import CONV_EXERCISES
from app.core.exercises_models import MODEL_EXERCISES
from app.core.link_actions import View, encode_view
from app.core.page_setups import page_setup
from app.core.share import encode

EXERCISES: tuple[Exercise, ...] = tuple(
    sorted(CONV_EXERCISES + MODEL_EXERCISES, key=lambda exercise: exercise.section)
)
"""Sections 1-8, at least two each; ids are unique."""

_BY_ID = {exercise.id: exercise for exercise in EXERCISES}
if len(_BY_ID) != len(EXERCISES):
    raise ValueError("two built-in exercises share an id")


def exercise_by_id(exercise_id: str) -> Exercise:
    """The built-in exercise ``exercise_id``; ValueError for an unknown id."""
    if exercise_id not in _BY_ID:
        raise ValueError(f"there is no exercise {exercise_id!r}")
    return _BY_ID[exercise_id]


def exercises_of(section: int) -> tuple[Exercise, ...]:
    """The built-in exercises of a section, in their order."""
    return tuple(exercise for exercise in EXERCISES if exercise.section == section)


EXERCISE_FIELD = "qx"
"""The link field naming a built-in exercise."""


def exercise_params(exercise: Exercise, answer: bool = False) -> dict[str, str]:
    """The query parameters that open ``exercise`` on its page, at its starting setup (or at
    its worked answer's), on its tab (``otab``; pages 1 and 2 read their own tab field)."""
    setup = page_setup(exercise.page)
    state = answer_state(exercise) if answer else starting_state(exercise)
    view = View(tab=setup.tab(exercise.tab).word)
    params = encode(state, setup.schema) | encode_view(view, setup)
    return params | {EXERCISE_FIELD: exercise.id}


def exercise_from_params(params: Mapping[str, Any]) -> tuple[Exercise | None, list[str]]:
    """The exercise a link names: ``(exercise, [])``, ``(None, [])`` without ``qx``, or
    ``(None, [message])`` for an id that is not a built-in exercise (never echoed back)."""
    value = params.get(EXERCISE_FIELD)
    if value is None:
        return None, []
    if not isinstance(value, str) or value not in _BY_ID:
        return None, ["the link names an exercise that does not exist"]
    return _BY_ID[value], []
