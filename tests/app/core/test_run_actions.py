"""app.core.run_actions: continue, step, views, rewind and replay give one long run's numbers."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from app.core import limits
from app.core import run_actions as ra
from app.core import training_jobs as tj
from cnndemo import data as data_mod
from cnndemo.models import default_hyperparameters
from cnndemo.train import train, train_section


def run_job(job: tj.TrainingJob) -> tj.TrainingRun:
    while len(job.errors) < job.epochs:
        tj.train_chunk(job)
    return tj.finish(job)


@pytest.fixture(scope="module")
def text():
    return data_mod.text_data()


def fresh_run(text, epochs=200, **changes) -> tj.TrainingRun:
    hp = {**default_hyperparameters(3), "epochs": epochs, **changes}
    return run_job(ra.new_job(3, text, hp, tj.fingerprint(3, text, hp), watch=False))


def test_continue_adds_epochs_and_equals_one_long_run(text):
    run = fresh_run(text)
    longer = run_job(ra.continue_job(run, 200, "continue", watch=False))
    reference = train_section(3, epochs=400, every=8)
    assert longer.epochs_run == 400 and len(longer.errors) == 400
    assert longer.errors == reference.errors
    assert longer.model.parameters.tolist() == reference.model.parameters.tolist()
    assert [s.epoch for s in longer.snapshots] == [s.epoch for s in reference.snapshots] + [400]
    assert longer.actions == (tj.Action("train", 200), tj.Action("continue", 200))
    assert run.epochs_run == 200  # the earlier run is left as it was


def test_one_step_is_exactly_one_optimiser_update(text):
    run = fresh_run(text, epochs=50)
    before = run.model.parameters.copy()
    optimizer = copy.deepcopy(run.optimizer)
    expected = before.copy()
    optimizer.step(expected, run.final.gradients)
    stepped = run_job(ra.continue_job(run, 1, "step", watch=False))
    assert stepped.model.parameters.tolist() == expected.tolist()
    assert stepped.epochs_run == 51 and stepped.actions[-1] == tj.Action("step", 1)


def test_steps_off_the_snapshot_grid_keep_the_grid_of_one_long_run(text):
    run = fresh_run(text, epochs=100)  # every 4
    for _ in range(3):
        run = run_job(ra.continue_job(run, 1, "step", watch=False))
    run = run_job(ra.continue_job(run, 17, "continue", watch=False))
    reference = train_section(3, epochs=120, every=4)
    assert run.errors == reference.errors
    epochs = [s.epoch for s in run.snapshots]
    assert epochs == sorted(set(epochs))
    assert set(range(0, 121, 4)) <= set(epochs)
    assert run.model.parameters.tolist() == reference.model.parameters.tolist()


def test_view_at_shows_a_snapshot_with_its_weights(text):
    run = fresh_run(text)
    view = ra.view_at(run, 10)
    shot = run.snapshots[10]
    assert view.final is shot and view.snapshots[-1] is shot
    assert view.model.parameters.tolist() == shot.parameters.tolist()
    assert view.model.predict_proba(list(text.names)).tolist() == pytest.approx(
        shot.probabilities.tolist(), abs=1e-12
    )
    assert run.model.parameters.tolist() != shot.parameters.tolist()  # the run is untouched
    assert ra.view_at(run, len(run.snapshots) - 1) is run
    assert ra.view_at(run, 10) is view  # kept with the run


@pytest.mark.parametrize("optimizer", ["momentum", "adam", "sgd"])
def test_rewind_then_continue_equals_the_run_that_went_on_from_there(text, optimizer):
    lr = 0.05 if optimizer == "adam" else 1.0
    run = fresh_run(text, epochs=200, optimizer=optimizer, learning_rate=lr)
    index = 12
    epoch = run.snapshots[index].epoch
    back = ra.rewind(run, index)
    assert back.epochs_run == epoch and back.errors == run.errors[:epoch]
    assert back.model.parameters.tolist() == run.snapshots[index].parameters.tolist()
    on = run_job(ra.continue_job(back, 200 - epoch, "continue", watch=False))
    assert on.errors == run.errors
    assert on.model.parameters.tolist() == run.model.parameters.tolist()


def test_replaying_the_actions_from_the_seed_gives_the_same_weights(text):
    run = fresh_run(text, epochs=100)
    run = run_job(ra.continue_job(run, 1, "step", watch=False))
    run = ra.rewind(run, 7)
    run = run_job(ra.continue_job(run, 33, "continue", watch=False))
    assert ra.run_length(run.actions) == run.epochs_run
    model, _ = ra.replay(3, text, run.hyperparameters, run.actions)
    assert model.parameters.tolist() == run.model.parameters.tolist()


def test_a_run_from_given_weights_starts_there_and_replays_from_them(text):
    hp = {**default_hyperparameters(3), "epochs": 30}
    start = np.linspace(-1, 1, 25)
    job = ra.new_job(3, text, hp, "fp", False, start=start, start_label="typed")
    run = run_job(job)
    assert run.snapshots[0].parameters.tolist() == start.tolist()
    model = tj.build_for_data(3, text, hp)
    model.set_parameters(start)
    assert run.errors == train(model, text, epochs=30).errors
    replayed, _ = ra.replay(3, text, hp, run.actions, run.start)
    assert replayed.parameters.tolist() == run.model.parameters.tolist()


def test_can_continue_says_why_not(text):
    run = fresh_run(text, epochs=20)
    assert ra.can_continue(run, 100) == ""
    assert "train first" in ra.can_continue(None, 1)
    assert str(limits.MAX_RUN_EPOCHS) in ra.can_continue(run, limits.MAX_RUN_EPOCHS)
    run.stale = True
    assert "setup changed" in ra.can_continue(run, 1)


def test_a_stopped_continue_records_the_epochs_it_ran(text):
    run = fresh_run(text, epochs=200)
    job = ra.continue_job(run, 400, "continue", watch=True)
    tj.train_chunk(job)
    job.stop_requested = True
    stopped = tj.finish(job)
    ran = stopped.epochs_run - 200
    assert 0 < ran < 400 and stopped.stopped
    assert stopped.actions[-1] == tj.Action("continue", ran)
    assert ra.run_length(stopped.actions) == stopped.epochs_run


def test_gradient_norms_follow_continue_views_and_rewind(text):
    run = fresh_run(text, epochs=100)
    longer = run_job(ra.continue_job(run, 1, "step", watch=False))
    longer = run_job(ra.continue_job(longer, 30, "continue", watch=False))
    reference = train_section(3, epochs=131, record_gradients=True)
    assert longer.gradient_norms.tolist() == reference.gradient_norms.tolist()
    shot = longer.snapshots[5]
    assert len(ra.view_at(longer, 5).gradient_norms) == shot.epoch
    assert (
        ra.rewind(longer, 5).gradient_norms.tolist()
        == reference.gradient_norms[: shot.epoch].tolist()
    )
