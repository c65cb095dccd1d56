"""The receptive-field view (app/widgets/receptive_field.py) on page 7 and page 8's model tab,
through the real navigation with AppTest.

Oracles: ``cnndemo.explain.receptive_field`` / ``receptive_field_size`` on plans made by hand,
and a brute-force dependency search on the page's own trained model: nudge each pixel and see
whether the selected cell of the top map changes.
"""

from __future__ import annotations

import json

import numpy as np

from app.core.image_sets import ImageSet
from cnndemo import explain
from tests.pages.conftest import open_page, texts, trained_run

PAGE7, PAGE8 = "pages/7_cnn2d_two_layers.py", "pages/8_cnn2d_downsampled.py"
SIDE = 6
LINES = tuple(
    tuple("#" * SIDE if r == row else " " * SIDE for r in range(SIDE)) for row in range(SIDE)
)
SIX = ImageSet(
    (*LINES, tuple(" " * SIDE for _ in range(SIDE)), ("#  #  ", *(" " * SIDE,) * 5)),
    (1,) * SIDE + (0, 0),
)


def drawn_counts(at) -> list[np.ndarray]:
    """The maps the view draws, image first (one figure each, titled by the map)."""
    names = ("image", "layer 1 output", "layer 2 output", "conv output", "pooled map")
    specs = (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
    return [
        np.array(spec["data"][0]["z"], dtype=float).astype(int)
        for spec in specs
        if spec["layout"]["title"]["text"] in names
    ]


def formulas(at) -> list[str]:
    values = (el.value.strip("$").strip() for el in at.get("latex"))  # st.latex wraps in $$
    return [value for value in values if r"\begin{aligned} r_{" in value]


def page7_on_six(cell: tuple[int, int]):
    """Page 7 on the 6x6 images, with ``cell`` of layer 2's output selected."""
    at = open_page(PAGE7)
    at.session_state["s7.images.set"] = SIX
    at.run()
    at.slider(key="s7.rf.0").set_value(cell[0]).run()
    return at.slider(key="s7.rf.1").set_value(cell[1]).run()


def dependency_search(top, image: np.ndarray, cell: tuple[int, int]) -> np.ndarray:
    """Pixels whose nudge changes the top map's ``cell`` (``top(x)`` -> (1, h, w, c))."""
    base = top(image)[0][cell]
    moved = np.zeros(image.shape[1:3], dtype=bool)
    for r, c in np.ndindex(*moved.shape):
        nudged = image.copy()
        nudged[0, r, c, 0] += 0.5
        moved[r, c] = np.any(np.abs(top(nudged)[0][cell] - base) > 1e-12)
    return moved


def test_page7_default_every_pixel_feeds_the_single_layer2_cell():
    at = open_page(PAGE7)
    assert not at.exception
    image, layer1, layer2 = drawn_counts(at)
    assert image.tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    assert layer1.tolist() == [[1, 1], [1, 1]] and layer2.tolist() == [[1]]
    plan1 = explain.conv_plan((3, 3), (2, 2))
    plan2 = explain.conv_plan(plan1.out_shape, (2, 2))
    np.testing.assert_array_equal(image, explain.receptive_field([plan1, plan2], (0, 0)))
    rows, cols = formulas(at)
    assert rows.endswith(r"&= 1 + (2 - 1) \cdot 1 + (2 - 1) \cdot 1 \cdot 1 \\ &= 3 \end{aligned}")
    assert r"r_{\text{columns}}" in cols
    text = texts(at)
    assert "**16 paths** in all" in text and "(4 × 4 = 16)" in text
    assert "**3 × 3**, exactly the formula's 3 × 3 ✓" in text
    assert "layer 2 output row: **0** (the only one)" in text


def test_page7_on_6x6_images_a_chosen_cell_matches_a_dependency_search():
    at = page7_on_six((3, 1))
    assert not at.exception
    image_counts, layer1, layer2 = drawn_counts(at)
    assert layer2.shape == (4, 4) and layer2[3, 1] == 1
    plan1 = explain.conv_plan((6, 6), (2, 2))
    plan2 = explain.conv_plan(plan1.out_shape, (2, 2))
    np.testing.assert_array_equal(image_counts, explain.receptive_field([plan1, plan2], (3, 1)))
    np.testing.assert_array_equal(layer1, explain.receptive_field([plan2], (3, 1)))
    run = trained_run(at, "s7")
    model = run.model

    def top(x):
        model.forward(x)
        return model.feature_maps()[1]

    image = run.data.inputs[-1:].copy()
    np.testing.assert_array_equal(dependency_search(top, image, (3, 1)), image_counts > 0)
    assert "rows 3–5 and columns 1–3: **3 × 3**" in texts(at)


def test_page8_model_tab_pooled_map_with_stride_1_and_average_pooling():
    at = open_page(PAGE8)
    at.session_state["p8.tab"] = "Train the down-sampled CNN"
    at.session_state["p8.img.set"] = SIX
    at.run()
    at.slider(key="p8m.sy").set_value(1).run()
    at.slider(key="p8m.sx").set_value(1).run()
    at.radio(key="p8m.tp.hp.pool").set_value("avg").run()
    at.slider(key="p8m.rf.0").set_value(2).run()
    at.slider(key="p8m.rf.1").set_value(0).run()
    assert not at.exception
    image_counts, conv, pooled = drawn_counts(at)
    assert pooled.shape == (4, 4) and pooled[2, 0] == 1
    plan1 = explain.conv_plan((6, 6), (2, 2))
    plan2 = explain.pool_plan(plan1.out_shape, (2, 2), (1, 1))
    np.testing.assert_array_equal(image_counts, explain.receptive_field([plan1, plan2], (2, 0)))
    assert explain.receptive_field_size([plan1, plan2]) == (3, 3)
    assert "**3 × 3**, exactly the formula's 3 × 3 ✓" in texts(at)
    run = trained_run(at, "p8m")
    model = run.model

    def top(x):
        model.forward(x)
        return model.layer("pool").forward(model.feature_maps()[0])

    image = run.data.inputs[-1:].copy()
    np.testing.assert_array_equal(dependency_search(top, image, (2, 0)), image_counts > 0)
    assert "the pooling window reads 4 cells" in texts(at)


def test_the_selected_cell_travels_in_the_share_link():
    at = page7_on_six((2, 3))
    params = {k: at.query_params[k] for k in at.query_params}
    assert (params["rfr"], params["rfc"]) == ("2", "3")
    again = open_page(PAGE7, query_params=params)
    assert not again.exception and not again.warning
    assert again.slider(key="s7.rf.0").value == 2 and again.slider(key="s7.rf.1").value == 3
    assert drawn_counts(again)[2][2, 3] == 1


def test_a_link_with_only_the_fields_cell_applies_it_and_nothing_else():
    at = page7_on_six((1, 2))
    params = {k: at.query_params[k] for k in at.query_params if k not in ("gep", "gex", "gax")}
    again = open_page(PAGE7, query_params=params)
    trained_run(again, "s7")
    assert not any("could not be used" in w.value for w in again.warning)
    assert again.slider(key="s7.rf.0").value == 1 and again.slider(key="s7.rf.1").value == 2
    assert again.select_slider(key="s7.grad.epoch").value == 2000
