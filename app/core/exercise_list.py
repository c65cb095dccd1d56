"""Every built-in exercise, in section order, and lookups by id and by section."""

from __future__ import annotations

from app.core.exercises import Exercise
from app.core.exercises_conv import CONV_EXERCISES
from app.core.exercises_models import MODEL_EXERCISES

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
