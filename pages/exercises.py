"""Exercises: every built-in exercise by section, with the learner's progress (this session)."""

import streamlit as st

from app.core.exercise_list import exercises_of
from app.core.navigation import EXERCISES, SECTIONS, section_path
from app.server import reroute_deep_link
from app.widgets.exercise_board import exercise_list

reroute_deep_link()

st.title(EXERCISES.key_text)
st.markdown(
    "Each exercise opens on its page at its starting setup, with the task in a box at the top. "
    "Change what the task asks for, press **Check**: the app computes the answer with the same "
    "engine as the page. Hints come one at a time; the worked answer is behind a button. "
    "Your progress is kept in this browser tab only (nothing is stored on the server)."
)
exercise_list(
    [(spec.title, section_path(spec.url_path.replace("_", "-")),
      exercises_of(number)) for number, spec in enumerate(SECTIONS[:8], start=1)]
)  # fmt: skip
