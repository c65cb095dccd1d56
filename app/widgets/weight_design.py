"""Design, then train: type every weight by hand, see the error and each answer at once, then
train from those weights (pages 3-8).

``design_part(prefix, section, data, hp)`` draws an expander that runs only while open (a table
per parameter is a dozen editors). Its state, under ``{prefix}.design.``: ``weights`` (the flat
vector the tables show), ``version`` (part of every table's key, bumped by a preset),
``shapes`` (the architecture it belongs to: another one starts afresh), ``open``,
``preset``; the tables are ``design_table_key(prefix, version, name)``. The bookkeeping is
``app.core.weight_design``; "Train from these weights" starts a run from them
(``app.core.run_actions.new_job``), which the training panel then trains.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app.core import limits
from app.core.numbers import fixed
from app.core.run_actions import new_job
from app.core.table_edits import TableRules
from app.core.tensor_tables import check_frame, summarize_errors
from app.core.training_jobs import Data, build_for_data, fingerprint
from app.core.verdicts import MARKS, verdicts
from app.core.weight_design import (
    PRESETS,
    evaluate,
    flat_from_tables,
    parameter_tables,
    preset_weights,
)
from app.widgets.edit_guard import guard_edits
from app.widgets.expanders import lazy_expander
from app.widgets.number_tables import number_table
from app.widgets.training_panel import panel_key

__all__ = ["design_keys", "design_part", "design_table_key"]


def design_table_key(prefix: str, version: int, name: str) -> str:
    """Widget key of the table of parameter ``name`` (e.g. "dense.bias") at ``version``."""
    return f"{prefix}.design.v{version}.{name}"


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.design.{name}"


def design_keys(prefix: str) -> tuple[str, str]:
    """Keys of the expander and preset picker, for a page's keep-list."""
    return _key(prefix, "open"), _key(prefix, "preset")


def _fill(prefix: str, section: int, data: Data, hp: dict[str, Any]) -> None:
    """Fill button callback: the chosen preset's weights into the tables."""
    state = st.session_state
    name = state.get(_key(prefix, "preset"), "trained")
    state[_key(prefix, "weights")] = preset_weights(name, section, data, hp)
    state[_key(prefix, "version")] = state.get(_key(prefix, "version"), 0) + 1


def _train_from(prefix: str, section: int, data: Data, hp: dict[str, Any]) -> None:
    """Button callback: a run from the weights in the tables (the panel trains it)."""
    state = st.session_state
    if state.get(panel_key(prefix, "job")) is not None:
        return
    watch = bool(state.get(panel_key(prefix, "watch"), False))
    state[panel_key(prefix, "job")] = new_job(
        section, data, hp, fingerprint(section, data, hp), watch,
        start=state[_key(prefix, "weights")], start_label="your weights",
    )  # fmt: skip


def _guard(prefix: str, tables: list) -> int:
    """Drop hand-made edits a weight table cannot take (``app.widgets.edit_guard``); returns
    the version to draw the tables at (bumped after a refusal, so the browser drops them too)."""
    state = st.session_state
    version = state[_key(prefix, "version")]
    for table in tables:
        rules = TableRules(len(table.rows), tuple(table.columns), limits.MAX_NUMBER_CHARS)
        check = guard_edits(design_table_key(prefix, version, table.name), rules)
        if check.problem is not None:
            state[_key(prefix, "version")] = version + 1
            st.warning(f"An edit of **{table.title}** was refused: {check.problem}.")
            return version + 1
    return version


def _tables(prefix: str, tables: list) -> tuple[list[np.ndarray], list[str]]:
    """One editor per parameter, two per row; the edited matrices and any cell problems."""
    version = _guard(prefix, tables)
    matrices, errors = [], []
    for start in range(0, len(tables), 2):
        for column, table in zip(st.columns(2), tables[start : start + 2], strict=False):
            with column:
                st.caption(f"**{table.title}** `{table.shape}`")
                frame = pd.DataFrame(table.values, index=list(table.rows),
                                     columns=list(table.columns))  # fmt: skip
                edited = st.data_editor(
                    frame, key=design_table_key(prefix, version, table.name), num_rows="fixed",
                    column_config={c: st.column_config.NumberColumn(c, format="%.4g")
                                   for c in table.columns},
                )  # fmt: skip
                matrix, problems = check_frame(edited, f"{table.title}, ")
                matrices.append(matrix)
                errors += problems
    return matrices, errors


