"""app.widgets.charts: every chart drawn with its accessible name and its numbers as text."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app.widgets.charts import TEXT_LABEL


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
    at = AppTest.from_function(chart_script).run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert [c.proto.alt for c in charts] == ["Kernel <W>", "again"]
    assert [e.label for e in at.expander] == [TEXT_LABEL, TEXT_LABEL]
    table = at.expander[0].markdown[0].value
    # Escaped for Markdown; the exact value 17.75 written whole.
    assert "\\-2\\.5" in table and "17\\.75" in table and "| kernel row |" in table
