"""Section 8 page (pages/8_cnn2d_downsampled.py) through the real navigation, with AppTest.

Oracles: ``cnndemo.pool2d`` for the worked example, ``cnndemo.sections.run_section(8, ...)``
for the trained model (same seed, same numbers).
"""

from __future__ import annotations

import json
import re
import statistics
import time

import numpy as np
import pytest

import cnndemo
from app.core.image_sets import tutorial_set
from app.core.pool_windows import output_text
from app.core.training_jobs import TrainingRun, fingerprint
from app.widgets.image_set_editor import label_key, pixel_key
from app.widgets.training_controls import hp_key
from cnndemo import data as data_mod
from cnndemo.all_images import evaluate_all
from cnndemo.models import build_model, default_hyperparameters
from cnndemo.sections import run_section
from cnndemo.train import train as train_model
from tests.pages.conftest import (
    chart_titled,
    click,
    click_train,
    edit_cells,
    open_page,
    pick_table,
    table_key,
    texts,
)

PAGE = "pages/8_cnn2d_downsampled.py"
MODEL_TAB = "Train the down-sampled CNN"
GRID_TAB = "Down-sampling a grid"
X = np.array(
    [
        [[1, 17, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]],
        [[13, 14, 18], [16, 2, 15], [19, 20, 21], [22, 23, 24]],
        [[25, 26, 27], [28, 29, 30], [31, 32, 33], [34, 35, 36]],
        [[37, 38, 39], [40, 41, 42], [43, 44, 45], [46, 47, 48]],
    ],
    dtype=float,
)
THUMB = re.compile(r"p=([0-9.]+)")
CARD = re.compile(r"^:(?:green|red)\[.*p(?:\(1\))? = ([0-9.]+)")
REFERENCE = "(16, 17, 18) (22, 23, 24) / (40, 41, 42) (46, 47, 48)"


@pytest.fixture
def at():
    return open_page(PAGE)


def pooled(at) -> str:
    """The pooled grid the page writes as text."""
    return next(
        m.value.removeprefix("### `").removesuffix("`")
        for m in at.markdown
        if m.value.startswith("### `")
    )


def expected(x=X, size=(2, 2), stride=(2, 2), kind="max", padding="valid") -> str:
    return output_text(cnndemo.pool2d(x[None], size, stride, kind, padding)[0])


def open_model_tab(at):
    at.session_state["p8.tab"] = MODEL_TAB
    return at.run()


def chart(at, title: str) -> dict:
    """The figure JSON of the chart whose title starts with ``title``."""
    return next(
        spec
        for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
        if spec["layout"]["title"]["text"].startswith(title)
    )


def bar_probabilities(at) -> list[float]:
    return chart(at, "P(line) per image")["data"][0]["y"]


# --- Part 1: down-sampling a grid ---------------------------------------------------------------


def test_opens_on_the_tutorial_reference(at):
    assert not at.exception and not at.error
    assert at.title[0].value == "CNN 2D down sampled"
    assert pooled(at) == REFERENCE
    page = texts(at)
    assert "Output cell (0, 0)** = `(16, 17, 18)`" in page
    assert (
        "channel 0: `max(1, 4, 13, 16) = 16`, from row 1, column 1, the vector `(16, 2, 15)`"
        in page
    )
    assert (
        "channel 1: `max(17, 5, 14, 2) = 17`, from row 0, column 0, the vector `(1, 17, 3)`" in page
    )
    assert (
        "channel 2: `max(3, 6, 18, 15) = 18`, from row 1, column 0, the vector `(13, 14, 18)`"
        in page
    )
    assert "mixes numbers from 3 different input cells" in page
    assert "| pool2d | `(1, 2, 2, 3)` | – |" in page
    formulas = [el.value for el in at.get("latex")]
    assert any("= 2" in f and "rows" in f for f in formulas)
    assert {m.label: m.value for m in at.metric}["kept"] == "25%"


def set_pooling(at, kind, size, stride, padding):
    """Set every pooling control, then run once."""
    at.radio(key="p8.kind").set_value(kind)
    at.slider(key="p8.ky").set_value(size[0])
    at.slider(key="p8.kx").set_value(size[1])
    at.slider(key="p8.s.sy").set_value(stride[0])
    at.slider(key="p8.s.sx").set_value(stride[1])
    at.radio(key="p8.p").set_value(padding)
    return at.run()