def _verdict(prefix: str, data: Data, shot: Any) -> None:
    """The error and every answer of the typed weights."""
    marks = verdicts(shot.probabilities, data.targets)
    right = int(np.sum(marks == "right"))
    cols = st.columns(2)
    cols[0].metric("error of these weights", fixed(shot.error),
                   help="Mean cross-entropy on the data above, before any training")  # fmt: skip
    cols[1].metric("right side of 0.5", f"{right} of {len(marks)}")
    number_table(
        pd.DataFrame({
            "example": list(data.names), "target": data.targets.astype(int),
            "P(label 1)": np.round(shot.probabilities, 4), "right?": [MARKS[m] for m in marks],
        }),
        hide_index=True, key=_key(prefix, "answers"),
    )  # fmt: skip


def _designer(prefix: str, section: int, data: Data | None, hp: dict[str, Any]) -> None:
    state = st.session_state
    if data is None:
        st.info("Fix the data above first: the weights are judged on it.")
        return
    try:
        model = build_for_data(section, data, hp)
    except ValueError as error:
        st.info(f"This setup cannot be built, so there are no weights to type: {error}")
        return
    shapes = [tuple(v.shape) for v in model.named_parameters().values()]
    if state.get(_key(prefix, "shapes")) != (shapes, model.vocabulary):
        # A new architecture (or vocabulary): start from the seed's first weights.
        state[_key(prefix, "shapes")] = (shapes, model.vocabulary)
        state[_key(prefix, "weights")] = model.parameters.copy()
        state[_key(prefix, "version")] = state.get(_key(prefix, "version"), 0) + 1
    weights = state[_key(prefix, "weights")]
    st.markdown(
        "Type any weight below: the error and every answer update at once. Then press "
        "**Train from these weights** and watch training carry on from your design. Every "
        "number is the model's own: look at the ledger above for what each layer does."
    )
    with st.container(horizontal=True, vertical_alignment="bottom"):
        state.setdefault(_key(prefix, "preset"), "trained")
        st.selectbox("Fill the tables with", list(PRESETS), format_func=PRESETS.get,
                     key=_key(prefix, "preset"), width=300)  # fmt: skip
        st.button("Fill", key=_key(prefix, "fill"), on_click=_fill,
                  args=(prefix, section, data, hp),
                  help="Replace every table with the chosen weights")  # fmt: skip
    shot = evaluate(section, data, hp, weights)
    model.set_parameters(weights)
    tables = parameter_tables(model, shot.feature_maps[-1].shape)
    matrices, errors = _tables(prefix, tables)
    if errors:
        st.error("Some cells need fixing; until then the last valid weights are judged.\n\n"
                 + summarize_errors(errors))  # fmt: skip
    else:
        edited = flat_from_tables(tables, matrices)
        if not np.array_equal(edited, weights):
            state[_key(prefix, "weights")] = weights = edited
            shot = evaluate(section, data, hp, weights)
    _verdict(prefix, data, shot)
    busy = state.get(panel_key(prefix, "job")) is not None
    st.button(
        f"Train from these weights ({int(hp['epochs'])} epochs)", key=_key(prefix, "train"),
        type="primary", icon=":material/play_arrow:", disabled=busy or bool(errors),
        on_click=_train_from, args=(prefix, section, data, hp),
        help="Train with the hyper-parameters above, starting from the weights in the tables",
    )  # fmt: skip


def design_part(prefix: str, section: int, data: Data | None, hp: dict[str, Any]) -> None:
    """The "design the weights" expander (its tables only run while it is open)."""
    lazy_expander("Design the weights yourself, then train from them",
                  lambda: _designer(prefix, section, data, dict(hp)), key=_key(prefix, "open"),
                  icon=":material/edit:")  # fmt: skip
