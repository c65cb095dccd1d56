"""Reading the image pages' runs in words (app.core.image_analysis), without Streamlit.

Oracles: the engine's own training results (cnndemo.train.train_section) and hand-computed
windows of small images.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.core import image_analysis as ia
from cnndemo.diagnose import confusable_groups
from cnndemo.models import default_hyperparameters

TOP_LINE = np.array([[1, 1, 1], [0, 0, 0], [0, 0, 0]], dtype=float)


def test_display_name_shows_blank_pixels_as_dots():
    assert ia.display_name("###/   /   ") == "###/···/···"


def test_region_grid_reads_each_window_row_by_row():
    assert ia.region_grid(TOP_LINE) == [["1100", "1100"], ["0000", "0000"]]
    assert ia.region_grid(np.eye(3)) == [["1001", "0010"], ["0100", "1001"]]


def test_region_grid_rejects_an_image_smaller_than_the_kernel():
    with pytest.raises(ValueError, match="smaller than the 2x2 kernel"):
        ia.region_grid(np.ones((1, 3)))


def test_pooling_sources_name_the_windows_that_give_each_channel():
    maps = np.array([[[0.1, 0.9], [0.7, 0.2]], [[0.7, 0.3], [0.0, 0.9]]])  # (2, 2, 2)
    regions = [["a", "b"], ["c", "d"]]
    top = ia.pooling_sources(maps, regions, "max")
    assert [s.value for s in top] == [0.7, 0.9]
    # One winner per channel, by the engine's tie rule: the first in reading order.
    assert top[0].regions == ("b",) and top[0].positions == ((0, 1),)
    assert top[1].regions == ("a",)
    low = ia.pooling_sources(maps, regions, "min")
    assert low[0].regions == ("d",) and low[0].value == 0.0
    mean = ia.pooling_sources(maps, regions, "avg")
    assert mean[1].value == pytest.approx(0.575) and mean[1].regions == ("a", "b", "c", "d")
    with pytest.raises(ValueError):
        ia.pooling_sources(maps, regions, "median")


def test_pooling_story_explains_the_blank_image_from_the_run(pooled_run):
    run, final = pooled_run, pooled_run.final
    blank = run.data.names.index("   /   /   ")
    story = ia.pooling_story(
        blank,
        run.data.names,
        run.data.targets,
        final.probabilities,
        final.example_vectors,
        final.feature_maps[0],
        run.data.inputs[..., 0],
        "max",
    )
    assert "only one kind, `0000`" in story
    assert f"p = {final.probabilities[blank]:.3f}" in story and "**wrong**" in story
    vector = final.example_vectors[blank]
    assert f"({vector[0]:.3f}, {vector[1]:.3f})" in story
    # The nearest image of the other label is really the nearest (largest-channel distance).
    lines = np.flatnonzero(run.data.targets == 1)
    gaps = np.abs(final.example_vectors[lines] - vector).max(axis=1)
    nearest = run.data.names[lines[int(np.argmin(gaps))]]
    assert ia.display_name(nearest) in story
    assert f"**{gaps.min():.3f}**" in story


def test_comparison_rows_say_which_model_is_wrong():
    rows = ia.comparison_rows(["   /   /   ", "###/   /   "], [0, 1], [0.8, 0.9], [0.1, 0.4])
    assert rows[0]["wrong"] == "pooled" and rows[1]["wrong"] == "flattened"
    assert rows[0]["image"] == "···/···/···" and rows[1]["p flattened"] == 0.4
    both = ia.comparison_rows(["x"], [1], [0.2], [0.3])
    assert both[0]["wrong"] == "pooled and flattened"


def test_confusable_groups_find_mixed_labels_with_the_same_vector():
    vectors = np.array([[0.0, 0.32], [0.001, 0.323], [0.9, 0.0], [0.0, 0.321], [0.9, 0.005]])
    targets = np.array([1, 1, 0, 0, 0])
    groups = confusable_groups(vectors, targets)
    assert [g.indices for g in groups] == [(0, 1, 3)]  # (2, 4) share a vector but one label
    assert groups[0].best == pytest.approx(2 / 3)


def test_pooled_sources_name_the_winning_region():
    image = np.array([[1, 1, 1], [0, 0, 0], [0, 0, 0]], dtype=float)
    assert ia.region_bits(image, 0, 1, (2, 2), (1, 1)) == "1100"
    assert ia.region_bits(image, 1, 0, (2, 2), (1, 1)) == "0000"
    feature_map = np.array([[[0.1, 0.2], [0.1, 0.1]], [[0.3, 0.0], [0.3, 0.0]]])
    hp = {**default_hyperparameters(8)}
    assert ia.pooled_sources(image, feature_map, hp) == [["0000 at (1, 0)", "1100 at (0, 0)"]]
    hp["pool"] = "avg"
    assert ia.pooled_sources(image, feature_map, hp) == [["mean of 4 regions"] * 2]
