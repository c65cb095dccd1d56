"""Teacher links round-trip on every page kind with every check that fits it; damaged or
tampered links are refused with a message, never half-read."""

from __future__ import annotations

from urllib.parse import parse_qsl

import numpy as np
import pytest

from app.core import limits
from app.core.checks import CHECK_KINDS, OUTPUT_CHECKS, TRAINING_CHECKS, Check
from app.core.page_outcomes import outcome
from app.core.page_setups import PAGES, page_setup
from app.core.share import ShareError
from app.core.teacher_links import (
    TeacherExercise,
    check_from_numbers,
    check_numbers,
    decode_teacher_link,
    encode_teacher_link,
)

TASK = "Make the output 3 × 3 — then explain *why* in class. [no link](http://x)\nLine two."
CHECKS = {
    "cell_equals": Check("cell_equals", cell=(1, 0), value=3485.5),
    "cell_at_least": Check("cell_at_least", cell=(0,), value=-2.25),
    "output_shape": Check("output_shape", shape=(3, 3, 1)),
    "all_right": Check("all_right"),
    "example_right": Check("example_right", example=6),
    "loss_below": Check("loss_below", value=0.01),
}
CASES = [
    (page, tab.word, kind)
    for page, setup in PAGES.items()
    for tab in setup.tabs
    if tab.kind != "gradients"
    for kind in (TRAINING_CHECKS if tab.kind == "model" else OUTPUT_CHECKS)
]


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize(("page", "tab", "kind"), CASES)
def test_round_trip(page: str, tab: str, kind: str) -> None:
    setup = page_setup(page)
    state = setup.defaults()
    shown = setup.fields[:2]
    exercise = TeacherExercise(TASK, tab, shown, CHECKS[kind])
    params = encode_teacher_link(setup, state, exercise)
    assert all(v.isascii() and " " not in v for v in params.values())
    query = "&".join(f"{k}={v}" for k, v in params.items())
    assert len(query) <= limits.MAX_URL_CHARS
    link, errors = decode_teacher_link(dict(parse_qsl(query)), setup)
    assert errors == []
    assert link.exercise == exercise
    assert same(link.state, state)


def test_every_check_kind_is_covered() -> None:
    assert {kind for _, _, kind in CASES} == set(CHECK_KINDS)
    for check in CHECKS.values():
        assert check_from_numbers(check.kind, check_numbers(check)) == check


def test_an_ordinary_share_link_is_not_a_teacher_link() -> None:
    assert decode_teacher_link({"s": "2"}, page_setup("conv1d")) == (None, [])


def test_the_check_runs_on_the_teachers_tab() -> None:
    setup = page_setup("conv1d")
    exercise = TeacherExercise("t", "vectors", (), Check("cell_equals", cell=(1, 0), value=3485))
    assert exercise.evaluate(outcome("conv1d", "vectors", setup.defaults())).passed
    assert "tab" in exercise.evaluate(outcome("conv1d", "scalar", setup.defaults())).message


def good(page: str = "conv1d", tab: str = "vectors", check: Check = CHECKS["cell_equals"]) -> dict:
    setup = page_setup(page)
    exercise = TeacherExercise(TASK, tab, setup.fields[-1:], check)
    return encode_teacher_link(setup, setup.defaults(), exercise)


TAMPERED = [
    ({"qk": "cell_equal"}, "should be one of"),
    ({"qk": "all_right", "qa": "-"}, "reads a trained model"),
    ({"qk": "all_right"}, "takes no numbers"),
    ({"qa": "5"}, "needs the cell"),
    ({"qa": "-"}, "needs the cell"),
    ({"qa": ""}, "not a plain number"),
    ({"qa": "99_0_1"}, "whole numbers in 0..95"),
    ({"qa": "1.5_0_1"}, "whole numbers"),
    ({"qa": "1_0_1_2_3"}, "at most 4"),
    ({"qa": "1_0_nan"}, "not a plain number"),
    ({"qb": "gradients"}, "should be one of"),
    ({"qb": "grads"}, "no check reads tab grads"),
    ({"qs": "s.evil"}, "no control(s) evil"),
    ({"qs": "S;x"}, "control names"),
    ({"qt": "!!!"}, "damaged"),
    ({"qt": "A" * 1000}, "at most 400"),
    ({"qt": "A" * 3000}, "too long"),
    ({"qt": "AA"}, "control characters"),  # one byte, 0x00
    ({"qt": "_w"}, "damaged"),  # 0xff: not UTF-8
    ({"qt": ""}, "empty"),
    ({"qs": ""}, "control names"),
    ({"s": "9"}, "outside the allowed range"),
]


@pytest.mark.parametrize(("change", "message"), TAMPERED)
def test_tampered_links_are_refused(change: dict, message: str) -> None:
    link, errors = decode_teacher_link(good() | change, page_setup("conv1d"))
    assert link is None
    assert any(message in e for e in errors), errors


def test_missing_fields_are_named() -> None:
    params = good()
    del params["qa"]
    assert decode_teacher_link(params, page_setup("conv1d"))[1] == ["'qa' is missing"]
    only_teacher = {k: v for k, v in good().items() if k.startswith("q")}
    _, errors = decode_teacher_link(only_teacher, page_setup("conv1d"))
    assert "'x' is missing" in errors


def test_too_long_links_are_refused() -> None:
    params = good()
    params["x"] = "32x6_" + "_".join(["-123456.789012"] * 192)
    params["k"] = "7x6x6_" + "_".join(["-123456.789012"] * 252)
    _, errors = decode_teacher_link(params, page_setup("conv1d"))
    assert any("limit" in e for e in errors), errors


def test_training_checks_are_range_checked() -> None:
    params = good("cnn2d-flat", "main", CHECKS["loss_below"])
    assert decode_teacher_link(params | {"qa": "0"}, page_setup("cnn2d-flat"))[1]
    assert decode_teacher_link(params | {"qa": "1000"}, page_setup("cnn2d-flat"))[1]
    assert decode_teacher_link(params | {"qk": "example_right", "qa": "40"},
                               page_setup("cnn2d-flat"))[1]  # fmt: skip
    assert decode_teacher_link(params | {"qk": "all_right", "qa": "1"}, page_setup("cnn2d-flat"))[1]
    link, errors = decode_teacher_link(
        params | {"qk": "all_right", "qa": "-"}, page_setup("cnn2d-flat")
    )
    assert not errors and link.exercise.check == Check("all_right")


@pytest.mark.parametrize("task", ["", "   ", "x" * (limits.MAX_TASK_CHARS + 1), "bell\x07"])
def test_bad_tasks_cannot_be_written(task: str) -> None:
    setup = page_setup("conv1d")
    with pytest.raises(ShareError):
        encode_teacher_link(setup, setup.defaults(),
                            TeacherExercise(task, "vectors", (), CHECKS["output_shape"]))  # fmt: skip


def test_a_check_that_does_not_fit_the_tab_cannot_be_written() -> None:
    setup = page_setup("conv2d")
    with pytest.raises(ShareError, match="reads a trained model"):
        encode_teacher_link(
            setup, setup.defaults(), TeacherExercise("t", "grids", (), Check("all_right"))
        )
