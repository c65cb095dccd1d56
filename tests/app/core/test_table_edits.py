"""app.core.table_edits: hand-made data-editor states are judged in O(table size), no pandas."""

from __future__ import annotations

import pytest

from app.core.table_edits import EditCheck, TableRules, apply_edits, check_edits

FIXED = TableRules(4, ("ch 0", "ch 1"), 24)
DYNAMIC = TableRules(4, ("sentence", "label"), 210, max_rows=16)


def state(edited=None, added=None, deleted=None) -> dict:
    return {"edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": deleted or []}


class Measured:
    """A huge list or mapping that may be measured but never walked through."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0

    def __iter__(self):
        raise AssertionError("the check walked through what it only needed to measure")

    items = __iter__


class Untouchable(Measured, list):
    pass


class UntouchableRows(Measured, dict):
    pass


def test_ordinary_edits_pass():
    assert check_edits(None, FIXED) == EditCheck()
    assert (
        check_edits(state({0: {"ch 0": 1.5}, 3: {"ch 1": None, "ch 0": "2"}}), FIXED).problem
        is None
    )
    ok = state({1: {"label": 0}}, [{"sentence": "a b", "label": 1}, {}], [0, 2])
    assert check_edits(ok, DYNAMIC).problem is None


@pytest.mark.parametrize(
    ("edit", "rules", "message"),
    [
        (state(added=[{"ch 0": 1.0}]), FIXED, "1 rows added to a table of fixed size"),
        (state(deleted=[0]), FIXED, "rows deleted from a table of fixed size"),
        (state({10**9: {"ch 0": 1.0}}), FIXED, "an edit of a row outside the table's 4 rows"),
        (state({-1: {"ch 0": 1.0}}), FIXED, "outside the table"),
        (state({"0": {"ch 0": 1.0}}), FIXED, "outside the table"),
        (state(deleted=[-1]), DYNAMIC, "a deleted row outside the table's 4 rows"),
        (state(deleted=[10**9]), DYNAMIC, "a deleted row outside"),
        (state(deleted=[1, 1]), DYNAMIC, "a row deleted twice"),
        (state({0: {"zzz": 1.0}}), FIXED, "a column the table does not have"),
        (state({0: {"_index": 1.0}}), FIXED, "a column the table does not have"),
        (state(added=[{"zzz": 1}]), DYNAMIC, "a column the table does not have"),
        (
            state({0: {"ch 0": "x" * 2**20}}),
            FIXED,
            "a cell of 1,048,576 characters; cells hold at most 24",
        ),
        (state({0: {"ch 0": [1, 2]}}), FIXED, "not a single number or text"),
        (state({0: {"ch 0": 10**400}}), FIXED, "a number too large"),
        (state({0: "x"}), FIXED, "a row edit that is not a set of cells"),
        ("junk", FIXED, "unknown form"),
        ({"edited_rows": [1], "added_rows": [], "deleted_rows": []}, FIXED, "unknown form"),
    ],
)
def test_hostile_states_are_refused_with_a_reason_that_quotes_nothing(edit, rules, message):
    check = check_edits(edit, rules)
    assert check.problem is not None and message in check.problem
    assert not check.cut
    assert "zzz" not in check.problem and "xxx" not in check.problem


def test_huge_states_are_measured_never_walked():
    for edit, rules in [
        (state(added=Untouchable(20_000)), FIXED),
        (state(added=Untouchable(20_000)), DYNAMIC),
        (state(deleted=Untouchable(10**6)), DYNAMIC),
        (state(edited=UntouchableRows(10**6)), FIXED),
    ]:
        assert check_edits(edit, rules).problem
    assert (
        "20,000 rows added; the table holds at most 16"
        in check_edits(state(added=Untouchable(20_000)), DYNAMIC).problem
    )


def test_rows_past_the_limit_are_cut_and_the_rest_kept():
    rows = [{"sentence": f"s{i}", "label": i % 2} for i in range(4)]
    edit = state({0: {"sentence": "new"}}, [{"sentence": f"a{i}"} for i in range(14)], [1])
    check = check_edits(edit, DYNAMIC)
    assert check.cut and "1 row was left out" in check.problem
    table = apply_edits(rows, edit, 16)
    assert len(table) == 16
    assert [r["sentence"] for r in table[:3]] == ["new", "s2", "s3"]
    assert table[-1] == {"sentence": "a12"}
