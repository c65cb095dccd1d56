"""app.core.label_layout: coincident points share a label; labels cover no label, point or edge.

Oracle: box geometry checked directly on the placed labels; the real positions are those of a
trained page-3 run (``cnndemo.train.train_section``).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app.core.label_layout import (
    MARKER_PX,
    PLOT_PX,
    LabelSeries,
    coincident_groups,
    group_text,
    place_labels,
)
from cnndemo.train import train_section

UNIT = (-0.08, 1.08)


def _overlap(a, b) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0) * max(height, 0)


def test_points_in_one_spot_share_one_label_with_every_name():
    series = [
        LabelSeries([0.5, 0.5, 0.9], [0.5, 0.5, 0.1], ["don't hate", "i hate", "i like"], "bigram")
    ]
    labels = place_labels(series, x_range=UNIT, y_range=UNIT)
    assert sorted(label.members for label in labels) == [("don't hate", "i hate"), ("i like",)]
    assert {label.text for label in labels} == {"don't hate<br>i hate", "i like"}


def test_a_pile_of_points_is_labelled_by_its_count():
    # Average pooling puts every image at (0.5, 0.5).
    names = [f"{i:04b}" for i in range(16)]
    labels = place_labels([LabelSeries([0.5] * 16, [0.5] * 16, names, "image")],
                          x_range=UNIT, y_range=UNIT)  # fmt: skip
    assert [label.text for label in labels] == ["16 images"]
    assert labels[0].members == tuple(names)
    assert group_text(["a", "b", "c"], "x") == "a<br>b<br>c"


def test_groups_chain_close_points_and_keep_far_ones_apart():
    points = np.array([[0.0, 0.0], [4.0, 3.0], [8.0, 6.0], [100.0, 100.0]])
    assert coincident_groups(points) == [[0, 1, 2], [3]]


@pytest.fixture(scope="module")
def page_3_run():
    return train_section(3, every=100)


def test_labels_of_a_trained_run_never_overlap_each_other_points_or_the_edge(page_3_run):
    final = page_3_run.snapshots[-1]
    windows = final.window_vectors
    names = list(windows)
    points = np.array([windows[n] for n in names])
    examples = np.asarray(final.example_vectors)
    series = [
        LabelSeries(points[:, 0], points[:, 1], names, "bigram"),
        LabelSeries(examples[:, 0], examples[:, 1], list(page_3_run.data.names), "sentence"),
    ]
    labels = place_labels(series, x_range=UNIT, y_range=UNIT)
    assert sum(len(label.members) for label in labels) == len(names) + len(examples)
    for a, b in itertools.combinations(labels, 2):
        assert _overlap(a.box, b.box) == 0, (a.text, b.text)
    scale = PLOT_PX / (UNIT[1] - UNIT[0])
    every_point = np.concatenate([points[:, :2], examples[:, :2]])
    for label in labels:
        left, top, right, bottom = label.box
        assert 0 <= left and right <= PLOT_PX and 0 <= top and bottom <= PLOT_PX, label.text
        for x, y in every_point:
            px, py = (x - UNIT[0]) * scale, (UNIT[1] - y) * scale
            marker = (px - MARKER_PX, py - MARKER_PX, px + MARKER_PX, py + MARKER_PX)
            assert _overlap(label.box, marker) == 0, label.text


def test_labels_keep_clear_of_unlabelled_points_too():
    series = [LabelSeries([0.5], [0.5], ["it <PAD>"], "bigram")]
    free = place_labels(series, x_range=UNIT, y_range=UNIT)[0]
    # A path point right where the label went first: it moves elsewhere.
    scale = PLOT_PX / (UNIT[1] - UNIT[0])
    left, top, right, bottom = free.box
    spot = (UNIT[0] + (left + right) / 2 / scale, UNIT[1] - (top + bottom) / 2 / scale)
    moved = place_labels(series, x_range=UNIT, y_range=UNIT, obstacles=[spot])[0]
    assert moved.box != free.box
