"""Pooling explained cell by cell, and its figures (no Streamlit).

Oracle: ``cnndemo.pool2d`` (itself tested against a loop implementation in tests/engine) for
the pooled numbers; a plain loop over each window for the winners.
"""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnndemo
from app import pooling_figures as pf
from app.figures import relative_luminance
from cnndemo.models import build_model, default_hyperparameters

# docs/lesson.md, section 8.
REFERENCE = np.array(
    [
        [[1, 17, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]],
        [[13, 14, 18], [16, 2, 15], [19, 20, 21], [22, 23, 24]],
        [[25, 26, 27], [28, 29, 30], [31, 32, 33], [34, 35, 36]],
        [[37, 38, 39], [40, 41, 42], [43, 44, 45], [46, 47, 48]],
    ],
    dtype=np.float64,
)


def reference(kind="max", size=(2, 2), stride=(2, 2), padding="valid"):
    return pf.explain_pool(REFERENCE, size, stride, kind, padding)


# --- Pooling worked out --------------------------------------------------------------------------


def test_reference_max_pool_gives_the_tutorial_grid():
    result = reference()
    expected = [[[16, 17, 18], [22, 23, 24]], [[40, 41, 42], [46, 47, 48]]]
    assert result.output.tolist() == expected
    assert pf.output_text(result.output) == "(16, 17, 18) (22, 23, 24) / (40, 41, 42) (46, 47, 48)"


def test_reference_top_left_vector_takes_each_channel_from_a_different_cell():
    result = reference()
    # 16 from (16, 2, 15) at (1, 1), 17 from (1, 17, 3) at (0, 0), 18 from (13, 14, 18) at (1, 0).
    assert result.winners[0, 0].tolist() == [[1, 1], [0, 0], [1, 0]]
    assert pf.cell_vector(REFERENCE, 1, 1) == "(16, 2, 15)"


def test_sentences_write_the_window_per_channel():
    result = reference()
    assert pf.pool_sentence(result, 0, 0, 0) == "max(1, 4, 13, 16) = 16"
    assert pf.pool_sentence(result, 0, 0, 1) == "max(17, 5, 14, 2) = 17"
    assert pf.pool_sentence(result, 0, 0, 2) == "max(3, 6, 18, 15) = 18"
    assert pf.winner_note(result, 0, 0, 1) == "from row 0, column 0"
    assert pf.pool_sentence(reference("min"), 0, 0, 1) == "min(17, 5, 14, 2) = 2"
    avg = reference("avg")
    assert pf.pool_sentence(avg, 0, 0, 0) == "mean(1, 4, 13, 16) = 34 / 4 = 8.5"
    assert pf.winner_note(avg, 0, 0, 0) == "the mean of 4 cells"
    assert (avg.winners == -1).all()


def test_same_padding_leaves_padding_out_of_the_window():
    result = reference("avg", size=(3, 3), stride=(2, 2), padding="same")
    # 4 rows, window 3, stride 2: out 2, total padding 1, all at the end.
    assert result.pads == ((0, 1), (0, 1))
    assert pf.pool_sentence(result, 1, 1, 0) == "mean(31, 34, 43, 46) = 154 / 4 = 38.5"
    assert np.allclose(result.output, cnndemo.pool2d(REFERENCE[None], 3, 2, "avg", "same")[0])


def test_a_window_larger_than_a_valid_grid_is_the_engines_error():
    with pytest.raises(ValueError):
        pf.explain_pool(REFERENCE, (5, 2), (1, 1), "max", "valid")
    with pytest.raises(ValueError, match="pooling kind"):
        pf.explain_pool(REFERENCE, (2, 2), (2, 2), "median", "valid")


@settings(max_examples=60, deadline=None)
@given(
    h=st.integers(1, 7),
    w=st.integers(1, 7),
    channels=st.integers(1, 3),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    sy=st.integers(1, 4),
    sx=st.integers(1, 4),
    kind=st.sampled_from(["max", "min", "avg"]),
    padding=st.sampled_from(["valid", "same"]),
    seed=st.integers(0, 10_000),
)
def test_explained_pooling_equals_the_engine_and_winners_are_first_in_reading_order(
    h, w, channels, kh, kw, sy, sx, kind, padding, seed
):
    # Small integers make ties common, which is where the winner rule matters.
    grid = np.random.default_rng(seed).integers(0, 4, size=(h, w, channels)).astype(float)
    try:
        expected = cnndemo.pool2d(grid[None], (kh, kw), (sy, sx), kind, padding)[0]
    except ValueError:
        with pytest.raises(ValueError):
            pf.explain_pool(grid, (kh, kw), (sy, sx), kind, padding)
        return
    result = pf.explain_pool(grid, (kh, kw), (sy, sx), kind, padding)
    assert np.allclose(result.output, expected)
    out_h, out_w = result.out_shape
    for r, c, ch in itertools.product(range(out_h), range(out_w), range(channels)):
        window = result.window(r, c)
        cells = [
            (y, x) for y in window.real_rows(h) for x in window.real_cols(w)
        ]  # row-major order
        values = [grid[y, x, ch] for y, x in cells]
        assert values == pf.window_values(result, r, c, ch)
        if kind == "avg":
            continue
        best = max(values) if kind == "max" else min(values)
        assert tuple(result.winners[r, c, ch]) == cells[values.index(best)]


