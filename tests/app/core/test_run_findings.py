"""app.core.run_findings: which findings the training panel explains, and remedies in words."""

from __future__ import annotations

from app.core.hyperparameters import POOL, text_extras, training_controls
from app.core.run_findings import applicable, panel_findings, setting_words
from app.core.training_jobs import TrainingRun, fingerprint
from cnndemo.train import train_section


def run_of(section: int, **hp) -> TrainingRun:
    result = train_section(section, **hp)
    settings = result.model.hyperparameters
    return TrainingRun(
        section, settings, fingerprint(section, result.data, settings), result.model,
        result.data, result.errors, result.snapshots, result.final, len(result.errors),
    )  # fmt: skip


def test_the_panel_explains_a_diverged_run_and_leaves_lessons_to_their_pages():
    diverged = run_of(3, optimizer="sgd", activation="relu", learning_rate=10, init_scale=2)
    assert [f.kind for f in panel_findings(diverged)] == ["diverged"]
    # The tutorial's run has two sentences the dense layer cannot tell apart: page 3 says so
    # in its "Which bigram decided?" part, not the panel.
    assert panel_findings(run_of(3)) == []
    stuck = run_of(3, pool="avg")
    assert [f.kind for f in panel_findings(stuck)] == ["stuck"]
    assert panel_findings(stuck) is panel_findings(stuck)  # memoised on the run


def test_remedies_are_said_in_the_controls_words_and_only_for_controls_the_page_has():
    page_3 = training_controls("s3", 3, text_extras(pool=True)).all
    page_4 = training_controls("s4", 4, text_extras(pool=False)).all
    settings = {"learning_rate": 1.0, "optimizer": "sgd", "pool": "max"}
    assert setting_words(page_3, settings) == (
        "learning rate = 1, optimiser = plain gradient descent, pooling over positions = max"
    )
    assert applicable(page_4, settings) == {"learning_rate": 1.0, "optimizer": "sgd"}
    assert "pool" not in setting_words(page_4, settings)
    assert setting_words(training_controls("p", 5, (POOL,)).all, {"seed": 3}) == "seed = 3"
