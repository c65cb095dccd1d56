"""app.widgets.expanders: an expander's part runs only while it is open, inside it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def expander_script():
    import streamlit as st

    from app.widgets.expanders import lazy_expander

    st.session_state.setdefault("runs", 0)

    def part() -> None:
        st.session_state["runs"] += 1
        st.markdown("inside")

    left, _ = st.columns(2)
    lazy_expander("Lazy", part, key="box", target=left, icon=":material/code:")


def test_the_part_runs_inside_the_expander_only_while_it_is_open():
    at = AppTest.from_function(expander_script).run()
    assert not at.exception
    assert [(e.label, e.icon) for e in at.expander] == [("Lazy", ":material/code:")]
    assert len(at.columns[0].expander) == 1  # drawn in the target
    assert (len(at.expander[0].markdown), at.session_state["runs"]) == (0, 0)
    at.session_state["box"] = True
    at.run()
    assert [m.value for m in at.expander[0].markdown] == ["inside"]
    assert at.session_state["runs"] == 1
    at.session_state["box"] = False
    at.run()
    assert (len(at.expander[0].markdown), at.session_state["runs"]) == (0, 1)
