"""app.core.guide_relationships: every relationship of the guide, on many numbers, agrees with the
engine wherever the relationship says it applies (Dumoulin and Visin, arXiv:1603.07285)."""

from __future__ import annotations

import itertools

import pytest

from app.core.guide_relationships import PARAMS, RELATIONSHIPS, example, stretched_labels
from cnndemo import explain


@pytest.mark.parametrize("relationship", RELATIONSHIPS, ids=lambda r: str(r.number))
def test_formula_and_engine_agree_whenever_the_relationship_applies(relationship):
    checked = 0
    for i, k, s, p, d in itertools.product(range(1, 10), range(1, 6), range(1, 4), range(0, 5),
                                           range(1, 3)):  # fmt: skip
        ex = example(relationship, dict(zip(PARAMS, (i, k, s, p, d), strict=True)))
        assert all(ex.values[n] == v for n, v in zip(PARAMS, (i, k, s, p, d), strict=True)
                   if n in relationship.free)  # fmt: skip
        if ex.notes or ex.axis is None:
            continue
        checked += 1
        assert ex.value == ex.engine, (relationship.number, ex.values)
        assert f"= {ex.value}" in ex.formula
        if relationship.kind == "transposed":
            # The equivalent direct convolution has o' outputs, and o' is the input size i.
            assert ex.axis.out == ex.engine == ex.values["i"]
        else:
            assert ex.axis == explain.axis(*(ex.values[n] for n in ("i", "k", "s", "p", "d")))
    assert checked > 20


def test_fixed_numbers_and_conditions():
    half = RELATIONSHIPS[2]
    assert half.settle({"i": 5, "k": 5, "s": 3, "p": 0, "d": 2}) == {
        "i": 5, "k": 5, "s": 1, "p": 2, "d": 1}  # fmt: skip
    assert example(half, {"i": 5, "k": 4, "s": 1, "p": 0, "d": 1}).notes
    strided = RELATIONSHIPS[11]
    assert "relationship 14" in example(strided, {"i": 6, "k": 3, "s": 2, "p": 0, "d": 1}).notes[0]
    too_much = example(RELATIONSHIPS[8], {"i": 5, "k": 2, "s": 1, "p": 3, "d": 1})
    assert too_much.axis is None and "more than full padding" in too_much.notes[0]
    assert example(RELATIONSHIPS[0], {"i": 2, "k": 5, "s": 1, "p": 0, "d": 1}).engine == 0
    assert stretched_labels(3, 2, 1) == ("0", "·", "1", "·", "2", "+")