def test_pool_kind_window_stride_and_padding_follow_the_engine(at):
    for kind, size, stride, padding in [
        ("min", (2, 2), (2, 2), "valid"),
        ("avg", (2, 2), (2, 2), "valid"),
        ("max", (3, 2), (1, 2), "valid"),
        ("avg", (3, 3), (2, 2), "same"),
        ("min", (2, 3), (3, 1), "same"),
    ]:
        set_pooling(at, kind, size, stride, padding)
        assert not at.exception and not at.error
        assert pooled(at) == expected(size=size, stride=stride, kind=kind, padding=padding)


def test_mean_is_written_with_its_sum_and_other_cells_can_be_selected(at):
    at.radio(key="p8.kind").set_value("avg").run()
    assert "channel 0: `mean(1, 4, 13, 16) = 34 / 4 = 8.5`" in texts(at)
    at.slider(key="p8.pos.0").set_value(1).run()
    at.slider(key="p8.pos.1").set_value(1).run()
    assert "Output cell (1, 1)**" in texts(at)
    assert "channel 2: `mean(33, 36, 45, 48) = 162 / 4 = 40.5`" in texts(at)


def test_overlapping_and_dropped_cells_are_explained(at):
    set_pooling(at, "max", (2, 2), (1, 1), "valid")
    assert "overlap" in texts(at)
    set_pooling(at, "max", (3, 3), (3, 3), "valid")
    assert "**7 input cell(s)** lie in no window" in texts(at)


def test_editing_a_cell_changes_the_pooled_grid(at):
    pick_table(at, "p8.x", 1)
    edit_cells(at, table_key(at, "p8.x", 1), {0: {"col 0": 100.0}})
    x = X.copy()
    x[0, 0, 1] = 100.0
    assert pooled(at) == expected(x=x) == "(16, 100, 18) (22, 23, 24) / (40, 41, 42) (46, 47, 48)"


@pytest.mark.parametrize("bad", ["abc", float("inf")])
def test_bad_cells_give_an_error_and_keep_the_other_inputs(at, bad):
    at.radio(key="p8.kind").set_value("min").run()
    edit_cells(at, table_key(at, "p8.x", 0), {2: {"col 1": bad}})
    assert at.error and "need fixing" in at.error[0].value and not at.exception
    assert at.radio(key="p8.kind").value == "min"
    assert pooled(at) == expected(kind="min")


def test_a_window_larger_than_the_grid_is_an_error_not_a_crash(at):
    at.slider(key="p8.ky").set_value(5).run()
    assert not at.exception
    assert "The pooling cannot run with these settings" in at.error[0].value
    assert at.slider(key="p8.kx").value == 2 and at.radio(key="p8.kind").value == "max"
    assert "no output" in " ".join(el.value for el in at.get("latex"))


def test_the_grid_part_keeps_its_settings_while_the_model_tab_is_open(at):
    at.radio(key="p8.kind").set_value("min").run()
    at.slider(key="p8.s.sx").set_value(1).run()
    open_model_tab(at)
    assert not at.exception
    at.session_state["p8.tab"] = GRID_TAB
    at.run()
    assert at.radio(key="p8.kind").value == "min"
    assert pooled(at) == expected(stride=(2, 1), kind="min")


# --- Part 2: the down-sampled model trained live ------------------------------------------------


def test_training_shows_the_engines_predictions_for_the_same_seed(at):
    open_model_tab(at)
    at.number_input(key=hp_key("p8m", "seed")).set_value(3).run()
    click_train(at, "p8m")
    assert not at.exception and not at.error
    report = run_section(8, seed=3)
    reference = [p["probability"] for p in report["predictions"]]
    np.testing.assert_allclose(bar_probabilities(at), reference, rtol=0, atol=1e-12)
    # The thumbnails: each writes its probability, marked right or wrong.
    thumbnails = chart(at, "The training images")
    captions = thumbnails["data"][1]["text"]
    assert [float(THUMB.search(c).group(1)) for c in captions] == [round(p, 3) for p in reference]
    labels = tutorial_set().labels
    wrong = [i for i, p in enumerate(reference) if (p > 0.5) != bool(labels[i])]
    assert [i for i, c in enumerate(captions) if "✗" in c] == wrong == [6]
    assert len(thumbnails["layout"]["shapes"]) == 1  # the wrong one is framed
    # The pixel editor's cards show the same numbers when it is open.
    at.session_state["p8.edit"] = True
    at.run()
    cards = [m.value for m in at.markdown if CARD.search(m.value)]
    assert [float(CARD.search(card).group(1)) for card in cards] == [round(p, 3) for p in reference]
    blank = next(p for p in report["predictions"] if "#" not in p["input"])["probability"]
    page = texts(at)
    assert f"The **blank image** (label 0) gets P(line) = **{blank:.3f}**" in page
    assert 0.75 < blank < 0.85  # the tutorial's "about 0.8": the blank image is misclassified