def test_overlap_and_coverage():
    assert not reference().overlapping
    assert reference().coverage().tolist() == [[1] * 4] * 4
    overlapping = reference(size=(2, 2), stride=(1, 1))
    assert overlapping.overlapping
    assert overlapping.coverage()[1:3, 1:3].tolist() == [[4, 4], [4, 4]]
    # 3 x 3 windows, stride 3 on a 4 x 4 grid: the last row and column are in no window.
    dropped = reference(size=(3, 3), stride=(3, 3))
    assert not dropped.overlapping
    assert int((dropped.coverage() == 0).sum()) == 7


# --- Colours -------------------------------------------------------------------------------------


def test_neighbouring_windows_never_share_a_colour():
    for r, c in itertools.product(range(16), range(16)):
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            if c + dc >= 0:
                assert pf.window_colour_index(r, c) != pf.window_colour_index(r + dr, c + dc)


def test_black_numbers_are_readable_on_every_window_tint():
    for tint in pf.TINTS:
        rgb = tuple(int(tint[i : i + 2], 16) / 255 for i in (1, 3, 5))
        contrast = (relative_luminance(rgb) + 0.05) / 0.05
        assert contrast >= 7.0, tint  # WCAG AAA for normal text
    assert len(set(pf.TINTS)) == len(pf.WINDOW_COLOURS)


# --- Figures -------------------------------------------------------------------------------------


def _validated(figure: go.Figure) -> dict:
    # The builders skip plotly's validation for speed; rebuilding with it checks every property.
    return go.Figure(figure.to_dict()).to_dict()


def _traces(spec: dict, kind: str) -> list[dict]:
    return [t for t in spec["data"] if t["type"] == kind and t.get("mode") != "markers"]


def test_input_figure_colours_each_group_and_rings_the_winners():
    result = reference()
    spec = _validated(pf.pool_input_figure(result, title="input", selected=(0, 0)))
    heatmaps = _traces(spec, "heatmap")
    assert len(heatmaps) == 3
    expected_fill = [[0, 0, 1, 1], [0, 0, 1, 1], [3, 3, 4, 4], [3, 3, 4, 4]]
    assert [[int(v) for v in row] for row in heatmaps[0]["z"]] == expected_fill
    texts = [t for t in spec["data"] if t.get("mode") == "text"]
    assert texts[1]["text"][:4] == ["17", "5", "8", "11"]
    rings = [s for s in spec["layout"]["shapes"] if s["type"] == "circle"]
    centres = [((r["y0"] + r["y1"]) / 2, (r["x0"] + r["x1"]) / 2) for r in rings]
    assert centres == [(1, 1), (0, 0), (1, 0)]
    assert [r["xref"] for r in rings] == ["x", "x2", "x3"]
    # 4 coloured windows per channel, the selected window (halo and line) and its winner.
    assert len(spec["layout"]["shapes"]) == 3 * (4 + 2 + 1)
    window_lines = {s["line"]["color"] for s in spec["layout"]["shapes"][:4]}
    assert window_lines == {pf.WINDOW_COLOURS[i] for i in (0, 1, 3, 4)}
    assert spec["layout"]["title"]["text"] == "input"
    assert "hovertemplate" in heatmaps[0]


def test_overlapping_windows_are_outlines_inset_apart_with_only_the_selection_filled():
    result = reference(stride=(1, 1))
    spec = _validated(pf.pool_input_figure(result, title="input", selected=(1, 1)))
    fill = np.array(_traces(spec, "heatmap")[0]["z"], dtype=float)
    colour = pf.window_colour_index(1, 1)
    assert (fill[1:3, 1:3] == colour).all()
    assert (np.delete(fill.ravel(), [5, 6, 9, 10]) == -1).all()
    first_channel = [s for s in spec["layout"]["shapes"] if s["xref"] == "x"][:9]
    left_edges = {(s["x0"], s["y0"]) for s in first_channel}
    assert len(left_edges) == 9  # no two window outlines start at the same corner


