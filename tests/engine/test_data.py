"""Datasets, vocabulary, encoding and image parsing, against docs/lesson.md (Shared
conventions, the data sets)."""

from __future__ import annotations

import numpy as np
import pytest

from cnndemo import data


def test_text_data_is_the_four_tutorial_sentences_with_their_labels():
    text = data.text_data()
    assert text.sentences == (
        "i like it <PAD>",
        "i hate it <PAD>",
        "i don't hate it",
        "i don't like it",
    )
    np.testing.assert_array_equal(text.targets, [1, 0, 1, 0])
    assert text.names == text.sentences


def test_vocabulary_is_the_sorted_set_of_tokens_and_ids_index_it():
    text = data.text_data()
    assert text.vocabulary == ("<PAD>", "don't", "hate", "i", "it", "like")
    np.testing.assert_array_equal(
        text.inputs, [[3, 5, 4, 0], [3, 2, 4, 0], [3, 1, 2, 4], [3, 1, 5, 4]]
    )


def test_encode_names_an_unknown_word_and_the_vocabulary():
    with pytest.raises(ValueError, match=r"unknown word 'love'.*\['<PAD>', \"don't\""):
        data.encode(["i love it <PAD>"], data.text_data().vocabulary)


def test_sentences_of_different_lengths_are_rejected():
    with pytest.raises(ValueError, match=r"same number of tokens.*\[2, 3\]"):
        data.text_data(["a b", "a b c"], [0, 1])


def test_custom_sentences_of_any_equal_length_build_their_own_vocabulary():
    text = data.text_data(["good film", "bad film"], [1, 0])
    assert text.vocabulary == ("bad", "film", "good")
    assert text.inputs.shape == (2, 2)


def test_labels_must_be_binary_and_one_per_example():
    with pytest.raises(ValueError, match="0 or 1"):
        data.text_data(["a b"], [2])
    with pytest.raises(ValueError, match="one label per example"):
        data.image_data([["# ", " #"]], [1, 0])
    with pytest.raises(ValueError, match="need their labels"):
        data.text_data(["a b"])


def test_empty_sentence_is_rejected():
    with pytest.raises(ValueError, match="empty"):
        data.tokenize("   ")


def test_image_data_has_sixteen_images_in_sections_md_order():
    images = data.image_data()
    assert images.inputs.shape == (16, 3, 3, 1)
    np.testing.assert_array_equal(images.targets, [1] * 6 + [0] * 10)
    assert images.names[:6] == (
        "###/   /   ",
        "   /###/   ",
        "   /   /###",
        "#  /#  /#  ",
        " # / # / # ",
        "  #/  #/  #",
    )
    assert images.names[6:] == (
        "   /   /   ",
        "#  /   /  #",
        "   / # /   ",
        "   /   /  #",
        "  #/ ##/#  ",
        "# #/ # / # ",
        " # /#  /# #",
        "## /   /  #",
        "#  / ##/   ",
        "###/###/###",
    )


def test_parse_image_accepts_row_strings_and_zero_one_arrays_alike():
    rows = ["# ", " #", "##"]
    expected = np.array([[1, 0], [0, 1], [1, 1]], dtype=float)
    np.testing.assert_array_equal(data.parse_image(rows), expected)
    np.testing.assert_array_equal(data.parse_image(expected.astype(int)), expected)
    np.testing.assert_array_equal(data.parse_image(expected[..., None]), expected)
    assert data.image_rows(expected) == ("# ", " #", "##")
    assert data.image_name(rows) == "# / #/##"


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (["##", "#"], "equally long"),
        (["#x", "##"], "only hold"),
        ([[0, 2], [1, 1]], "0 or 1"),
        ("###", "list of row strings"),
        (np.zeros(3), "2D"),
    ],
)
def test_parse_image_rejects_malformed_images(image, message):
    with pytest.raises(ValueError, match=message):
        data.parse_image(image)


def test_images_of_different_sizes_cannot_share_a_batch():
    with pytest.raises(ValueError, match="same size"):
        data.parse_images([["##", "##"], ["###", "###", "###"]])


def test_text_windows_are_the_distinct_bigrams_in_order_of_appearance():
    text = data.text_data()
    labels, windows = data.text_windows(text.inputs, text.vocabulary)
    assert labels == [
        "i like",
        "like it",
        "it <PAD>",
        "i hate",
        "hate it",
        "i don't",
        "don't hate",
        "don't like",
    ]
    assert windows.shape == (8, 2)


def test_image_windows_are_distinct_2x2_regions_labelled_row_major():
    labels, windows = data.image_windows(data.image_data().inputs)
    assert labels[:3] == ["1100", "0000", "0011"]  # from the first image, '###' on top
    assert len(labels) == len(set(labels)) == 13
    for label, window in zip(labels, windows, strict=True):
        assert "".join(str(int(v)) for v in window.reshape(-1)) == label
    assert windows.shape == (13, 2, 2, 1)
