"""app.core.chart_text: a figure's numbers as tables, read from the JSON the browser receives.

Oracle: the arrays handed to the figure builders, written with ``app.core.numbers``.
"""

from __future__ import annotations

import numpy as np

from app.core.chart_text import MAX_ROWS, chart_tables, plain_text, title_of
from app.figures import images, tensors, training
from app.figures.chart_spec import spec_of
from app.figures.pooling import pool_output_figure
from tests.app.core.test_pool_windows import reference


def test_each_heatmap_panel_is_a_table_named_by_its_ticks_and_axis():
    kernel = np.arange(12.0).reshape(3, 2, 2, 1) - 5  # (height, width, in, out)
    spec = spec_of(tensors.kernel2d_figure(kernel, title="Kernel W"))  # arrays as base64
    tables = chart_tables(spec)
    assert title_of(spec) == "Kernel W"
    assert [t.caption for t in tables] == ["in 0 → out 0", "in 1 → out 0"]
    assert tables[0].header == ("kernel row", "0", "1")
    assert tables[0].rows == (("0", "-5", "-3"), ("1", "-1", "1"), ("2", "3", "5"))


def test_values_written_over_a_heatmap_are_not_listed_twice():
    spec = spec_of(pool_output_figure(reference(), title="output"))
    tables = chart_tables(spec)
    assert len(tables) == 3  # one per channel: the colours encode windows, the text the values
    assert all("taken from row" in cell or "mean of" in cell for cell in tables[0].rows[0][1:])


def test_a_long_curve_is_sampled_with_its_first_and_last_points():
    errors = np.linspace(1.0, 0.5, 1001)
    (table,) = chart_tables(spec_of(training.error_curve(errors)))
    assert table.header == ("epoch", "error") and len(table.rows) <= MAX_ROWS
    assert table.rows[0] == ("0", "1") and table.rows[-1] == ("1000", "0.5")
    assert f"of {len(errors)} points" in table.caption


def test_bars_list_each_example_with_its_probability_and_verdict():
    spec = spec_of(training.probability_bars(["i like", "i hate"], [0.9, 0.25], [1, 1]))
    (table,) = chart_tables(spec)
    assert table.rows == (("0.9000 ✓", "i like", "0.9"), ("0.2500 ✗ wrong", "i hate", "0.25"))


def test_thumbnails_are_listed_by_their_captions_not_their_pixels():
    spec = spec_of(images.image_set_figure(np.zeros((2, 3, 3)), [0, 1], [0.2, 0.7]))
    (table,) = chart_tables(spec)  # the mosaic and the frames are for the eye
    assert table.rows == (("#0 label 0 p=0.200 ✓",), ("#1 label 1 p=0.700 ✓",))


def test_plain_text_drops_plotlys_markup():
    assert plain_text("<b>17.75</b><br><span style='font-size:10px'>from 1,1</span>") == (
        "17.75 from 1,1"
    )


def test_a_sentences_pad_token_is_text_not_markup():
    assert plain_text("i like it <PAD><br>0.5") == "i like it <PAD> 0.5"
