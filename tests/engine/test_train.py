"""Training: error history, determinism, snapshots, early stopping, and what the reference
setups learn over seeds 0-9 (the counts a PyTorch replica gives over 20 seeds, with bands)."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from cnndemo import data
from cnndemo.models import build_model
from cnndemo.train import TrainResult, make_data, train, train_section

SEEDS = range(10)
BLANK = data.IMAGES.index(("   ", "   ", "   "))


@functools.cache
def reference_runs(section: int) -> tuple[TrainResult, ...]:
    """The reference setup of a section trained with seeds 0-9 (shared by several tests)."""
    return tuple(train_section(section, seed=seed) for seed in SEEDS)


def wrong(result: TrainResult) -> list[int]:
    p, t = result.final.probabilities, result.data.targets
    return np.flatnonzero((p > 0.5) != (t > 0.5)).tolist()


@pytest.mark.parametrize("section", [3, 4, 5, 6, 7, 8])
def test_first_recorded_error_is_ln_2_for_every_seed(section):
    # Weights of 0.01 give logits near 0. The image data has 6 positives and 10 negatives, so
    # there the first error moves by about (10 - 6) / 16 / 2 * logit, a few 1e-3 at most.
    tolerance = 1e-3 if section in (3, 4) else 5e-3
    for result in reference_runs(section):
        assert result.errors[0] == pytest.approx(math.log(2), abs=tolerance)


@pytest.mark.parametrize("section", [3, 4, 5, 6, 7, 8])
def test_one_error_per_epoch_recorded_before_each_step(section):
    result = reference_runs(section)[0]
    epochs = 1000 if section in (3, 4) else 2000
    assert len(result.errors) == epochs
    assert result.final.epoch == epochs
    # The final error is measured after the last step, so it continues the curve.
    assert result.final.error <= result.errors[0]


def test_same_seed_gives_identical_errors_and_weights():
    a = train_section(7, seed=4, epochs=300)
    b = train_section(7, seed=4, epochs=300)
    assert a.errors == b.errors
    np.testing.assert_array_equal(a.model.parameters, b.model.parameters)
    assert train_section(7, seed=5, epochs=300).errors != a.errors


def test_section_4_learns_all_four_sentences_for_every_seed():
    for result in reference_runs(4):
        assert result.learned_all(), result.final.probabilities


def test_section_3_learns_all_sentences_in_about_half_the_seeds_and_stalls_otherwise():
    runs = reference_runs(3)
    learned = [r for r in runs if r.learned_all()]
    # PyTorch replica: 8 of 20 seeds; cnndemo: 7 of 20 (3 of seeds 0-9).
    assert 2 <= len(learned) <= 8
    for result in runs:
        if not result.learned_all():
            # Stuck with one sentence pair at 0.5 (loss ln2/2) or everything at 0.5 (ln 2).
            assert min(abs(result.final.error - e) for e in (0.347, 0.693)) < 0.01


@pytest.mark.parametrize("section", [5, 8])
def test_pooled_image_models_never_learn_the_blank_image(section):
    runs = reference_runs(section)
    for result in runs:
        assert BLANK in wrong(result)
    # Usually the blank is the only mistake and scores like a line (about 0.8); a few seeds
    # stall at error 0.47 with more mistakes (only the blank: cnndemo 17/20, PyTorch 19/20).
    only_blank = [r for r in runs if wrong(r) == [BLANK]]
    assert len(only_blank) >= 6
    for result in only_blank:
        assert 0.7 < result.final.probabilities[BLANK] < 0.9


@pytest.mark.parametrize("section", [6, 7])
def test_flattened_image_models_learn_everything_or_miss_only_the_blank(section):
    runs = reference_runs(section)
    learned = sum(r.learned_all() for r in runs)
    assert 2 <= learned <= 9  # 20 seeds: PyTorch 8 (6) and 9 (7); cnndemo 13 and 10
    for result in runs:
        assert wrong(result) in ([], [BLANK])


def test_snapshots_every_k_epochs_hold_what_the_pages_plot():
    seen = []
    result = train_section(3, every=10, epochs=95, callback=seen.append)
    assert [s.epoch for s in result.snapshots] == list(range(0, 95, 10))
    assert seen[:-1] == result.snapshots and seen[-1] is result.final
    snap = result.snapshots[3]
    assert snap.error == result.errors[30]
    assert list(snap.window_vectors)[:3] == ["i like", "like it", "it <PAD>"]
    assert len(snap.window_vectors) == 8
    assert all(v.shape == (2,) and ((0 < v) & (v < 1)).all() for v in snap.window_vectors.values())
    assert snap.example_vectors.shape == (4, 2)  # pooled sentence vectors
    assert snap.probabilities.shape == (4,)
    assert [m.shape for m in snap.feature_maps] == [(4, 3, 2)]


def test_sentence_vector_is_the_max_of_its_bigram_vectors():
    snap = train_section(3, epochs=200, every=199).snapshots[-1]
    bigrams = snap.window_vectors
    first = np.max([bigrams["i like"], bigrams["like it"], bigrams["it <PAD>"]], axis=0)
    np.testing.assert_allclose(snap.example_vectors[0], first)


def test_image_snapshots_label_regions_by_their_pixels():
    result = train_section(7, every=50, epochs=100)
    snap = result.final
    assert len(snap.window_vectors) == 13 and "0000" in snap.window_vectors
    assert snap.example_vectors.shape == (16, 2)
    assert [m.shape for m in snap.feature_maps] == [(16, 2, 2, 2), (16, 1, 1, 2)]
    # The region vector of the blank window is what the blank image shows at every position.
    np.testing.assert_allclose(snap.feature_maps[0][BLANK, 0, 0], snap.window_vectors["0000"])
    assert snap.to_dict()["window_vectors"]["0000"] == snap.window_vectors["0000"].tolist()


def test_flattened_snapshot_vectors_are_the_dense_input():
    snap = train_section(4, epochs=10, every=5).final
    assert snap.example_vectors.shape == (4, 6)
    np.testing.assert_allclose(snap.example_vectors, snap.feature_maps[0].reshape(4, 6))


def test_final_probabilities_match_predicting_the_training_data():
    result = train_section(6, epochs=300)
    p = result.model.predict_proba([row.split("/") for row in result.data.names])
    np.testing.assert_allclose(p, result.final.probabilities)


def test_callback_returning_false_stops_before_that_update():
    result = train_section(5, every=10, callback=lambda s: s.epoch < 30)
    assert result.stopped
    assert len(result.errors) == 31 and result.final.epoch == 30
    assert result.final.error == result.errors[-1]


def test_should_stop_is_polled_every_epoch():
    calls = []

    def should_stop() -> bool:
        calls.append(1)
        return len(calls) > 7

    result = train_section(8, should_stop=should_stop)
    assert result.stopped and len(result.errors) == 7 and result.final.epoch == 7


def test_predicting_inside_a_callback_does_not_change_training():
    model = build_model(5)

    def peek(snapshot) -> None:
        model.predict_proba([["## ", "## ", "   "]])

    plain = train_section(5, epochs=100)
    peeked = train(model, make_data(5), epochs=100, every=3, callback=peek)
    assert plain.errors == peeked.errors


def test_training_on_learners_own_data():
    result = train_section(
        3, sentences=["good film ok", "bad film ok", "ok ok good"], labels=[1, 0, 1], epochs=50
    )
    assert result.model.vocabulary == ("bad", "film", "good", "ok")
    images = [["#  #", "#  #"], ["    ", "####"]]
    result = train_section(6, images=images, labels=[1, 0], epochs=50)
    assert result.model.input_size == (2, 4)


def test_train_rejects_data_the_model_cannot_take():
    with pytest.raises(ValueError, match="trains on sentences"):
        train(build_model(3), data.image_data())
    with pytest.raises(ValueError, match="vocabulary"):
        train(build_model(3), data.text_data(["a b c"], [1]))
    with pytest.raises(ValueError, match="dense layer"):
        train(build_model(6), data.image_data([["    "] * 4], [1]))
    with pytest.raises(ValueError, match="epochs"):
        train(build_model(5), data.image_data(), epochs=-1)


@pytest.mark.parametrize(
    "options",
    [{"optimizer": "adam", "learning_rate": 0.05}, {"optimizer": "sgd"}, {"activation": "relu"}],
)
def test_other_optimisers_and_activations_reduce_the_error(options):
    result = train_section(6, epochs=200, init_scale=0.1, **options)
    assert result.final.error < result.errors[0] - 0.1
