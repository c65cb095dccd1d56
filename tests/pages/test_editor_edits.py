"""Hand-made data-editor states through the real pages (issue 17, items 3 and 9).

A client speaking Streamlit's protocol can send any edit state; each of these is refused before
Streamlit or pandas applies it, with one message, the table keeps its size and values, and the
learner's other inputs stay as they were. (The time each takes is measured outside the tests:
README's Limits.) A message above ``limits.MAX_CLIENT_MESSAGE_BYTES`` (1 MB) never gets this far:
the server closes the connection (benchmarks/protocol_load.py's hostile client); AppTest
shows Streamlit's own size error for it, so the cells here stay just under it.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.core import limits
from tests.pages.conftest import edit_cells, open_page, pick_table, table_key

HOSTILE = {
    "20,000 added rows": (
        {"added_rows": [{"ch 0": 1.0}] * 20_000},
        "20,000 rows added to a table of fixed size",
    ),
    "row 10^9": ({"edited_rows": {10**9: {"ch 0": 1.0}}}, "a row outside the table"),
    "deleted row -1": ({"deleted_rows": [-1]}, "rows deleted from a table of fixed size"),
    "deleted row 10^9": ({"deleted_rows": [10**9]}, "rows deleted from a table of fixed size"),
    "unknown column": ({"edited_rows": {0: {"zzz": 1.0}}}, "a column the table does not have"),
    "added row, unknown column": ({"added_rows": [{"zzz": 1.0}]}, "fixed size"),
    "0.9 MB cell": ({"edited_rows": {0: {"ch 0": "9" * 900_000}}}, "a cell of 900,000 characters"),
}
SENTENCE_HOSTILE = {
    "20,000 added rows": (
        {"added_rows": [{"sentence": "a b", "label": 1}] * 20_000},
        f"20,000 rows added; the table holds at most {limits.MAX_SENTENCES}",
    ),
    "row 10^9": ({"edited_rows": {10**9: {"label": 1}}}, "an edit of a row outside the table"),
    "deleted row -1": ({"deleted_rows": [-1]}, "a deleted row outside the table"),
    "deleted row 10^9": ({"deleted_rows": [10**9]}, "a deleted row outside the table"),
    "unknown column": ({"added_rows": [{"zzz": "a"}]}, "a column the table does not have"),
    "0.9 MB cell": ({"edited_rows": {0: {"sentence": "a " * 450_000}}}, "a cell of 900,000"),
}


def send(at, key: str, edit: dict):
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edit}
    return at.run()


def warnings(at) -> list[str]:
    return [w.value for w in at.warning if "An edit of" in w.value]


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_fixed_size_tables_refuse_hand_made_edits(case):
    at = open_page("pages/1_conv1d.py")
    at.slider(key="c1d.s").set_value(2).run()
    pick_table(at, "c1d.k", 1)
    edit_cells(at, table_key(at, "c1d.k", 1), {0: {"in 0": 100.0}})  # the learner's own edit
    before = at.session_state["c1d.x.value"].copy()
    kernel = at.session_state["c1d.k.value"].copy()
    edit, message = HOSTILE[case]
    send(at, table_key(at, "c1d.x"), edit)
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    shown = warnings(at)
    assert len(shown) == 1 and message in shown[0], shown
    assert "zzz" not in shown[0] and "999" not in shown[0]
    np.testing.assert_array_equal(at.session_state["c1d.x.value"], before)
    np.testing.assert_array_equal(at.session_state["c1d.k.value"], kernel)
    assert at.session_state["c1d.k.value"][0, 0, 1] == 100.0
    assert at.slider(key="c1d.s").value == 2
    table = [t for t in at.get("dataframe") if t.proto.id.endswith(table_key(at, "c1d.x"))]
    assert table and table[0].value.shape[0] == before.shape[0]
    # The next rerun is quiet, and an ordinary edit works again.
    edit_cells(at, table_key(at, "c1d.x"), {0: {"ch 0": 7.0}})
    assert not warnings(at) and at.session_state["c1d.x.value"][0, 0] == 7.0


def test_the_2d_page_tables_are_guarded_too():
    at = open_page("pages/2_conv2d.py")
    key = table_key(at, "c2d.x")
    before = at.session_state["c2d.x.value"].copy()
    send(at, key, {"added_rows": [{"col 0": 1.0}] * 20_000})
    assert not at.exception
    assert "fixed size" in warnings(at)[0]
    np.testing.assert_array_equal(at.session_state["c2d.x.value"], before)


@pytest.mark.parametrize("case", sorted(SENTENCE_HOSTILE))
@pytest.mark.parametrize("page", ["3_cnn1d_pooled", "4_cnn1d_flat"])
def test_the_sentence_table_refuses_hand_made_edits(page, case):
    prefix = f"s{page[0]}"
    at = open_page(f"pages/{page}.py")
    at.number_input(key=f"{prefix}.tp.hp.seed").set_value(3).run()
    sentences = list(at.session_state[f"{prefix}.sentences"])
    edit, message = SENTENCE_HOSTILE[case]
    send(at, f"{prefix}.data.v{at.session_state[f'{prefix}.data_version']}", edit)
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    shown = warnings(at)
    assert len(shown) == 1 and message in shown[0], shown
    assert at.session_state[f"{prefix}.sentences"] == sentences
    assert at.number_input(key=f"{prefix}.tp.hp.seed").value == 3
    assert len(at.get("dataframe")[0].value) == len(sentences)
    at.run()
    assert not warnings(at)
    assert not at.button(key=f"{prefix}.tp.train").disabled


def test_rows_added_past_the_limit_are_cut_keeping_the_learners_other_edits():
    at = open_page("pages/3_cnn1d_pooled.py")
    rows = len(at.session_state["s3.sentences"])
    added = [{"sentence": f"word{i} fine", "label": i % 2} for i in range(limits.MAX_SENTENCES - 1)]
    send(at, f"s3.data.v{at.session_state['s3.data_version']}",
         {"edited_rows": {0: {"sentence": "we like it"}}, "added_rows": added})  # fmt: skip
    assert not at.exception
    left_out = rows + len(added) - limits.MAX_SENTENCES
    assert f"at most {limits.MAX_SENTENCES} rows; {left_out} rows were left out" in warnings(at)[0]
    kept = at.session_state["s3.sentences"]
    assert len(kept) == limits.MAX_SENTENCES
    assert (
        kept[0] == "we like it" and kept[-1] == added[limits.MAX_SENTENCES - rows - 1]["sentence"]
    )
    at.run()
    assert not at.exception and not at.button(key="s3.tp.train").disabled


@pytest.mark.parametrize("page", ["3_cnn1d_pooled", "4_cnn1d_flat"])
def test_a_hand_made_long_sentence_is_cut_to_the_boxs_limit(page):
    from app.widgets.sentence_editor import SENTENCE_CHARS
    from tests.pages.conftest import click_train

    prefix = f"s{page[0]}"
    at = click_train(open_page(f"pages/{page}.py"), prefix)
    at.text_input(key=f"{prefix}.try").set_value("word " * 180_000).run()
    assert not at.exception
    assert len(at.text_input(key=f"{prefix}.try").value) == SENTENCE_CHARS  # Streamlit cuts it
