"""The exercise box at the top of a page: a built-in exercise (``qx=<id>``) or a teacher's
(``qt``, ``qb``, ``qs``, ``qk``, ``qa``: ``app.core.teacher_links``), its check, hints and answer.

- ``open_task(page)``: at the top of the page, before any widget (``share_box.link_warning``
  calls it): once per session reads the link's exercise (a tampered one gets a message, its
  text never echoed), then on every run locks and hides the exercise's controls
  (``app.widgets.locks``) and opens the box (a container the bottom of the page fills);
- ``fill_task(page, state, tab)``: at the bottom (``share_box.share_link``), where the page's
  setup is known: the task, the Check button and its verdict (computed by the engine,
  ``app.core.exercises`` / ``app.core.checks``), the hints one at a time and the worked answer.
- ``start_exercise(exercise_id)``: a button callback (the exercises page) that makes the page
  read the exercise's link afresh; then ``st.switch_page``.

The learner's progress is kept in session state only (``progress()``): nothing on the server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import streamlit as st

from app.core import markup
from app.core.checks import CheckResult
from app.core.exercise_list import (
    EXERCISE_FIELD,
    exercise_by_id,
    exercise_from_params,
    exercise_params,
)
from app.core.exercises import Exercise, check_exercise, same_value
from app.core.hyperparameters import hp_key
from app.core.page_outcomes import Outcome, outcome
from app.core.page_setups import PAGES, PageSetup
from app.core.teacher_links import TEACHER_FIELDS, TeacherLink, decode_teacher_link
from app.widgets.exact_links import current_model_run, query_params
from app.widgets.locks import clear_locks, set_locks

TASK, PROGRESS, BOX = "teach.task", "teach.progress", "teach.box"
VIEW_ONLY = frozenset({"tab", "at", "at0", "at1", "ao", "pad"})


def progress() -> dict[str, str]:
    """Exercise id -> "done" or "tried", for this session only."""
    return st.session_state.setdefault(PROGRESS, {})


def _reread(page: str) -> None:
    """Make the page read its link again on its next run (setup, view, exercise)."""
    state = st.session_state
    for name in ("link_checked", "view_checked", "task_checked"):
        state.pop(f"{page}.{name}", None)
    for key in [k for k in state if isinstance(k, str) and k.endswith(".link_checked")]:
        del state[key]  # the views' controls (gradients, receptive field) too


def start_exercise(exercise_id: str) -> dict[str, str]:
    """Open a built-in exercise afresh at its starting setup: its page will read the link
    again; returns the link's query parameters (for ``st.switch_page``)."""
    exercise = exercise_by_id(exercise_id)
    _reread(exercise.page)
    _forget_answers()
    progress().setdefault(exercise.id, "tried")
    st.session_state[TASK] = ("exercise", exercise.page, exercise.id)
    return exercise_params(exercise)


def _forget_answers() -> None:
    for key in ("teach.hints", "teach.answer", "teach.result", "teach.response"):
        st.session_state.pop(key, None)


def _leave() -> None:
    st.session_state.pop(TASK, None)
    _forget_answers()
    clear_locks()
    for name in (*TEACHER_FIELDS, EXERCISE_FIELD):
        st.query_params.pop(name, None)


def open_task(page: str) -> None:
    """Read the link's exercise once; lock its controls and open its box (see above)."""
    state = st.session_state
    setup = PAGES.get(page)
    if setup is None:
        return
    flag = f"{page}.task_checked"
    if not state.get(flag):
        state[flag] = True
        _read_link(page, setup)
    errors = state.pop(f"{page}.task_errors", None)
    if errors:
        # The messages may quote the link's text: only the names of the fields at fault.
        known = {*TEACHER_FIELDS, EXERCISE_FIELD, *setup.fields}
        named = sorted({n for e in errors for n in re.findall(r"'(\w{1,8})'", e) if n in known})
        st.warning(
            "This exercise link is damaged or was changed by hand, so no exercise opens; the "
            "page shows the setup as far as it could be read."
            + (f" Fields at fault: {', '.join(named)}." if named else "")
        )
    task = state.get(TASK)
    if task is None or task[1] != page:
        state.pop(BOX, None)
        return
    shown = _shown_fields(setup, task)
    locked = _locked_fields(setup, task)
    set_locks(_keys(setup, locked), _keys(setup, [f for f in setup.fields if f not in shown]))
    state[BOX] = st.container(border=True)


