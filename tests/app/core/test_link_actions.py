"""Exact links: the view fields round-trip on every page, old links still open, tampered ones
are refused; replaying the training actions gives the engine's own weights."""

from __future__ import annotations

from urllib.parse import parse_qsl

import numpy as np
import pytest

from app.core import limits
from app.core.exercise_list import EXERCISE_FIELD
from app.core.link_actions import (
    RETRAIN,
    VIEW_FIELDS,
    View,
    check_actions,
    decode_view,
    encode_view,
    fit_to_link,
    view_params,
)
from app.core.model_page_setups import model_setup
from app.core.page_outcomes import outcome
from app.core.page_setups import PAGES, page_setup
from app.core.receptive_fields import field_controls
from app.core.run_actions import Action, replay
from app.core.run_gradients import gradient_controls
from app.core.share import ShareError, decode, encode
from app.core.teacher_links import TEACHER_FIELDS
from app.core.training_jobs import build_for_data
from cnndemo.optim import make_optimizer
from cnndemo.train import train, train_section

TRAIN, CONTINUE, STEP = Action("train", 300), Action("continue", 200), Action("step", 1)


def view_of(page: str) -> View:
    setup = page_setup(page)
    view = View(tab=setup.tab_words[-1], cell=(1, 0), channel=1, example=3, epoch=250)
    if setup.model_page is not None:
        view = View(**{**view.__dict__, "actions": (TRAIN, CONTINUE, STEP)})
    return view


@pytest.mark.parametrize("page", sorted(PAGES))
def test_view_round_trip_next_to_the_setup(page: str) -> None:
    setup = page_setup(page)
    params = encode(setup.defaults(), setup.schema) | encode_view(view_of(page), setup)
    query = dict(parse_qsl("&".join(f"{k}={v}" for k, v in params.items())))
    state, errors = decode(query, setup.schema)
    assert not errors and state.keys() == setup.defaults().keys()
    view, errors = decode_view(query, setup)
    assert errors == [] and view == view_of(page)


def test_view_fields_clash_with_no_page_or_teacher_field() -> None:
    # The pages' optional view fields: the gradients' and the receptive field's controls.
    views = {c.field for c in gradient_controls("p") + field_controls("p")}
    for setup in PAGES.values():
        taken = set(setup.schema.names_read) | views
        assert not set(VIEW_FIELDS) & taken, setup.page
        assert not {*TEACHER_FIELDS, EXERCISE_FIELD} & taken, setup.page
    assert not set(VIEW_FIELDS) & {*TEACHER_FIELDS, EXERCISE_FIELD}


def test_old_links_open_as_before() -> None:
    setup = page_setup("conv1d")
    old = (
        "x=2x3_1_2_3_4_5_6&k=2x3x1_1_0_-1_2_0_-2&s=2&p=same&d=2&v=5_1_2_3_4_5&w=2_1_-1&vs=3&vp=same"
    )
    params = dict(parse_qsl(old))
    assert decode_view(params, setup) == (View(), [])
    assert decode(params, setup.schema)[1] == []


def test_typed_weights_round_trip() -> None:
    setup = page_setup("cnn2d-pooled")
    weights = np.array([0.5, -1.25, 3, 1e-7])
    view = View(actions=(Action("train", 5), Action("rewind", 2)), weights=weights)
    read, errors = decode_view(encode_view(view, setup), setup)
    assert not errors and np.array_equal(read.weights, weights) and read.actions == view.actions


TAMPERED = [
    ({"otab": "grads"}, "should be one of"),
    ({"ocell": "1_2_3_4"}, "at most 3"),
    ({"ocell": "-1"}, "whole number"),
    ({"ocell": "96"}, "0..95"),
    ({"och": "6"}, "0..5"),
    ({"oex": "x"}, "whole number"),
    ({"oep": "99999"}, "0..4000"),
    ({"orun": "t300.x5"}, "damaged"),
    ({"orun": "c300"}, "must start with train"),
    ({"orun": "t2001"}, "1..2000"),
    ({"orun": "t2000.c2000.c1"}, "at most 4000"),
    ({"orun": ".".join(["t1"] * 21)}, "at most 20"),
    ({"orun": "t0"}, "1..2000"),
    ({"ow": "1_nan"}, "not a plain number"),
    ({"orun": "t10.t5"}, "only the first action"),
    ({"orun": "t10.r11"}, "epoch the run has reached"),
    ({"ow": "_".join(["1"] * 2001)}, "longer than 4000"),
    ({"otab": ["main", "main"]}, "more than once"),
]


@pytest.mark.parametrize(("params", "message"), TAMPERED)
def test_tampered_views_are_refused(params: dict, message: str) -> None:
    view, errors = decode_view(params, page_setup("cnn2d-pooled"))
    assert view == View()
    assert any(message in e for e in errors), errors


def test_no_training_history_on_a_page_without_a_model() -> None:
    _, errors = decode_view({"orun": "t10"}, page_setup("conv2d"))
    assert "trains no model" in errors[0]
    with pytest.raises(ShareError):
        encode_view(View(tab="pictures", weights=np.ones(2)), page_setup("conv2d"))


