"""Two expanders under every section page's share box: "Get the code" (the page's setup as a
NumPy script and a PyTorch script, ``app.core.code_export``) and "Make an exercise from this
page" (a teacher link, ``app.core.teacher_links``).

``code_part(page, tab, state)`` and ``teacher_part(page, tab, state, base)``; ``state`` is the
page's link state (``app.core.page_setups``), ``tab`` the open tab's word.

Both expanders are lazy (``app.widgets.expanders.lazy_expander``, keyed :func:`code_key` and
:func:`teacher_key`): the scripts, the download buttons and the teacher's widgets are built and
sent only while the expander is open. While the teacher's one is closed its widgets are not
drawn, so their values are kept (``keep_state``) for when it opens again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import streamlit as st

from app.core import limits, markup
from app.core.arithmetic_outcomes import SIZE_KINDS
from app.core.checks import CHECK_LABELS, OUTPUT_CHECKS, TRAINING_CHECKS, Check
from app.core.code_export import ExportedCode, export_code
from app.core.link_actions import View, encode_view
from app.core.page_setups import OUTPUT_KINDS, PAGES
from app.core.share import ShareError
from app.core.teacher_links import TeacherExercise, encode_teacher_link
from app.widgets.copy_button import link_with_copy
from app.widgets.exact_links import TAB_KEYS, current_model_run
from app.widgets.expanders import lazy_expander
from app.widgets.kept_state import keep_state
from app.widgets.task_box import teachable_fields


@st.cache_data(max_entries=64, show_spinner=False)
def _scripts(
    page: str, tab: str, state: dict[str, Any], weights: dict[str, np.ndarray] | None
) -> ExportedCode | str:
    try:
        return export_code(page, tab, state, weights)
    except ValueError as error:
        return str(error)


def code_key(page: str) -> str:
    """The key of ``page``'s "Get the code" expander (True while open)."""
    return f"{page}.code.open"


def teacher_key(page: str) -> str:
    """The key of ``page``'s "Make an exercise from this page" expander (True while open)."""
    return f"{page}.teach.open"


_TEACHER_FIELDS = ("task", "shown", "kind", "cell", "value", "shape", "example", "loss")
"""The teacher's widgets, keyed ``<page>.teach.<field>``."""


def code_part(page: str, tab: str, state: Mapping[str, Any]) -> None:
    """ "Get the code": the NumPy script shown, both scripts to download."""
    lazy_expander("Get the code", lambda: _code(page, tab, state), key=code_key(page),
                  icon=":material/code:")  # fmt: skip


def _code(page: str, tab: str, state: Mapping[str, Any]) -> None:
    setup = PAGES[page]
    run = current_model_run(page) if setup.kind(tab) == "model" else None
    weights = None if run is None else dict(run.model.named_parameters())
    if run is not None and not np.all(np.isfinite(run.model.parameters)):
        st.info("This run diverged: its weights are not finite numbers, so there is no code "
                "for them. Change the setup (see the run's findings) and train again.")  # fmt: skip
        return
    code = _scripts(page, tab, dict(state), weights)
    if isinstance(code, str):
        st.info(f"No code for this setup: {markup.message(code)}")
        return
    trained = "the trained model's weights" if weights is not None else "training from the seed"
    st.caption(
        "A self-contained script (NumPy only) that reproduces this page's setup and prints "
        "its numbers"
        + (f", with {trained}" if setup.kind(tab) == "model" else "")
        + ". The PyTorch version does the same with torch (channels-first, converted)."
    )
    with st.container(horizontal=True):
        st.download_button("Download the NumPy script", code.numpy, code.numpy_name,
                           mime="text/x-python", icon=":material/download:",
                           key=f"{page}.code.numpy")  # fmt: skip
        st.download_button("Download the PyTorch script", code.torch, code.torch_name,
                           mime="text/x-python", icon=":material/download:",
                           key=f"{page}.code.torch")  # fmt: skip
    st.code(code.numpy, language="python", line_numbers=True)


