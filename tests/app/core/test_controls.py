"""app.core.controls: one declaration per control gives the link schema, the share state, the
link applied to session state, defaults, clamping and the keep-list."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core import limits
from app.core.controls import Control, Controls, TensorSpec
from app.core.conv_controls import activation_control, padding_control, size_control, stride_control
from app.core.share import (
    ChoiceField,
    IntField,
    NumberField,
    Renamed,
    Split,
    TensorField,
    decode,
    encode,
)

LENGTH = size_control("t.n", "input length", limits.MAX_LENGTH)
CHANNELS = size_control("t.c", "channels", limits.MAX_CHANNELS)
STRIDE = stride_control("t.s", "s")
PADDING = padding_control("t.p", "p", default="same")
RATE = Control("t.lr", "lr", "rate", "float", 1.0, 1e-4, 10.0)
ACT = activation_control("t.act", "act", ("none", "relu"))
X = TensorSpec("t.x", "sequence", "x", (LENGTH, CHANNELS), "x")
KERNEL = TensorSpec("t.k", "kernel2d", "k", (size_control("t.kh", "kh", 5), LENGTH, None, None),
                    "k")  # fmt: skip
GROUP = Controls((LENGTH, CHANNELS, STRIDE, PADDING, RATE, ACT), (X,))


def session_with_tensor(value: np.ndarray) -> dict:
    session: dict = {}
    X.store(value, session)
    return session


def test_schema_fields_come_from_the_declarations():
    schema = GROUP.schema()
    assert schema.names == ("x", "s", "p", "lr", "act")  # sizes travel with their table
    fields = dict(zip(schema.names, schema.fields, strict=True))
    assert fields["s"] == IntField("s", 1, limits.MAX_STRIDE)
    assert fields["p"] == ChoiceField("p", ("valid", "same"))
    assert fields["lr"] == NumberField("lr", 1e-4, 10.0)
    assert fields["act"] == ChoiceField("act", ("none", "relu"))
    # a tensor's largest shape is its size controls' upper bounds
    assert fields["x"] == TensorField("x", (limits.MAX_LENGTH, limits.MAX_CHANNELS))
    assert KERNEL.link_field() == TensorField("k", (5, limits.MAX_LENGTH))


def test_defaults_and_keep_list_name_every_control():
    assert GROUP.keys == ("t.n", "t.c", "t.s", "t.p", "t.lr", "t.act")
    assert GROUP.defaults() == {
        "t.n": 1, "t.c": 1, "t.s": 1, "t.p": "same", "t.lr": 1.0, "t.act": "none",
    }  # fmt: skip


def test_share_state_round_trips_through_the_link_into_another_session():
    session = session_with_tensor(np.arange(6.0).reshape(3, 2))
    session |= {"t.s": 3, "t.p": "valid", "t.lr": 0.25, "t.act": "relu"}
    schema = GROUP.schema()
    params = encode(GROUP.share_state(session), schema)
    assert params["s"] == "3" and params["lr"] == "0.25" and params["x"].startswith("3x2_")
    decoded, errors = decode(params, schema)
    assert errors == []
    other: dict = {}
    GROUP.apply(decoded, other)
    assert {k: other[k] for k in ("t.s", "t.p", "t.lr", "t.act")} == {
        "t.s": 3, "t.p": "valid", "t.lr": 0.25, "t.act": "relu",
    }  # fmt: skip
    np.testing.assert_array_equal(other[X.value_key], session[X.value_key])
    assert (other["t.n"], other["t.c"]) == (3, 2), "the tensor's sizes follow it"
    assert other[X.version_key] == 1, "the tables start afresh"


def test_share_state_uses_defaults_for_controls_never_drawn():
    state = GROUP.share_state(session_with_tensor(np.ones((2, 2))))
    assert (state["s"], state["p"], state["lr"], state["act"]) == (1, "same", 1.0, "none")


def test_fixed_axes_are_left_out_of_the_link_and_put_back():
    value = np.arange(6.0).reshape(2, 3, 1, 1)
    assert KERNEL.to_link(value).shape == (2, 3)
    np.testing.assert_array_equal(KERNEL.from_link(KERNEL.to_link(value)), value)


@pytest.mark.parametrize(
    ("control", "stored", "expected"),
    [
        (STRIDE, 99, limits.MAX_STRIDE),
        (STRIDE, 0, 1),
        (STRIDE, 2.7, 2),
        (STRIDE, "3", 3),
        (STRIDE, "abc", 1),
        (STRIDE, math.nan, 1),
        (STRIDE, math.inf, 1),
        (STRIDE, 10**400, limits.MAX_STRIDE),
        (RATE, 20.0, 10.0),
        (RATE, 0.0, 1e-4),
        (RATE, None, 1.0),
        (PADDING, "median", "same"),
        (PADDING, ["valid"], "same"),
        (PADDING, "valid", "valid"),
    ],
)
def test_clamp_brings_any_stored_value_into_bounds(control, stored, expected):
    assert control.clamp(stored) == expected
    assert type(control.clamp(stored)) is type(expected)


def test_values_and_set_values_work_by_name_and_say_what_they_changed():
    session: dict = {"t.s": 99}
    assert GROUP.values(session)["t.s"] == limits.MAX_STRIDE
    notes = GROUP.set_values({"t.s": 2, "t.lr": 50, "t.act": "[x](http://evil)"}, session)
    assert (session["t.s"], session["t.lr"], session["t.act"]) == (2, 10.0, "none")
    assert len(notes) == 2
    assert "rate 50 is outside 0.0001..10, set to 10" in notes
    assert not any("evil" in note for note in notes), "a note never echoes text from a file"


def test_bound_and_worded_keep_the_bounds():
    bound = RATE.bound("p.tp.hp.lr", default=0.5)
    assert (bound.key, bound.name, bound.default) == ("p.tp.hp.lr", "t.lr", 0.5)
    assert (bound.low, bound.high, bound.field) == (RATE.low, RATE.high, RATE.field)
    worded = STRIDE.worded("step", "How far")
    assert (worded.label, worded.help, worded.high) == ("step", "How far", STRIDE.high)


def test_a_group_refuses_two_controls_with_one_key_or_field():
    with pytest.raises(ValueError, match="key"):
        Controls((STRIDE, STRIDE.worded("again")))
    with pytest.raises(ValueError, match="link field"):
        Controls((STRIDE, stride_control("t.s2", "s")))


def test_declarations_refuse_inconsistent_bounds_and_options():
    with pytest.raises(ValueError):
        Control("k", "f", "x", "int", 1, 5, 1)
    with pytest.raises(ValueError):
        Control("k", "f", "x", "choice")
    with pytest.raises(ValueError):
        Control("k", "f", "x", "choice", options=("a", "b"), option_labels=("A",))
    with pytest.raises(ValueError):
        Control("k", "f", "x", "int", 1, 1, 5, widget="dial")


def test_option_labels_are_what_the_widget_shows():
    assert PADDING.label_of("valid") == "VALID (no padding)"
    assert ACT.label_of("relu") == "relu"


# --- Links of an earlier format -----------------------------------------------------------------

OLD = (Split("h", ("lr", "mom")), Renamed("sd", "seed"))
NEW = Controls(
    (
        Control("a.lr", "lr", "rate", "float", 1.0, 1e-4, 10.0),
        Control("a.mom", "mom", "momentum", "float", 0.9, 0.0, 0.99),
        Control("a.seed", "seed", "seed", "int", 0, 0, 100),
    )
)


def test_an_old_link_reads_as_todays():
    schema = NEW.schema(legacy=OLD)
    assert schema.names_read == ("lr", "mom", "seed", "h", "sd")
    old, errors = decode({"h": "2_0.5_0.8", "sd": "7"}, schema)
    assert errors == []
    assert old == decode({"lr": "0.5", "mom": "0.8", "seed": "7"}, schema)[0]
    assert old == {"lr": 0.5, "mom": 0.8, "seed": 7}


def test_an_old_link_is_checked_by_todays_bounds():
    schema = NEW.schema(legacy=OLD)
    assert decode({"h": "2_0.5_0.995", "sd": "7"}, schema)[1] == [
        "'mom' = 0.995 is outside the allowed range 0..0.99"
    ]
    assert decode({"h": "3_0.5_0.8_1", "sd": "7"}, schema)[1] == ["'h' should hold 2 numbers"]
    assert decode({"h": ["2_1_0", "2_1_0"], "sd": "7"}, schema)[1]


def test_todays_fields_win_over_old_ones_in_one_link():
    schema = NEW.schema(legacy=OLD)
    state, errors = decode(
        {"lr": "2", "mom": "0.1", "seed": "3", "h": "2_5_0.5", "sd": "9"}, schema
    )
    assert errors == [] and state == {"lr": 2.0, "mom": 0.1, "seed": 3}


def test_link_codes_write_plain_words_for_options_that_are_not():
    from app.core.conv_controls import tab_control

    tab = tab_control("t.tab", "tab", ("First tab", "The second (2)"), ("first", "second"))
    group = Controls((tab, STRIDE))
    schema = group.schema()
    session = {"t.tab": "The second (2)", "t.s": 3}
    params = encode(group.share_state(session), schema)
    assert params == {"tab": "second", "s": "3"}
    state, errors = decode(params, schema)
    fresh: dict = {}
    group.apply(state, fresh)
    assert not errors and fresh == session
    assert decode({"tab": "The second (2)", "s": "1"}, schema)[1]  # only the codes are read
    with pytest.raises(ValueError, match="one link code per option"):
        Control("t.x", "x", "x", "choice", options=("a", "b"), link_codes=("a",))


def test_controls_added_later_let_older_links_open_with_their_defaults():
    from app.core.share import Added

    old = Controls((STRIDE,))
    new = Controls((PADDING, RATE), (X,))
    rules = new.added_later(((X, np.ones((2, 3))),))
    assert rules == (Added("x", "2x3_1_1_1_1_1_1"), Added("p", "same"), Added("lr", "1"))
    schema = (old + new).schema(legacy=rules)
    state, errors = decode({"s": "4"}, schema)  # a link written before the new controls
    assert not errors and state["s"] == 4 and state["p"] == "same" and state["lr"] == 1.0
    np.testing.assert_array_equal(state["x"], np.ones((2, 3)))
    assert decode({}, schema) == ({}, [])  # an ordinary visit stays one
    assert decode({"s": "4", "p": "valid"}, schema)[0]["p"] == "valid"  # today's links win
