"""SpecFigure: a figure drawn from its JSON must reach the browser exactly as the figure would."""

from __future__ import annotations

import copy
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools

from app.figures.chart_spec import SpecFigure, spec_of


def _figure() -> go.Figure:
    frames = [go.Frame(data=[go.Scatter(x=[i], y=[i * 2])], name=str(i)) for i in range(3)]
    return go.Figure(
        go.Scatter(x=np.arange(50), y=np.linspace(0, 1, 50), name="curve"),
        layout={"title": {"text": "A title"}, "xaxis": {"title": {"text": "epoch"}}},
        frames=frames,
    )


def _as_streamlit_sends(figure) -> str:
    # What st.plotly_chart does with its argument (streamlit/elements/plotly_chart.py).
    as_dict = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
    return pio.to_json(as_dict, validate=False)


def test_spec_figure_sends_the_same_json_as_the_figure():
    figure = _figure()
    assert _as_streamlit_sends(SpecFigure(spec_of(figure))) == _as_streamlit_sends(figure)


def test_spec_is_plain_json_and_never_mutated():
    spec = spec_of(_figure())
    assert json.loads(json.dumps(spec)) == spec
    before = copy.deepcopy(spec)
    wrapped = SpecFigure(spec)
    for _ in range(2):
        _as_streamlit_sends(wrapped)
        wrapped.to_dict()["data"][0]["uid"] = "changed"  # callers' copies are their own
    assert spec == before
    assert len(spec["frames"]) == 3
