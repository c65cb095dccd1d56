"""app.core.sweep_jobs: a sweep in chunks gives cnndemo.sweep.seed_sweep's numbers."""

from __future__ import annotations

import numpy as np
import pytest

from app.core import limits
from app.core import sweep_jobs as sj
from cnndemo import data as data_mod
from cnndemo.models import default_hyperparameters
from cnndemo.sweep import seed_sweep


def run(job: sj.SweepJob) -> int:
    chunks = 0
    while not job.finished:
        sj.sweep_chunk(job)
        chunks += 1
    return chunks


@pytest.mark.parametrize(
    ("section", "data"), [(3, data_mod.text_data()), (6, data_mod.image_data())]
)
def test_chunks_give_the_engines_sweep_from_the_seed_on(section, data):
    hp = {**default_hyperparameters(section), "seed": 4, "epochs": 300}
    job = sj.new_sweep(section, data, hp, hp["seed"], 6, "fp")
    assert job.seeds == [4, 5, 6, 7, 8, 9] and "seed" not in job.hyperparameters
    run(job)
    result = sj.sweep_result(job)
    others = {k: v for k, v in hp.items() if k != "seed"}
    expected = seed_sweep(section, range(4, 10), **others)
    assert result.seeds == expected.seeds and result.names == expected.names
    assert result.probabilities.tolist() == expected.probabilities.tolist()
    assert result.final_errors.tolist() == expected.final_errors.tolist()


def test_a_stop_keeps_the_seeds_done_and_the_count_is_bounded():
    data = data_mod.text_data()
    job = sj.new_sweep(3, data, default_hyperparameters(3), 0, 10_000, "fp")
    assert job.total == limits.MAX_SWEEP_SEEDS
    sj.sweep_chunk(job)
    assert job.done >= 1
    job.stop_requested = True
    sj.sweep_chunk(job)
    result = sj.sweep_result(job)
    assert len(result.seeds) == job.done == len(result.final_errors)


def test_counts_per_example_add_up_to_the_seeds():
    job = sj.new_sweep(5, data_mod.image_data(), default_hyperparameters(5), 0, 3, "fp")
    run(job)
    counts = sj.example_counts(sj.sweep_result(job))
    total = counts["right"] + counts["wrong"] + counts["undecided"]
    assert np.all(total == 3)
    assert counts["wrong"][6] == 3  # the pooled model never learns the blank image


def test_the_fingerprint_follows_the_setup_and_the_count():
    data, hp = data_mod.text_data(), default_hyperparameters(3)
    base = sj.sweep_fingerprint(3, data, hp, 20)
    assert base == sj.sweep_fingerprint(3, data, dict(hp), 20)
    assert base != sj.sweep_fingerprint(3, data, hp, 21)
    assert base != sj.sweep_fingerprint(3, data, {**hp, "seed": 1}, 20)