def _read_link(page: str, setup: PageSetup) -> None:
    params = query_params()
    exercise, errors = exercise_from_params(params)
    link, teacher_errors = decode_teacher_link(params, setup)
    errors += teacher_errors
    if errors:
        st.session_state[f"{page}.task_errors"] = errors
    elif exercise is not None and exercise.page == page:
        _forget_answers()
        progress().setdefault(exercise.id, "tried")
        st.session_state[TASK] = ("exercise", page, exercise.id)
    elif link is not None:
        _forget_answers()
        st.session_state[TASK] = ("teacher", page, link)


def _keys(setup: PageSetup, fields: Any) -> list[str]:
    """The widget keys of the page's link fields ``fields`` (controls and tables)."""
    wanted = set(fields)
    model = setup.model_page
    keys = [
        # The training pages declare their hyper-parameters unbound (their bare names).
        hp_key(model.prefix, control.key) if model and "." not in control.key else control.key
        for control in setup.controls if control.field in wanted
    ]  # fmt: skip
    for spec in setup.controls.tensors:
        if spec.field in wanted:  # the table and the sizes that shape it
            keys += [spec.name, *(key for key in spec.size_keys if key is not None)]
    return keys


def teachable_fields(setup: PageSetup) -> tuple[str, ...]:
    """The link fields a teacher may show or hide: the setup, not where the learner looks
    (open tab, selected cell, the Gradients tab's view, the drawing pad)."""
    return tuple(
        name for name in setup.fields
        if name not in VIEW_ONLY and not (setup.section <= 2 and name.startswith("g"))
    )  # fmt: skip


def _shown_fields(setup: PageSetup, task: tuple) -> set[str]:
    if task[0] == "teacher":
        hidden = set(teachable_fields(setup)) - set(task[2].exercise.shown)
        return set(setup.fields) - hidden
    return set(setup.fields) - set(exercise_by_id(task[2]).hidden)


def _locked_fields(setup: PageSetup, task: tuple) -> tuple[str, ...]:
    return () if task[0] == "teacher" else exercise_by_id(task[2]).locked


def fill_task(page: str, state: Mapping[str, Any], tab: str) -> None:
    """The open exercise's box (drawn into the container ``open_task`` made)."""
    task = st.session_state.get(TASK)
    box = st.session_state.get(BOX)
    if task is None or task[1] != page or box is None:
        return
    with box:
        if task[0] == "exercise":
            _exercise_box(exercise_by_id(task[2]), state, tab)
        else:
            _teacher_box(PAGES[page], task[2], state, tab)
        st.button("Leave the exercise", key="teach.leave", on_click=_leave,
                  icon=":material/close:")  # fmt: skip


def _outcome(page: str, tab: str, state: Mapping[str, Any], trains: bool) -> Outcome:
    if trains:
        run = current_model_run(page)
        return Outcome(page, tab, dict(state), run=run)
    return outcome(page, tab, state)


def _verdict(result: CheckResult) -> None:
    alert = st.success if result.passed else st.error
    alert(markup.text(result.message, 400), icon=":material/check:" if result.passed else None)


def _check_button(run_check) -> None:
    """The Check button; the verdict is computed here, where the page's setup is known (the
    click only asks for it, so a rerun of the page in between does not lose it)."""
    st.button("Check", key="teach.check", type="primary", icon=":material/task_alt:",
              on_click=st.session_state.__setitem__, args=("teach.check_asked", True))  # fmt: skip
    if st.session_state.pop("teach.check_asked", False):
        st.session_state["teach.result"] = run_check()
    result = st.session_state.get("teach.result")
    if result is not None:
        _verdict(result)


