"""app.figures.sweep: outcome bars per example and the histogram of final errors."""

from __future__ import annotations

import math

import pytest

from app.figures.chart_spec import spec_of
from app.figures.sweep import error_histogram, outcome_bars


def test_outcome_bars_stack_right_wrong_and_undecided_per_example():
    figure = spec_of(outcome_bars(["a", "b"], [3, 0], [1, 2], [0, 2]))
    right, wrong, undecided = figure["data"]
    assert list(right["x"]) == [3, 0] and list(wrong["x"]) == [1, 2]
    assert list(undecided["x"]) == [0, 2] and list(right["y"]) == ["a", "b"]
    assert figure["layout"]["barmode"] == "stack"
    assert figure["layout"]["xaxis"]["range"] == [0, 4]
    with pytest.raises(ValueError, match="one count"):
        outcome_bars(["a"], [1, 2], [0], [0])


def test_histogram_counts_every_finite_error_and_says_how_many_diverged():
    errors = [0.01, 0.02, 0.35, 0.35, math.log(2), float("nan")]
    figure = spec_of(error_histogram(errors, bins=5))
    assert sum(figure["data"][0]["y"]) == 5
    assert "1 run(s) diverged" in figure["layout"]["title"]["subtitle"]["text"]
    assert figure["layout"]["shapes"][0]["x0"] == pytest.approx(math.log(2))
