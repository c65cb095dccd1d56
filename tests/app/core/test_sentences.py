"""app.core.sentences: sentence cleaning, link codes, ANY/ALL winners."""

from __future__ import annotations

import numpy as np
import pytest

from app.core import limits
from app.core import sentences as ts


def test_tutorial_rows_pass_unchanged():
    rows = [("i like it <PAD>", 1), ("i hate it <PAD>", 0)]
    sentences, labels, notes, errors = ts.clean_sentences(rows)
    assert (sentences, labels, notes, errors) == (
        ["i like it <PAD>", "i hate it <PAD>"],
        [1, 0],
        [],
        [],
    )


def test_short_sentences_are_padded_at_the_end_and_the_page_is_told():
    sentences, labels, notes, errors = ts.clean_sentences(
        [("i like it", 1.0), ("i don't hate it", 1)]
    )
    assert sentences == ["i like it <PAD>", "i don't hate it"]
    assert labels == [1, 1] and not errors
    assert "1 × <PAD>" in notes[0]


def test_blank_rows_are_skipped():
    sentences, *_ = ts.clean_sentences([("i like it", 1), (None, None), ("", float("nan"))])
    assert sentences == ["i like it"]


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([("i like it", 2)], "label must be 0 or 1"),
        ([("i like it", None)], "label must be 0 or 1"),
        ([("", 1)], "empty"),
        ([("i <b>like</b> it", 1)], "letters, digits"),
        ([("i `like` it", 1)], "letters, digits"),
        ([("w " * (limits.MAX_TOKENS + 1), 1)], "at most"),
        ([("a" * (limits.MAX_WORD_CHARS + 1), 1)], "characters"),
        ([], "empty"),
        ([("ok", 1)] * (limits.MAX_SENTENCES + 1), "at most"),
    ],
)
def test_bad_rows_give_messages(rows, fragment):
    sentences, labels, notes, errors = ts.clean_sentences(rows)
    assert sentences == [] and labels == []
    assert any(fragment in e for e in errors), errors


def test_sentence_codes_round_trip_unicode():
    sentences = ["i like it <PAD>", "j'aime ça"]
    codes = ts.sentence_codes(sentences)
    assert codes.shape == (2, 15)
    assert ts.sentences_from_codes(codes) == sentences
    with pytest.raises(ValueError):
        ts.sentences_from_codes(np.array([[65.5]]))


def test_winners_are_the_arg_max_for_max_and_arg_min_for_min():
    fmap = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.4]])
    tokens = ["i", "like", "it", "<PAD>"]
    assert ts.winners(fmap, tokens, 2, "max") == [("like it", 0.8), ("i like", 0.9)]
    assert ts.winners(fmap, tokens, 2, "min") == [("i like", 0.1), ("like it", 0.2)]
    label, value = ts.winners(fmap, tokens, 2, "avg")[0]
    assert label == "mean of all" and value == pytest.approx(0.4)


def test_same_vector_clash_finds_differently_labelled_sentences_with_the_same_winners():
    maps = np.array([[[0.1, 0.2], [0.3, 0.4], [0.9, 0.9]], [[0.0, 0.1], [0.2, 0.3], [0.9, 0.9]]])
    names = ["i like it <PAD>", "i hate it <PAD>"]
    assert ts.same_vector_clash(names, maps, [1, 0], 2, "max") == (
        "i like it <PAD>", "i hate it <PAD>", ["it <PAD>", "it <PAD>"],
    )  # fmt: skip
    assert ts.same_vector_clash(names, maps, [1, 1], 2, "max") is None
    assert ts.same_vector_clash(names, maps, [1, 0], 2, "avg") is None


def test_bigram_positions_say_where_each_window_of_words_stands():
    found = ts.bigram_positions(["i like it <PAD>", "i don't like it"], 2)
    assert found["i like"] == {0} and found["like it"] == {1, 2}
    assert found["it <PAD>"] == {2} and found["don't like"] == {1}
