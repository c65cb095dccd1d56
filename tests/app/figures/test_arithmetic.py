"""app.figures.arithmetic: the windows chart puts each tap where cnndemo.explain says it reads."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app.figures.arithmetic import strip_figure, windows_figure
from cnndemo import explain


@pytest.mark.parametrize("args", [(5, 3, 2, 1, 1), (7, 3, 1, 0, 2), (6, 3, 2, "same", 1)])
def test_windows_chart_marks_every_tap(args):
    axis = explain.axis(*args)
    figure = windows_figure(axis, title="w").to_dict()
    text = [t for t in figure["data"] if t["type"] == "scatter"][0]
    marked = {(x, y): label for x, y, label in zip(text["x"], text["y"], text["text"], strict=True)
              if label}  # fmt: skip
    expected = {(cell + axis.before, i): f"w{j}" for i in range(axis.out)
                for j, cell in enumerate(axis.taps(i))}  # fmt: skip
    assert marked == expected
    labels = figure["layout"]["xaxis"]["ticktext"]
    assert labels.count("pad") == axis.before + axis.after
    assert not figure["layout"]["coloraxis"]["showscale"]
    go.Figure(figure)


def test_no_window_and_strips():
    empty = windows_figure(explain.axis(2, 5), title="none").to_dict()
    assert "0 outputs" in empty["layout"]["title"]["text"]
    strip = strip_figure(np.array([1.0, np.nan, -2.0]), title="s", labels=["a", "pad", "b"],
                         outlined=[2]).to_dict()  # fmt: skip
    assert strip["layout"]["xaxis"]["ticktext"] == ["a", "pad", "b"]
    go.Figure(strip)
