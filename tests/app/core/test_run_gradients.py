"""app.core.run_gradients: the gradient view's numbers are the engine's.

Oracles: ``cnndemo.gradients.gradients_at`` / ``example_gradients`` at a snapshot's weights, and
``cnndemo.train.train(record_gradients=True)`` run in one piece.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.core import limits
from app.core import run_gradients as rg
from app.core import training_jobs as tj
from cnndemo import data as data_mod
from cnndemo.gradients import gradients_at, layer_norms
from cnndemo.models import default_hyperparameters
from cnndemo.optim import make_optimizer
from cnndemo.train import train, train_section


def chunked_run(section: int, data, **changes) -> tj.TrainingRun:
    """A run trained the way the panel trains it: chunk by chunk, then finished."""
    hp = default_hyperparameters(section) | changes
    model = tj.build_for_data(section, data, hp)
    optimizer = make_optimizer(hp["optimizer"], hp["learning_rate"], hp["momentum"])
    epochs = int(hp["epochs"])
    job = tj.TrainingJob(
        section, hp, "fp", model, optimizer, data, epochs, tj.snapshot_every(epochs), watch=True
    )
    while len(job.errors) < epochs:
        tj.train_chunk(job)
    return tj.finish(job)


@pytest.fixture(scope="module")
def text_run() -> tj.TrainingRun:
    return chunked_run(3, data_mod.text_data())


@pytest.fixture(scope="module")
def stuck_run() -> tj.TrainingRun:
    return chunked_run(3, data_mod.text_data(), pool="avg")


def test_chunked_runs_record_the_gradient_norms_of_one_uninterrupted_run(text_run):
    reference = train_section(3, record_gradients=True)
    assert text_run.gradient_norms.shape == (1000, 5)
    np.testing.assert_array_equal(text_run.gradient_norms, reference.gradient_norms)


def test_the_whole_gradient_is_the_engines_and_the_shares_add_up_to_it(text_run):
    for snapshot in (text_run.snapshots[0], text_run.snapshots[7], text_run.final):
        whole = rg.whole_gradient(text_run, snapshot)
        engine = gradients_at(text_run.model, text_run.data, snapshot.parameters)
        shares = rg.example_shares(text_run, snapshot)
        assert len(shares) == 4
        for name in rg.shown_parameters(text_run.model):
            np.testing.assert_allclose(whole[name], engine[name], rtol=0, atol=1e-15)
            np.testing.assert_allclose(sum(s[name] for s in shares), whole[name], atol=1e-15)


def test_the_views_parameters_are_the_embedding_and_every_conv_kernel(text_run):
    assert rg.shown_parameters(text_run.model) == ("embedding.weights", "conv1.kernel")
    run7 = chunked_run(7, data_mod.image_data(), epochs=20)
    assert rg.shown_parameters(run7.model) == ("conv1.kernel", "conv2.kernel")


def test_norm_history_ends_with_the_final_gradient_norm(text_run):
    history = rg.norm_history(text_run)
    assert history.per_epoch
    assert history.epochs.tolist() == list(range(1001))
    final = text_run.model.unflatten(text_run.final.gradients)
    assert history.column("conv1.kernel")[-1] == pytest.approx(
        np.linalg.norm(final["conv1.kernel"]), rel=1e-12
    )
    names = list(final)
    _, expected = layer_norms(names, [[np.linalg.norm(final[n]) for n in names]])
    np.testing.assert_allclose(history.layer_norms[-1], expected[0], rtol=1e-12)
    assert history.layers == ("embedding", "conv1", "dense")
    # Epoch e's recorded norm is the norm of the gradient kept by the snapshot of epoch e.
    for snapshot in text_run.snapshots[:-1]:
        kept = text_run.model.unflatten(snapshot.gradients)["conv1.kernel"]
        assert history.column("conv1.kernel")[snapshot.epoch] == pytest.approx(
            np.linalg.norm(kept), rel=1e-12
        )


def test_without_per_epoch_norms_the_history_uses_the_snapshots(text_run):
    loaded = tj.TrainingRun(
        3, text_run.hyperparameters, "fp", text_run.model, text_run.data, [],
        [text_run.final], text_run.final, 0, source="loaded",
    )  # fmt: skip
    history = rg.norm_history(loaded)
    assert not history.per_epoch
    assert history.epochs.tolist() == [text_run.final.epoch]
    final = text_run.model.unflatten(text_run.final.gradients)["dense.weights"]
    assert history.column("dense.weights")[-1] == pytest.approx(np.linalg.norm(final))


def test_snapshot_near_picks_the_closest_snapshot(text_run):
    epochs = [s.epoch for s in text_run.snapshots]
    assert epochs[:3] == [0, 40, 80] and epochs[-1] == 1000
    assert rg.snapshot_near(text_run, 55).epoch == 40
    assert rg.snapshot_near(text_run, 61).epoch == 80
    assert rg.snapshot_near(text_run, limits.MAX_EPOCHS).epoch == 1000


def test_a_run_stuck_at_ln2_is_explained_by_its_tiny_kernel_gradient(stuck_run):
    history = rg.norm_history(stuck_run)
    last = history.column("conv1.kernel")[-1]
    assert last < 1e-12
    note = rg.stall_note(stuck_run, history)
    assert note.startswith("**Stuck at ln 2.**")
    assert f"only **{last:.1e}**" in note
    shares = [
        np.linalg.norm(s["conv1.kernel"]) for s in rg.example_shares(stuck_run, stuck_run.final)
    ]
    assert min(shares) > 1e6 * last  # each share is large: they cancel
    assert f"{min(shares):.1e} to {max(shares):.1e}" in note and "cancel" in note


def test_a_plateau_before_learning_is_measured_from_the_run(text_run):
    assert rg.plateau_epochs(text_run.errors) == 328
    note = rg.stall_note(text_run, rg.norm_history(text_run))
    assert note.startswith("**A ln 2 plateau, then learning.** For the first 328 epochs")


def test_a_run_that_learns_at_once_reports_the_peak_and_the_end():
    run = chunked_run(5, data_mod.image_data())
    history = rg.norm_history(run)
    norms = history.column("conv1.kernel")
    peak = int(np.argmax(norms))
    note = rg.stall_note(run, history)
    assert f"peaked at epoch {peak}" in note and f"at epoch {run.final.epoch}" in note


def test_gradient_controls_are_bounded_and_linked():
    controls = rg.gradient_controls("s3")
    assert [c.field for c in controls] == ["gep", "gex", "gax"]
    assert [c.key for c in controls] == ["s3.grad.epoch", "s3.grad.example", "s3.grad.axis"]
    epoch, example, axis = controls
    assert (epoch.low, epoch.high, epoch.default) == (0, limits.MAX_EPOCHS, limits.MAX_EPOCHS)
    assert (example.low, example.high) == (0, limits.MAX_BATCH - 1)
    assert axis.clamp("cubic") == "log" and example.clamp(10**9) == limits.MAX_BATCH - 1


def test_a_loaded_model_has_no_norms_but_a_gradient(text_run):
    model = tj.build_for_data(3, text_run.data, text_run.hyperparameters)
    final = train(model, text_run.data, epochs=0).final
    run = tj.TrainingRun(3, text_run.hyperparameters, "fp", model, text_run.data, [], [final],
                         final, 0, source="loaded")  # fmt: skip
    assert run.gradient_norms is None
    assert rg.stall_note(run, rg.norm_history(run)) == ""
