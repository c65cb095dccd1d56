"""cnndemo.sweep: a sweep is the same runs a learner would get seed by seed."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.seed_outcomes import ours
from cnndemo.sweep import seed_sweep
from cnndemo.train import train_section


@pytest.mark.parametrize("section", [3, 6])
def test_a_sweep_over_seeds_0_to_19_reproduces_the_seed_outcomes_benchmark(section):
    sweep = seed_sweep(section, range(20))
    expected = [ours(section, seed) for seed in range(20)]
    assert sweep.learned_all.tolist() == [r["learned_all"] for r in expected]
    np.testing.assert_allclose(sweep.final_errors, [r["final_error"] for r in expected])
    wrong_counts = {name: 0 for name in sweep.names}
    for run in expected:
        for i in run["wrong"]:
            wrong_counts[sweep.names[i]] += 1
    # The sweep also counts undecided (P shown as 0.5000) as not right.
    failures = sweep.failures()
    assert all(failures[name] >= count for name, count in wrong_counts.items())


def test_each_seed_is_the_run_a_train_click_gives_with_the_learners_data():
    sentences = ["good film", "bad film", "not good", "not bad"]
    labels = [1, 0, 0, 1]
    sweep = seed_sweep(4, [3, 8], sentences=sentences, labels=labels, epochs=200)
    for row, seed in enumerate(sweep.seeds):
        single = train_section(4, sentences=sentences, labels=labels, epochs=200, seed=seed)
        np.testing.assert_array_equal(sweep.probabilities[row], single.final.probabilities)


def test_progress_stop_and_bounds():
    seen = []
    sweep = seed_sweep(5, range(5), epochs=10, progress=lambda d, t: seen.append((d, t)),
                       should_stop=lambda: len(seen) >= 2)  # fmt: skip
    assert sweep.seeds == (0, 1) and seen == [(1, 5), (2, 5)]
    counts, edges = sweep.histogram(4)
    assert counts.sum() == 2 and len(edges) == 5
    with pytest.raises(ValueError, match="1 to 100 seeds"):
        seed_sweep(5, range(101))
    with pytest.raises(ValueError, match="chooses the seeds"):
        seed_sweep(5, [1], seed=3)