def _check_inputs(page: str, kind: str) -> Check:
    """The chosen check's parameters, as number boxes; the check they make."""
    key = f"{page}.teach"
    if kind in ("cell_equals", "cell_at_least"):
        cell = st.text_input("output cell (indices, e.g. 1, 0)", "0, 0", key=f"{key}.cell",
                             max_chars=20)  # fmt: skip
        value = st.number_input("value", value=1.0, key=f"{key}.value", format="%g")
        return Check(kind, cell=_indices(cell), value=float(value))
    if kind == "output_shape":
        shape = st.text_input("shape (lengths, e.g. 3, 3, 1)", "3, 3", key=f"{key}.shape",
                              max_chars=20)  # fmt: skip
        return Check(kind, shape=_indices(shape))
    if kind == "example_right":
        example = st.number_input("training example #", 0, limits.MAX_IMAGES - 1, 0, step=1,
                                  key=f"{key}.example")  # fmt: skip
        return Check(kind, example=int(example))
    if kind == "loss_below":
        value = st.number_input("error below", 0.0, 10.0, 0.05, key=f"{key}.loss", format="%g")
        return Check(kind, value=float(value))
    return Check(kind)


def _indices(text: str) -> tuple[int, ...]:
    """Whole numbers separated by commas or spaces; ValueError for anything else."""
    parts = text.replace(",", " ").split()
    if not parts or len(parts) > 3 or not all(p.isdigit() and len(p) <= 4 for p in parts):
        raise ValueError("write 1 to 3 whole numbers separated by commas")
    return tuple(int(p) for p in parts)


def teacher_part(page: str, tab: str, state: Mapping[str, Any], base: str) -> None:
    """ "Make an exercise from this page": the task, the controls the learner sees, a check
    from the menu; the link that opens it."""
    key = f"{page}.teach"
    # On every run, before the widgets: while closed this keeps their values; on the run that
    # opens it again, a value set this run is also sent to the browser, which would otherwise
    # show the widget's default.
    keep_state([f"{key}.{field}" for field in _TEACHER_FIELDS])
    lazy_expander("Make an exercise from this page", lambda: _exercise(page, tab, state, base),
                  key=teacher_key(page), icon=":material/school:")  # fmt: skip


def _exercise(page: str, tab: str, state: Mapping[str, Any], base: str) -> None:
    key = f"{page}.teach"
    setup = PAGES[page]
    kind_of_tab = setup.kind(tab)
    if kind_of_tab not in (*OUTPUT_KINDS, "model"):
        st.info("No check reads this tab: open another tab to make an exercise.")
        return
    st.caption(
        "The exercise starts from this page as it is now. Write the task, choose the "
        "settings the learner may change and how the app checks the answer."
    )
    task = st.text_area("Task for the learner", key=f"{key}.task",
                        max_chars=limits.MAX_TASK_CHARS,
                        placeholder="e.g. Choose a stride so that the output is 3 x 3.")  # fmt: skip
    fields = teachable_fields(setup)
    shown = st.multiselect("Settings the learner can change", fields, default=fields,
                           format_func=setup.field_label, key=f"{key}.shown")  # fmt: skip
    kinds = OUTPUT_CHECKS if kind_of_tab in OUTPUT_KINDS else TRAINING_CHECKS
    if kind_of_tab in SIZE_KINDS:  # its output's numbers only stand for its size
        kinds = ("output_shape",)
    # Labels as the options (not a format_func): each names one check kind.
    label = st.selectbox("Check", [CHECK_LABELS[k] for k in kinds], key=f"{key}.kind")
    kind = next(k for k in kinds if CHECK_LABELS[k] == label)
    try:
        check = _check_inputs(page, kind)
        exercise = TeacherExercise(task, tab, tuple(f for f in fields if f in shown), check)
        params = encode_teacher_link(setup, state, exercise)
        if page in TAB_KEYS:
            params |= encode_view(View(tab=tab), setup)
    except (ShareError, ValueError) as error:
        st.info(f"No link yet: {markup.message(error)}.")
        return
    query = "&".join(f"{k}={v}" for k, v in params.items())
    st.markdown(f"The learner's check: {markup.text(check.describe())}.")
    link_with_copy(f"{base}?{query}", "Copy the exercise link", key="teach")