def _exercise_box(exercise: Exercise, state: Mapping[str, Any], tab: str) -> None:
    setup = PAGES[exercise.page]
    st.markdown(f"**Exercise: {markup.text(exercise.title)}**")
    st.markdown(markup.text(exercise.task, 1000))
    if exercise.locked or exercise.hidden:
        kept = ", ".join(setup.field_label(f) for f in exercise.locked if f not in exercise.hidden)
        st.caption(
            (f"Locked for this exercise: {markup.text(kept, 400)}. " if kept else "")
            + (
                "Some settings are hidden: they stay as the exercise set them."
                if exercise.hidden
                else ""
            )
        )
    response = None
    if exercise.options:
        response = st.radio("Your answer", exercise.options, key="teach.response", index=None,
                            horizontal=True)  # fmt: skip

    def run_check() -> CheckResult:
        result = check_exercise(
            exercise, _outcome(exercise.page, tab, state, exercise.trains), response
        )
        if result.passed:
            progress()[exercise.id] = "done"
        return result

    _check_button(run_check)
    shown = st.session_state.get("teach.hints", 0)
    for hint in exercise.hints[:shown]:
        st.info(markup.text(hint, 400), icon=":material/lightbulb:")
    with st.container(horizontal=True):
        if shown < len(exercise.hints):
            st.button("Show a hint", key="teach.hint", on_click=st.session_state.__setitem__,
                      args=("teach.hints", shown + 1))  # fmt: skip
        st.button("Show the worked answer", key="teach.answer_button",
                  on_click=st.session_state.__setitem__, args=("teach.answer", True))  # fmt: skip
    if st.session_state.get("teach.answer"):
        words = _answer_words(exercise)
        st.markdown(f"**Worked answer.** {words}{markup.text(exercise.explanation, 1000)}")
        st.button("Put the answer into the page", key="teach.apply", on_click=_apply_answer,
                  args=(exercise.id,))  # fmt: skip


def _answer_words(exercise: Exercise) -> str:
    setup = PAGES[exercise.page]
    parts = [f"{setup.field_label(name)}: {markup.text(_value_words(value), 80)}"
             for name, value in exercise.answer.items()]  # fmt: skip
    if exercise.response is not None:
        parts.append(f"the answer {markup.code(exercise.response)}")
    if exercise.trains:
        parts.append("then press Train")
    return ("Set " + "; ".join(parts) + ". ") if parts else ""


def _value_words(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"the table {value.tolist()}" if value.size <= 12 else f"a table of shape {shape}"
    return str(value)


def _apply_answer(exercise_id: str) -> None:
    """Button callback: the page reopens at the worked answer's setup (the exercise stays)."""
    exercise = exercise_by_id(exercise_id)
    _reread(exercise.page)
    st.query_params.from_dict(exercise_params(exercise, answer=True))
    st.session_state["teach.result"] = None


def _teacher_box(setup: PageSetup, link: TeacherLink, state: Mapping[str, Any], tab: str) -> None:
    exercise = link.exercise
    st.markdown("**Exercise from your teacher**")
    st.markdown(markup.text(exercise.task, 1000))
    tab_label = setup.tab(exercise.tab).label
    where = f" on the tab {markup.text(tab_label)}" if tab_label else ""
    st.caption(f"Check{where}: {markup.text(exercise.check.describe())}.")
    changed = [
        setup.field_label(name) for name in teachable_fields(setup)
        if name not in exercise.shown and not same_value(state.get(name), link.state.get(name))
    ]  # fmt: skip

    def run_check() -> CheckResult:
        if changed:
            return CheckResult(False, "Keep these as the link set them: " + "; ".join(changed))
        trains = setup.kind(exercise.tab) == "model"
        return exercise.evaluate(_outcome(setup.page, tab, state, trains))

    _check_button(run_check)
