"""Pending data-editor edits, checked where they enter, before Streamlit applies them.

A ``st.data_editor`` keeps its edits as ``{"edited_rows": {row: {column: value}},
"added_rows": [{column: value}], "deleted_rows": [row]}``, sent by the browser on every rerun.
A browser's editor keeps them sensible, but a client speaking Streamlit's protocol can send
anything: 20,000 added rows (which pandas applies one by one, in quadratic time, on every rerun
of that session), row 10^9, row -1, a column the table lacks, a megabyte of text in one cell.

:func:`check_edits` looks at such a state in O(rows x columns) of the table it is meant for,
whatever the state holds: every count is compared with the table's before anything is
iterated, and no pandas is involved. It says why the state cannot be used (in words that never
quote it), or that its only fault is adding rows past the table's limit, which
:func:`apply_edits` can then cut (the learner who clicked "+" once too often keeps the rest of
the table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["EditCheck", "TableRules", "apply_edits", "check_edits"]

LARGEST_INTEGER = 2**63
"""Integers beyond this fit no table column (pandas stores int64)."""


@dataclass(frozen=True)
class TableRules:
    """What one data editor accepts.

    Attributes
    ----------
    rows : int
        Rows the table is drawn with (before the edits).
    columns : tuple of str
        Columns an edit may name (the index column is never editable here).
    max_chars : int
        Longest text one cell may hold.
    max_rows : int or None
        Rows the table may have after its edits; None: a table of fixed size (no row may be
        added or deleted).
    """

    rows: int
    columns: tuple[str, ...]
    max_chars: int
    max_rows: int | None = None


@dataclass(frozen=True)
class EditCheck:
    """The verdict on a pending edit state.

    ``problem`` is None when the edits can be used as they are. Otherwise it says what is wrong
    and ``cut`` tells whether :func:`apply_edits` can keep them all but the rows past the limit
    (True), or the whole state must be dropped (False).
    """

    problem: str | None = None
    cut: bool = False


class _Refused(Exception):
    """One reason to drop the whole state (internal)."""


def _value(value: Any, rules: TableRules) -> None:
    if value is None or isinstance(value, bool | float):
        return
    if isinstance(value, int):
        if abs(value) >= LARGEST_INTEGER:
            raise _Refused("a number too large for any cell")
        return
    if isinstance(value, str):
        if len(value) > rules.max_chars:
            raise _Refused(
                f"a cell of {len(value):,} characters; cells hold at most {rules.max_chars:,}"
            )
        return
    raise _Refused("a cell value that is not a single number or text")


def _row(changes: Any, rules: TableRules) -> None:
    if not isinstance(changes, Mapping):
        raise _Refused("a row edit that is not a set of cells")
    if len(changes) > len(rules.columns):
        raise _Refused("more cells in a row than the table has columns")
    for column, value in changes.items():
        if column not in rules.columns:
            raise _Refused("an edit of a column the table does not have")
        _value(value, rules)


def _row_number(row: Any, rules: TableRules, what: str) -> int:
    if isinstance(row, bool) or not isinstance(row, int) or not 0 <= row < rules.rows:
        raise _Refused(f"{what} outside the table's {rules.rows} rows")
    return row


def _check(state: Any, rules: TableRules) -> EditCheck:
    if not isinstance(state, Mapping):
        raise _Refused("a table edit in an unknown form")
    edited = state.get("edited_rows") or {}
    added = state.get("added_rows") or []
    deleted = state.get("deleted_rows") or []
    if not isinstance(edited, Mapping) or not all(
        isinstance(part, list | tuple) for part in (added, deleted)
    ):
        raise _Refused("a table edit in an unknown form")
    fixed = rules.max_rows is None
    if fixed and added:
        raise _Refused(f"{len(added):,} rows added to a table of fixed size")
    if fixed and deleted:
        raise _Refused("rows deleted from a table of fixed size")
    limit = rules.rows if fixed else rules.max_rows
    if len(added) > limit:
        raise _Refused(f"{len(added):,} rows added; the table holds at most {limit}")
    if len(edited) > rules.rows:
        raise _Refused("more row edits than the table has rows")
    if len(deleted) > rules.rows:
        raise _Refused("more rows deleted than the table has")
    for row, changes in edited.items():
        _row_number(row, rules, "an edit of a row")
        _row(changes, rules)
    gone = {_row_number(row, rules, "a deleted row") for row in deleted}
    if len(gone) != len(deleted):
        raise _Refused("a row deleted twice")
    for changes in added:
        _row(changes, rules)
    total = rules.rows - len(gone) + len(added)
    if total > limit:
        extra = "1 row was" if total - limit == 1 else f"{total - limit} rows were"
        return EditCheck(f"the table holds at most {limit} rows; {extra} left out", True)
    return EditCheck()


def check_edits(state: Any, rules: TableRules) -> EditCheck:
    """Whether a data editor's pending ``state`` can be applied to a table made by ``rules``.

    Costs O(rows x columns) of that table whatever ``state`` holds (sizes are compared before
    anything is iterated). None (no pending edits) is fine.
    """
    if state is None:
        return EditCheck()
    try:
        return _check(state, rules)
    except _Refused as refused:
        return EditCheck(str(refused))


def apply_edits(
    rows: Sequence[Mapping[str, Any]], state: Mapping[str, Any], limit: int
) -> list[dict[str, Any]]:
    """``rows`` (one mapping per table row) with a checked ``state`` applied as Streamlit does
    (cells edited, rows deleted, rows added at the end), cut to ``limit`` rows.

    Only for a state :func:`check_edits` passed or marked ``cut``: its sizes are then bounded.
    """
    table = [dict(row) for row in rows]
    for row, changes in (state.get("edited_rows") or {}).items():
        table[row].update(changes)
    gone = set(state.get("deleted_rows") or [])
    table = [row for i, row in enumerate(table) if i not in gone]
    table.extend(dict(row) for row in state.get("added_rows") or [])
    return table[:limit]
