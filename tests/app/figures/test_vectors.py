"""Learned-vector plots (app.figures.vectors), checked on their Plotly JSON (no Streamlit)."""

from __future__ import annotations

import numpy as np
import pytest

from app.figures.training import thin
from app.figures.vectors import vectors_animation
from cnndemo.train import train_section


@pytest.fixture(scope="module")
def result():
    return train_section(3, every=100)


def test_vectors_animation_has_one_frame_per_snapshot_with_labelled_points(result):
    snaps = result.snapshots
    fig = vectors_animation(
        [s.epoch for s in snaps],
        [s.window_vectors for s in snaps],
        [s.example_vectors for s in snaps],
        result.data.names,
        result.data.targets,
    ).to_dict()
    assert [f["name"] for f in fig["frames"]] == [str(s.epoch) for s in snaps]
    # labels travel once with the traces; frames carry the coordinates of each snapshot
    bigrams, positives, negatives = fig["data"]
    assert list(bigrams["text"]) == list(snaps[-1].window_vectors)
    assert list(positives["text"]) == ["i like it <PAD>", "i don't hate it"]
    assert list(negatives["text"]) == ["i hate it <PAD>", "i don't like it"]
    first, last = fig["frames"][0]["data"], fig["frames"][-1]["data"]
    assert last[0]["x"][0] == pytest.approx(snaps[-1].window_vectors["i like"][0])
    assert first[0]["x"][0] == pytest.approx(snaps[0].window_vectors["i like"][0])
    assert last[2]["y"][1] == pytest.approx(snaps[-1].example_vectors[3, 1])
    assert fig["layout"]["sliders"][0]["steps"][-1]["label"] == str(snaps[-1].epoch)
    assert fig["layout"]["updatemenus"][0]["buttons"][0]["method"] == "animate"
    assert fig["layout"]["xaxis"]["range"][0] < 0 < 1 < fig["layout"]["xaxis"]["range"][1]


def test_flattened_examples_are_paths_through_their_positions():
    windows = {"a b": np.array([0.1, 0.2])}
    examples = np.array([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]])
    fig = vectors_animation([0], [windows], [examples], ["a b c d"], [1]).to_dict()
    path = fig["data"][1]
    assert list(path["x"])[:3] == [0.1, 0.3, 0.5]
    assert list(path["text"])[:3] == ["a b c d @0", "a b c d @1", "a b c d @2"]
    assert "lines" in path["mode"]


def test_animation_thins_long_snapshot_lists_keeping_first_and_last():
    picks = thin(500, 60)
    assert len(picks) <= 60 and picks[0] == 0 and picks[-1] == 499
    with pytest.raises(ValueError):
        vectors_animation([], [])


def test_points_in_one_spot_get_one_combined_label_in_every_frame():
    windows = {"don't hate": np.array([0.0, 1.0]), "i hate": np.array([0.0, 1.0]),
               "i like": np.array([1.0, 0.0])}  # fmt: skip
    examples = np.array([[0.5, 0.5], [0.5, 0.5]])
    fig = vectors_animation(
        [0, 1], [windows, windows], [examples, examples], ["i like it", "i hate it"], [1, 0]
    ).to_dict()
    texts = sorted(a["text"] for a in fig["layout"]["annotations"])
    assert texts == ["don't hate<br>i hate", "i hate it", "i like", "i like it"]
    for frame in fig["frames"]:
        assert len(frame["layout"]["annotations"]) == 4
    # Points are drawn as markers; their names stay for hovering.
    assert fig["data"][0]["mode"] == "markers" and "i hate" in fig["data"][0]["text"]


def test_frames_with_fewer_labels_hide_the_rest_instead_of_leaving_them_on_screen():
    # Epoch 0: every bigram at (0.5, 0.5), one label; epoch 1: apart, one label each.
    start = {name: np.array([0.5, 0.5]) for name in ("a b", "b c", "c d", "d e")}
    end = {"a b": np.array([0.0, 0.0]), "b c": np.array([1.0, 0.0]),
           "c d": np.array([0.0, 1.0]), "d e": np.array([1.0, 1.0])}  # fmt: skip
    fig = vectors_animation([0, 1], [start, end]).to_dict()
    first, last = (frame["layout"]["annotations"] for frame in fig["frames"])
    assert len(first) == len(last) == 4  # merged item by item in the browser
    assert [a["text"] != "" and a["showarrow"] for a in first] == [True, False, False, False]
    assert first[0]["text"] == "4 bigrams" and first[0]["hovertext"] == "a b, b c, c d, d e"
    assert all(a["text"] and a["showarrow"] for a in last)


def test_the_epoch_slider_has_a_row_of_its_own_under_play_and_pause():
    # Beside the buttons, on a phone, the buttons covered the slider's "epoch N" label.
    windows = {"a b": np.array([0.1, 0.2])}
    layout = vectors_animation([0, 1], [windows, windows]).to_dict()["layout"]
    buttons, slider = layout["updatemenus"][0], layout["sliders"][0]
    assert slider["x"] == 0 and slider["len"] == 1
    assert slider["y"] < buttons["y"] - 0.1  # paper units: a button row lower
    assert layout["legend"]["y"] < slider["y"] - 0.3
