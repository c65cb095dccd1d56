"""The teacher's menu of checks, on conv outputs and on trained runs."""

from __future__ import annotations

import pytest

from app.core.checks import CHECK_KINDS, Check, shows
from app.core.page_outcomes import Outcome, outcome
from app.core.page_setups import page_setup


@pytest.fixture(scope="module")
def conv() -> Outcome:
    return outcome("conv1d", "vectors", page_setup("conv1d").defaults())  # [[2360, 2480], ...]


@pytest.fixture(scope="module")
def trained() -> Outcome:
    return outcome("cnn2d-pooled", None, page_setup("cnn2d-pooled").defaults())


def test_cell_checks(conv: Outcome) -> None:
    assert Check("cell_equals", cell=(1, 0), value=3485).evaluate(conv).passed
    assert not Check("cell_equals", cell=(1, 0), value=3484).evaluate(conv).passed
    assert Check("cell_at_least", cell=(0, 1), value=2480).evaluate(conv).passed
    low = Check("cell_at_least", cell=(0, 1), value=2481).evaluate(conv)
    assert not low.passed and "below 2481" in low.message
    outside = Check("cell_equals", cell=(2, 0), value=1).evaluate(conv)
    assert not outside.passed and "no cell (2, 0)" in outside.message
    assert not Check("cell_equals", cell=(0,), value=1).evaluate(conv).passed


def test_equal_as_the_page_writes_it() -> None:
    assert shows(0.12345, 0.123) and shows(2360.0, 2360)
    assert not shows(2361.0, 2360) and not shows(float("nan"), 0.0)


def test_shape_check(conv: Outcome) -> None:
    assert Check("output_shape", shape=(2, 2)).evaluate(conv).passed
    result = Check("output_shape", shape=(3, 2)).evaluate(conv)
    assert not result.passed and "2 x 2" in result.message


def test_training_checks(trained: Outcome) -> None:
    assert not Check("all_right").evaluate(trained).passed  # the blank image
    assert Check("example_right", example=0).evaluate(trained).passed
    assert not Check("example_right", example=6).evaluate(trained).passed
    assert "no example #40" in Check("example_right", example=40).evaluate(trained).message
    error = trained.run.final.error
    assert Check("loss_below", value=error + 1e-6).evaluate(trained).passed
    assert not Check("loss_below", value=error).evaluate(trained).passed


def test_checks_on_the_wrong_kind_of_outcome(conv: Outcome, trained: Outcome) -> None:
    assert "Train the model first" in Check("all_right").evaluate(conv).message
    assert "output" in Check("output_shape", shape=(1,)).evaluate(trained).message
    broken = Outcome("conv1d", "vectors", {}, error="the kernel is larger than the input")
    assert "larger" in Check("output_shape", shape=(1,)).evaluate(broken).message


def test_every_kind_is_described() -> None:
    words = [Check(kind, cell=(0, 1), value=0.5, shape=(3, 3), example=2).describe()
             for kind in CHECK_KINDS]  # fmt: skip
    assert words[0] == "output cell (0, 1) equals 0.5"
    assert len(set(words)) == len(CHECK_KINDS)
    with pytest.raises(ValueError, match="unknown check"):
        Check("cell_equal")
