"""app.widgets.charts: every chart drawn with its accessible name and its numbers as text."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app.widgets.charts import TEXT_LABEL, text_key


def chart_script():
    import numpy as np
    import streamlit as st

    from app.figures.chart_spec import SpecFigure, spec_of
    from app.figures.tensors import kernel2d_figure
    from app.widgets.charts import plotly_chart

    kernel = np.array([[1.0, -2.5], [17.75, 0.0]]).reshape(2, 2, 1, 1)
    left, _ = st.columns(2)
    plotly_chart(left, kernel2d_figure(kernel, title="Kernel <W>"), key="k")
    plotly_chart(st, SpecFigure(spec_of(kernel2d_figure(kernel, title="again"))), key="k2")


def test_each_chart_gets_its_title_as_name_and_a_table_of_its_numbers():
    at = AppTest.from_function(chart_script)
    at.session_state[text_key("k")] = True  # the first chart's text, open
    at.run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert [c.proto.alt for c in charts] == ["Kernel <W>", "again"]
    assert [e.label for e in at.expander] == [TEXT_LABEL, TEXT_LABEL]
    table = at.expander[0].markdown[0].value
    # Escaped for Markdown; the exact value 17.75 written whole.
    assert "\\-2\\.5" in table and "17\\.75" in table and "| kernel row |" in table


def test_a_charts_text_is_built_only_while_its_expander_is_open():
    at = AppTest.from_function(chart_script).run()
    assert not at.exception
    assert [e.label for e in at.expander] == [TEXT_LABEL, TEXT_LABEL]
    assert [len(e.markdown) for e in at.expander] == [0, 0]  # closed: nothing sent
    at.session_state[text_key("k2")] = True
    at.run()
    assert [len(e.markdown) for e in at.expander] == [0, 1]
    assert "17\\.75" in at.expander[1].markdown[0].value  # read from the figure itself
    at.session_state[text_key("k2")] = False
    at.run()
    assert [len(e.markdown) for e in at.expander] == [0, 0]