def test_the_explanation_names_the_images_pooled_like_the_blank_one(at):
    open_model_tab(at)
    click_train(at, "p8m")
    page = texts(at)
    assert "These 5 images reach the dense layer with almost the same pooled vector" in page
    assert "best it can do is the share of lines among them, **0.80**" in page
    table = at.dataframe[0].value
    blank = table[table["image"] == "···/···/···"].iloc[0]
    assert blank["channel 0 from"] == "0000 at (0, 0)" and blank["right?"] == "✗ wrong"


def test_model_pool_kind_and_window_follow_the_engine(at):
    open_model_tab(at)
    for pool, size, stride, features in [("avg", 2, 2, 2), ("max", 1, 1, 8)]:
        at.radio(key=hp_key("p8m", "pool")).set_value(pool)
        for key in ("p8m.py", "p8m.px"):
            at.slider(key=key).set_value(size)
        for key in ("p8m.sy", "p8m.sx"):
            at.slider(key=key).set_value(stride)
        click_train(at.run(), "p8m")
        assert not at.exception and not at.error
        report = run_section(8, pool=pool, pool_size=size, pool_stride=stride)
        np.testing.assert_allclose(
            bar_probabilities(at), [p["probability"] for p in report["predictions"]], atol=1e-12
        )
        assert f"| flatten | `(16, {features})` |" in texts(at)


def test_a_pool_window_too_big_for_the_images_disables_training(at):
    open_model_tab(at)
    at.slider(key="p8m.py").set_value(3).run()
    assert not at.exception
    assert any("cannot take 3x3 images" in e.value for e in at.error)
    assert at.button(key="p8m.tp.train").disabled
    assert at.number_input(key=hp_key("p8m", "seed")).value == 0


def test_edited_images_are_what_the_model_trains_on(at):
    open_model_tab(at)
    # The pixel editor only runs while its expander is open.
    assert not [b.key for b in at.button if b.key.startswith("p8.img")]  # no editor button
    at.session_state["p8.edit"] = True
    at.run()
    at.button(key=pixel_key("p8.img", 6, 1, 1)).click().run()  # a dot in the blank image
    at.button(key=label_key("p8.img", 0)).click().run()  # the top row is now "not a line"
    click_train(at, "p8m")
    images = list(tutorial_set().images)
    images[6] = ("   ", " # ", "   ")
    labels = [0] + list(tutorial_set().labels[1:])
    report = run_section(8, images=images, labels=labels)
    np.testing.assert_allclose(
        bar_probabilities(at), [p["probability"] for p in report["predictions"]], atol=1e-12
    )


# --- Share links and timing ---------------------------------------------------------------------


def test_share_link_round_trip_restores_both_parts(at):
    at.radio(key="p8.kind").set_value("avg").run()
    at.slider(key="p8.s.sy").set_value(1).run()
    pick_table(at, "p8.x", 2)
    edit_cells(at, table_key(at, "p8.x", 2), {3: {"col 3": -7.5}})
    open_model_tab(at)
    at.number_input(key=hp_key("p8m", "seed")).set_value(5).run()
    at.radio(key=hp_key("p8m", "pool")).set_value("min").run()
    at.slider(key="p8m.sx").set_value(1).run()
    params = dict(at.query_params)
    assert params["k"] == "avg" and params["seed"] == "5" and params["pool"] == "min"
    assert params["msx"] == "1"

    reopened = open_page(PAGE, params)
    assert not reopened.warning and not reopened.exception
    assert reopened.session_state["p8.tab"] == MODEL_TAB  # the link reopens the tab it was on
    reopened.session_state["p8.tab"] = "Down-sampling a grid"
    reopened.run()
    x = X.copy()
    x[3, 3, 2] = -7.5
    assert pooled(reopened) == expected(x=x, stride=(1, 2), kind="avg")
    open_model_tab(reopened)
    assert reopened.number_input(key=hp_key("p8m", "seed")).value == 5
    assert reopened.radio(key=hp_key("p8m", "pool")).value == "min"
    assert reopened.slider(key="p8m.sx").value == 1
    assert dict(reopened.query_params) == params