def test_padding_cells_are_blank_and_labelled():
    result = reference("max", size=(3, 3), stride=(2, 2), padding="same")
    spec = _validated(pf.pool_input_figure(result, title="input"))
    heatmap = _traces(spec, "heatmap")[0]
    assert heatmap["z"][4][4] is None
    assert spec["layout"]["xaxis"]["ticktext"][-1] == "pad"


def test_output_figure_says_where_each_value_came_from():
    spec = _validated(pf.pool_output_figure(reference(), title="output", selected=(0, 0)))
    texts = [t for t in spec["data"] if t.get("mode") == "text"]
    assert texts[0]["text"][0].startswith("<b>16</b>") and "1,1" in texts[0]["text"][0]
    assert "0,0" in texts[1]["text"][0]
    heatmap = _traces(spec, "heatmap")[0]
    assert "taken from row 1, column 1" in heatmap["text"][0][0]
    assert [[int(v) for v in row] for row in heatmap["z"]] == [[0, 1], [3, 4]]
    avg = _validated(pf.pool_output_figure(reference("avg"), title="output"))
    assert "mean of 4" in [t for t in avg["data"] if t.get("mode") == "text"][0]["text"][0]


def test_big_grids_are_drawn_without_numbers():
    grid = np.ones((16, 16, 6))
    result = pf.explain_pool(grid, (1, 1), (1, 1), "max", "valid")
    spec = pf.pool_input_figure(result, title="big").to_dict()
    assert not [t for t in spec["data"] if t.get("mode") == "text"]


# --- Ledgers -------------------------------------------------------------------------------------


def test_pool_ledger_rows():
    rows = pf.pool2d_ledger(4, 4, 3, (2, 2), (2, 2), "max", "valid")
    assert [(r.stage, r.shape, r.params) for r in rows] == [
        ("input", (1, 4, 4, 3), None),
        ("pool2d", (1, 2, 2, 3), None),
    ]
    bad = pf.pool2d_ledger(4, 4, 3, (5, 5), (1, 1), "max", "valid")
    assert bad[1].shape == () and bad[1].note


def test_model_ledger_matches_the_engines_model():
    hp = default_hyperparameters(8)
    rows = pf.downsampled_model_ledger(16, (3, 3), hp)
    assert [r.shape for r in rows] == [(16, 3, 3, 1), (16, 2, 2, 2), (16, 2, 2, 2), (16, 1, 1, 2),
                                       (16, 2), (16, 1)]  # fmt: skip
    model = build_model(8, **hp)
    assert sum(r.params or 0 for r in rows) == model.parameters.size == 13
    no_pooling = {**hp, "pool_size": [1, 1], "pool_stride": [1, 1]}
    rows = pf.downsampled_model_ledger(16, (3, 3), no_pooling)
    assert rows[-2].shape == (16, 8)
    assert sum(r.params or 0 for r in rows) == build_model(8, **no_pooling).parameters.size


# --- Reading a trained model ---------------------------------------------------------------------


def test_confusable_groups_find_mixed_labels_with_the_same_vector():
    vectors = np.array([[0.0, 0.32], [0.001, 0.323], [0.9, 0.0], [0.0, 0.321], [0.9, 0.005]])
    targets = np.array([1, 1, 0, 0, 0])
    groups = pf.confusable_groups(vectors, targets)
    assert [g.indices for g in groups] == [(0, 1, 3)]  # (2, 4) share a vector but one label
    assert groups[0].best == pytest.approx(2 / 3)


def test_pooled_sources_name_the_winning_region():
    image = np.array([[1, 1, 1], [0, 0, 0], [0, 0, 0]], dtype=float)
    assert pf.region_bits(image, 0, 1, (2, 2), (1, 1)) == "1100"
    assert pf.region_bits(image, 1, 0, (2, 2), (1, 1)) == "0000"
    feature_map = np.array([[[0.1, 0.2], [0.1, 0.1]], [[0.3, 0.0], [0.3, 0.0]]])
    hp = {**default_hyperparameters(8)}
    assert pf.pooled_sources(image, feature_map, hp) == [["0000 at (1, 0)", "1100 at (0, 0)"]]
    hp["pool"] = "avg"
    assert pf.pooled_sources(image, feature_map, hp) == [["mean of 4 regions"] * 2]
