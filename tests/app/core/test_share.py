"""Share-link codec (app.core.share): exact round trips, and strict rejection of bad links."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import limits, markup
from app.core.share import (
    ChoiceField,
    IntField,
    Schema,
    ShareError,
    TensorField,
    decode,
    encode,
    format_number,
    parse_number,
)

SCHEMA = Schema(
    (
        IntField("s", 1, 8),
        ChoiceField("p", ("valid", "same")),
        TensorField("x", (6, 3)),
        TensorField("k", (3, 3, 2)),
    )
)
GOOD = {"s": 2, "p": "same", "x": np.arange(12.0).reshape(4, 3), "k": -np.ones((2, 3, 1))}

finite = st.floats(min_value=-limits.MAX_ABS_VALUE, max_value=limits.MAX_ABS_VALUE, allow_nan=False)


def arrays(max_shape):
    shapes = st.tuples(*(st.integers(1, n) for n in max_shape))
    return shapes.flatmap(
        lambda shape: st.lists(finite, min_size=math.prod(shape), max_size=math.prod(shape)).map(
            lambda values: np.array(values, dtype=np.float64).reshape(shape)
        )
    )


states = st.fixed_dictionaries(
    {
        "s": st.integers(1, 8),
        "p": st.sampled_from(["valid", "same"]),
        "x": arrays((6, 3)),
        "k": arrays((3, 3, 2)),
    }
)


@settings(max_examples=200, deadline=None)
@given(states)
def test_decode_inverts_encode_exactly(state):
    params = encode(state, SCHEMA)
    decoded, errors = decode(params, SCHEMA)
    assert errors == []
    assert decoded["s"] == state["s"] and decoded["p"] == state["p"]
    for name in ("x", "k"):
        assert decoded[name].shape == state[name].shape
        np.testing.assert_array_equal(decoded[name], state[name])


@settings(max_examples=300, deadline=None)
@given(finite)
def test_number_text_round_trips_and_uses_only_unreserved_characters(value):
    text = format_number(value)
    assert parse_number(text) == value
    assert set(text) <= set("0123456789.-e")


def test_links_use_only_url_unreserved_characters():
    params = encode(GOOD, SCHEMA)
    assert params["x"] == "4x3_0_1_2_3_4_5_6_7_8_9_10_11"
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    assert all(set(v) <= allowed for v in params.values())


def test_an_ordinary_visit_is_neither_a_link_nor_an_error():
    assert decode({}, SCHEMA) == ({}, [])
    assert decode({"utm_source": "mail"}, SCHEMA) == ({}, [])


def test_unknown_parameters_are_ignored():
    params = encode(GOOD, SCHEMA) | {"other": "thing"}
    state, errors = decode(params, SCHEMA)
    assert errors == [] and set(state) == {"s", "p", "x", "k"}


def bad(**changes):
    params = encode(GOOD, SCHEMA)
    params.update(changes)
    return {k: v for k, v in params.items() if v is not None}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (bad(s="0"), "outside the allowed range"),
        (bad(s="9"), "outside the allowed range"),
        (bad(s="2.5"), "whole number"),
        (bad(s="1e3"), "whole number"),
        (bad(s=""), "whole number"),
        (bad(p="full"), "one of valid, same"),
        (bad(p=None), "'p' is missing"),
        (bad(x="4x3_1_2"), "needs 12 numbers"),
        (bad(x="7x3_" + "_".join(["1"] * 21)), "axis 0 has length 7"),
        (bad(x="0x3"), "axis 0 has length 0"),
        (bad(x="12_1_2"), "should have 2 axes"),
        (bad(x="-4x3_1"), "shape like 4x5"),
        (bad(x="1x1_nan"), "not a plain number"),
        (bad(x="1x1_inf"), "not a plain number"),
        (bad(x="1x1_1e999"), "larger than the limit"),
        (bad(x="1x1_1e99"), "larger than the limit"),
        (bad(x="1x1_1_000"), "needs 1 numbers"),
        (bad(x="1x1_0x10"), "not a plain number"),
        (bad(x="1x1_ 1"), "not a plain number"),
        (bad(x="1x1_" + "1" * 40), "not a plain number"),
        (bad(x="1x1___import__('os')"), "needs 1 numbers"),
        (bad(x="1x1_2e5"), None),  # fine: within MAX_ABS_VALUE
        (bad(s=["1", "2"]), "more than once"),
        (bad(x="9" * (limits.MAX_PARAM_CHARS + 1)), "characters long"),
    ],
)
def test_malformed_or_tampered_links_are_rejected_with_a_reason(params, message):
    state, errors = decode(params, SCHEMA)
    if message is None:
        assert errors == [] and state["x"][0, 0] == 2e5
        return
    assert state == {}, "a bad link must not yield a partial state"
    assert any(message in e for e in errors), errors


def test_total_length_is_capped():
    schema = Schema(tuple(TensorField(f"t{i}", (1000,)) for i in range(3)))
    params = {f"t{i}": "900_" + "_".join(["11"] * 900) for i in range(3)}  # 2704 chars each
    state, errors = decode(params, schema)
    assert state == {} and "limit is" in errors[0]


def test_whole_state_check_runs_after_fields_parse():
    schema = Schema(SCHEMA.fields, check=lambda s: ["x and k disagree"] if s["s"] == 3 else [])
    assert decode(bad(s="3"), schema) == ({}, ["x and k disagree"])
    assert decode(bad(s="2"), schema)[1] == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"s": 0}, "not a whole number"),
        ({"s": 1.5}, "not a whole number"),
        ({"p": "full"}, "not one of"),
        ({"x": np.ones((7, 3))}, "axis 0"),
        ({"x": np.full((1, 1), np.nan)}, "not finite"),
        ({"x": np.full((1, 1), 2e6)}, "not finite or above"),
    ],
)
def test_encode_refuses_states_outside_the_schema(change, message):
    with pytest.raises(ShareError, match=message):
        encode(GOOD | change, SCHEMA)


def test_encode_refuses_setups_too_long_for_a_link():
    schema = Schema((TensorField("t", (2000,)),))
    with pytest.raises(ShareError, match="capped"):
        encode({"t": np.full(2000, 123.25)}, schema)


def test_encode_needs_every_field():
    with pytest.raises(ShareError, match="no value for 'k'"):
        encode({k: v for k, v in GOOD.items() if k != "k"}, SCHEMA)


@pytest.mark.parametrize("value", ["[click](http://evil.example)", "__PWN__", "~~PWN~~", "$PWN$"])
def test_error_messages_do_not_echo_markup_from_the_link(value):
    # Messages are shown as Markdown: the link's text is quoted with every syntax character
    # escaped (app.core.markup), so it reads as typed and never becomes a link, bold or a formula.
    _, errors = decode(bad(p=value), SCHEMA)
    quoted = errors[0].split("got")[1]
    assert errors and not re.search(r"(?<!\\)[\[\]()_~$]", quoted), quoted
    assert quoted.replace("\\", "").replace(markup.WORD_JOINER, "").strip(" “”") == value


def test_error_messages_quote_at_most_30_characters_of_the_link():
    _, errors = decode(bad(s="9" * 20 + "x" * 100), SCHEMA)
    assert "“" + "9" * 20 + "x" * 9 + "…”" in errors[0]