@pytest.mark.parametrize(
    "params",
    [
        {"x": "4x4x3_1", "k": "max"},
        {"lr": "nan", "ky": "2"},
    ],
)
def test_malformed_links_warn_and_fall_back_to_the_reference(params):
    at = open_page(PAGE, params)
    assert len(at.warning) == 1 and "could not be used" in at.warning[0].value
    assert pooled(at) == REFERENCE and not at.exception


def test_rerun_time_after_a_widget_change_is_reported(at, capsys):
    """Measured, not asserted: median full reruns after a pool-kind change, on each tab."""
    medians = {}
    for tab, key in ((GRID_TAB, "p8.kind"), (MODEL_TAB, hp_key("p8m", "pool"))):
        at.session_state["p8.tab"] = tab
        at.run()
        times = []
        for i in range(8):
            at.radio(key=key).set_value("min" if i % 2 == 0 else "max")
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        medians[tab] = statistics.median(times)
    with capsys.disabled():
        print(
            "\n[cnn2d-downsampled] median rerun after a widget change: "
            + ", ".join(f"{tab}: {t:.3f} s" for tab, t in medians.items())
        )
    assert not at.exception


def test_a_loaded_model_sets_the_pooling_inputs_to_its_own(at):
    # AppTest cannot attach a file, so put a run the way the panel's upload callback leaves it.
    hp = {**default_hyperparameters(8), "pool_size": [1, 1], "pool_stride": [1, 1]}
    model = build_model(8, **hp)
    data = data_mod.image_data()
    final = train_model(model, data, epochs=0).final
    loaded = TrainingRun(8, hp, fingerprint(8, data, hp), model, data, [], [final],
                            final, 2000, source="loaded", file_name="model.json")  # fmt: skip
    at.session_state["p8m.tp.run"] = loaded
    open_model_tab(at)
    assert not at.exception
    assert [at.slider(key=k).value for k in ("p8m.py", "p8m.px", "p8m.sy", "p8m.sx")] == [
        1, 1, 1, 1
    ]  # fmt: skip
    assert "Loaded model `model.json`" in texts(at)
    assert not at.warning  # the controls now match the model: its results are current


def test_the_model_tab_has_the_lab_all_512_images_and_the_blank_image_explained(at):
    click_train(open_model_tab(at), "p8m")
    assert not at.exception
    run = at.session_state["p8m.tp.run"]
    counts = evaluate_all(run.model).counts
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["others called lines"] == str(counts["false positives"])
    notes = [i.value for i in at.info if i.icon == ":material/lightbulb:"]
    assert any("The blank image looks like a line" in n for n in notes)
    assert "What it has learned at epoch 2000" in texts(at)


def test_clicks_on_the_pooling_heatmaps_select_a_window_or_probe_a_cell():
    at = open_page(PAGE)
    click(at, "p8.fig.y", 2, 1, 0)  # any channel's panel: output row 1, column 0
    assert (at.slider(key="p8.pos.0").value, at.slider(key="p8.pos.1").value) == (1, 0)
    assert "**Output cell (1, 0)** = `(40, 41, 42)`" in texts(at)
    # Input (1, 1) lies in the top-left window only; with stride 1 it is in four windows.
    click(at, "p8.fig.x", 0, 1, 1)
    assert "Input x[1, 1] feeds 1 output: y[0, 0] (as window cell 1, 1)." in texts(at)
    pooled = chart_titled(at, "Pooled grid")
    dashed = [s for s in pooled["layout"]["shapes"] if s["line"].get("dash") == "dash"]
    assert len(dashed) == 3  # output (0, 0) in each of the three channels
    at.slider(key="p8.s.sy").set_value(1).run()
    at.slider(key="p8.s.sx").set_value(1).run()
    assert (
        "Input x[1, 1] feeds 4 outputs: y[0, 0] (as window cell 1, 1), y[0, 1] (cell 1, 0)"
        in texts(at)
    )
    assert not at.exception
