"""app.core.decision_lines: the P = 0.5 line of the dense layer in the plane of two channels."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.decision_lines import decision_line, decision_lines, slice_words
from cnndemo.train import train_section


@pytest.mark.parametrize(("section", "changes"), [(3, {}), (5, {}), (8, {}), (7, {})])
def test_every_example_sits_on_the_side_of_its_answer_at_every_snapshot(section, changes):
    result = train_section(section, every=100, **changes)
    lines = decision_lines(result.model, result.snapshots, (0, 1), 2)
    assert lines is not None and len(lines) == len(result.snapshots)
    for line, shot in zip(lines, result.snapshots, strict=True):
        logits = [line.logit(*v) for v in shot.example_vectors]
        p = 1 / (1 + np.exp(-np.array(logits)))
        np.testing.assert_allclose(p, shot.probabilities, atol=1e-12)


def test_with_three_channels_the_line_is_a_slice_through_the_mean_of_the_others():
    result = train_section(3, channels=3, every=250)
    lines = decision_lines(result.model, [*result.snapshots, result.final], (0, 2), 3)
    shot, line = result.final, lines[-1]
    assert set(line.held) == {1}
    assert line.held[1] == pytest.approx(shot.example_vectors[:, 1].mean())
    weights = result.model.layer("dense").params["weights"][:, 0]
    bias = result.model.layer("dense").params["bias"][0]
    x, y = 0.3, 0.7
    assert line.logit(x, y) == pytest.approx(weights @ [x, line.held[1], y] + bias)
    words = slice_words((0, 2), 3, 3, "sentence")
    assert "channels 0 and 2 of 3" in words and "slice" in words and "channel(s) 1" in words


def test_flattened_models_have_no_line_in_one_positions_plane():
    result = train_section(4, every=500)
    assert decision_lines(result.model, result.snapshots, (0, 1), 2) is None
    assert "6 numbers" in slice_words((0, 1), 2, 6, "sentence")


def test_decision_line_of_a_plain_dense_layer():
    line = decision_line(np.array([2.0, -1.0]), 0.5, (0, 1), {})
    assert (line.a, line.b, line.c) == (2.0, -1.0, 0.5)
    assert line.logit(0.0, 0.5) == 0.0