@pytest.fixture(scope="module")
def section5():
    return model_setup("cnn2d-pooled", page_setup("cnn2d-pooled").defaults())


def test_train_then_continue_is_one_longer_training(section5) -> None:
    section, data, hp = section5
    model, _ = replay(section, data, hp, (TRAIN, CONTINUE))
    engine = train_section(section, **(hp | {"epochs": 500}))
    assert np.array_equal(model.parameters, engine.model.parameters)


def test_steps_are_continues_and_rewinds_go_back(section5) -> None:
    section, data, hp = section5
    stepped, _ = replay(section, data, hp, (Action("train", 20), *[STEP] * 3))
    continued, _ = replay(section, data, hp, (Action("train", 20), Action("continue", 3)))
    assert np.array_equal(stepped.parameters, continued.parameters)
    back, _ = replay(section, data, hp, (TRAIN, CONTINUE, Action("rewind", 40)))
    assert np.array_equal(
        back.parameters, train_section(section, **(hp | {"epochs": 40})).model.parameters
    )


def test_typed_weights_start_a_fresh_optimiser(section5) -> None:
    section, data, hp = section5
    weights = np.linspace(-1, 1, build_for_data(section, data, hp).parameters.size)
    replayed, _ = replay(section, data, hp, (Action("train", 30),), start=weights)
    model = build_for_data(section, data, hp)
    model.set_parameters(weights)
    optimizer = make_optimizer(hp["optimizer"], hp["learning_rate"], hp["momentum"])
    engine = train(model, data, epochs=30, optimizer=optimizer)
    assert np.array_equal(replayed.parameters, engine.model.parameters)
    untrained = outcome("cnn2d-pooled", None, page_setup("cnn2d-pooled").defaults(), (), weights)
    assert np.array_equal(untrained.run.model.parameters, weights)
    assert untrained.run.final.epoch == 0


def test_a_link_reopens_the_trained_model() -> None:
    setup = page_setup("cnn1d-flat")
    state = setup.with_changes({"ep": 150, "seed": 3})
    view = View(actions=(Action("train", 150), Action("continue", 100)))
    params = encode(state, setup.schema) | encode_view(view, setup)
    read_state, _ = decode(params, setup.schema)
    read_view, _ = decode_view(params, setup)
    reopened = outcome(setup.page, None, read_state, read_view.actions)
    engine = train_section(4, seed=3, epochs=250)
    assert np.array_equal(reopened.run.final.probabilities, engine.final.probabilities)


def test_actions_are_checked() -> None:
    assert check_actions((TRAIN, CONTINUE, Action("rewind", 0))) == []
    assert "start with train" in check_actions((CONTINUE,))[0]
    assert "one of train" in check_actions((TRAIN, Action("stop", 3)))[0]


def test_fit_to_link() -> None:
    long = View(actions=(Action("train", 2000), Action("continue", 2000), Action("continue", 1)))
    parameters = np.array([0.125, -2.5])
    fitted, note = fit_to_link(long, parameters)
    assert note is None and fitted.actions == () and np.array_equal(fitted.weights, parameters)
    assert fit_to_link(long, None) == (View(), RETRAIN)
    huge = View(weights=np.full(1000, -0.123456789012345))
    assert fit_to_link(huge, None)[1] == RETRAIN
    short = View(actions=(TRAIN,))
    assert fit_to_link(short, parameters) == (short, None)
    assert limits.MAX_REPLAY_EPOCHS >= limits.MAX_EPOCHS


def exact_params(setup, state, view, parameters=None):
    """The whole link: the setup's fields, then the view's as far as they fit."""
    params = encode(state, setup.schema)
    extra, note = view_params(setup, params, view, parameters)
    return params | extra, note


def test_exact_params_keep_the_link_within_its_limit() -> None:
    setup = page_setup("cnn2d-flat")
    state = setup.defaults()
    view = View(tab="main", example=6, actions=(TRAIN,))
    params, note = exact_params(setup, state, view)
    assert note is None and params["orun"] == "t300" and params["oex"] == "6"
    assert decode_view(params, setup) == (view, [])
    # A long history becomes the weights; weights that do not fit are left out with a note.
    long = View(actions=(Action("train", 2000), Action("continue", 2000), Action("step", 1)))
    params, note = exact_params(setup, state, long, np.full(2000, -0.123456789))
    assert note == RETRAIN and "orun" not in params and "ow" not in params
    assert sum(len(k) + len(v) + 2 for k, v in params.items()) - 1 <= limits.MAX_URL_CHARS
    params, note = exact_params(setup, state, long, np.array([0.5, -0.25]))
    assert note is None and params["ow"] == "0.5_-0.25"


def test_pages_with_their_own_tab_field_keep_it() -> None:
    setup = page_setup("conv1d")
    state = setup.with_changes({"tab": "scalar", "at": 1})
    params, note = exact_params(setup, state, View(tab="vectors", cell=(0,), channel=1))
    assert note is None and params["tab"] == "scalar" and params["at"] == "1"
    assert not {"otab", "ocell", "och"} & set(params)
