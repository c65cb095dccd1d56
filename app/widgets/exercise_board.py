"""The exercises page's list: every built-in exercise by section, with the learner's progress
(``app.widgets.task_box.progress``: this session only) and a button that opens it."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app.core import markup
from app.core.exercises import Exercise
from app.widgets.task_box import progress, start_exercise

OPENING = "teach.opening"
MARKS = {"done": ":material/check_circle: done", "tried": ":material/pending: started"}


def _open(exercise_id: str, path: str) -> None:
    """Open button callback: the exercise starts afresh; the page run then switches to it."""
    st.session_state[OPENING] = (path, start_exercise(exercise_id))


def exercise_list(sections: Sequence[tuple[str, str, Sequence[Exercise]]]) -> None:
    """``sections``: (title, page file, exercises) per section, in order."""
    opening = st.session_state.pop(OPENING, None)
    if opening is not None:
        st.switch_page(opening[0], query_params=opening[1])
    done = progress()
    total = sum(len(exercises) for _, _, exercises in sections)
    finished = sum(1 for _, _, exercises in sections for e in exercises
                   if done.get(e.id) == "done")  # fmt: skip
    st.progress(finished / max(total, 1), text=f"{finished} of {total} exercises done")
    for title, path, exercises in sections:
        st.subheader(title)
        for exercise in exercises:
            _row(exercise, path, done.get(exercise.id))


def _row(exercise: Exercise, path: str, status: str | None) -> None:
    with st.container(border=True):
        left, right = st.columns([5, 1], vertical_alignment="center")
        with left:
            mark = MARKS.get(status, ":material/radio_button_unchecked: not started")
            st.markdown(f"**{markup.text(exercise.title)}** · {mark}")
            st.caption(markup.text(exercise.task, 400))
        with right:
            st.button("Open", key=f"ex.open.{exercise.id}", icon=":material/arrow_forward:",
                      width="stretch", on_click=_open, args=(exercise.id, path))  # fmt: skip
