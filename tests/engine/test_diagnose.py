"""cnndemo.diagnose: the states of the tutorial's runs, recognised from their own numbers, and
remedies that work."""

from __future__ import annotations

import numpy as np
import pytest

from cnndemo import diagnose
from cnndemo.train import train_section


def findings(result, **options):
    return diagnose.diagnose(
        result.errors,
        result.final.probabilities,
        result.data.targets,
        result.final.example_vectors,
        result.data.names,
        result.model.hyperparameters,
        **options,
    )


def kinds(result, **options):
    return [f.kind for f in findings(result, **options)]


def test_probabilities_that_show_as_one_half_are_undecided():
    probabilities = np.array([0.49999999, 0.50000001, 0.7, 0.2, 0.5])
    targets = np.array([1, 0, 1, 1, 0])
    assert diagnose.verdicts(probabilities, targets).tolist() == [
        "undecided", "undecided", "right", "wrong", "undecided",
    ]  # fmt: skip


def test_average_pooling_at_the_defaults_is_stuck_and_the_first_remedy_fixes_it():
    stalled = train_section(3, pool="avg")
    found = findings(stalled)
    assert [f.kind for f in found] == ["stuck"]
    assert "0.6931" in found[0].detail and "Average pooling" in found[0].detail
    remedy = found[0].remedies[0]
    assert remedy.settings == {"init_scale": 0.5}
    fixed = train_section(3, pool="avg", **remedy.settings)
    assert fixed.learned_all() and kinds(fixed) == []
    labels = [r.label for r in found[0].remedies]
    assert "max pooling" in labels and "try seed 1" in labels


def test_a_nan_run_is_diverged_with_smaller_steps_offered():
    result = train_section(
        3, optimizer="sgd", activation="relu", learning_rate=10, momentum=0.99, init_scale=2
    )
    assert not np.isfinite(result.errors[-1])
    (finding,) = findings(result)
    assert finding.kind == "diverged" and "NaN" in finding.detail
    assert finding.remedies[0].settings == {"learning_rate": 1.0}


@pytest.mark.parametrize("section", [3, 4])
def test_every_remedy_of_a_nan_run_gives_finite_numbers(section):
    hp = dict(optimizer="sgd", activation="relu", learning_rate=10, momentum=0.99, init_scale=2)
    (finding,) = findings(train_section(section, **hp))
    for remedy in finding.remedies:
        fixed = train_section(section, **(hp | dict(remedy.settings)))
        assert np.all(np.isfinite(fixed.errors)), remedy.label


def test_a_bouncing_error_is_reported():
    result = train_section(6, activation="relu", learning_rate=10, momentum=0.99, init_scale=2)
    assert result.errors[-1] > 1.0
    assert "rising" in kinds(result)


def test_max_pooling_seed_0_has_two_sentences_the_dense_layer_cannot_separate():
    result = train_section(3, seed=0)
    found = findings(result)
    identical = next(f for f in found if f.kind == "identical")
    names = [result.data.names[i] for i in identical.examples]
    assert names == ["i like it <PAD>", "i hate it <PAD>"]
    undecided = next(f for f in found if f.kind == "undecided")
    assert set(undecided.examples) == set(identical.examples)


def test_the_pooled_image_model_fails_the_blank_image_and_says_why():
    result = train_section(5)
    assert "blank_image" in kinds(result, pooled_images=True)
    assert "blank_image" not in kinds(result)


def test_a_healthy_run_has_nothing_to_explain():
    assert kinds(train_section(4)) == []
