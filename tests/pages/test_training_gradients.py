"""The gradient view of the training pages (app/widgets/training_gradients.py), through the
real navigation with AppTest.

Oracles: ``cnndemo.gradients.gradients_at`` and ``example_gradients`` at the shown snapshot's
weights; ``cnndemo.train.train_section(record_gradients=True)`` for the norms chart.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.widgets.training_controls import hp_key
from cnndemo.gradients import example_gradients, gradients_at, layer_norms
from cnndemo.train import train_section
from tests.pages.conftest import DIVERGING, open_page, set_controls, texts, trained_run

PAGE3, PAGE4, PAGE7 = (
    "pages/3_cnn1d_pooled.py",
    "pages/4_cnn1d_flat.py",
    "pages/7_cnn2d_two_layers.py",
)


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def titled(at, start: str) -> list[dict]:
    return [f for f in figures(at) if f["layout"]["title"]["text"].startswith(start)]


def unit(figure: dict) -> str:
    """The "× 1e-6" a gradient figure's title names ("" for plain numbers)."""
    title = figure["layout"]["title"]["text"]
    return title.rsplit("(", 1)[1] if "× 1e" in title else ""


def shown(figure: dict) -> np.ndarray:
    """A gradient figure's panels in engine units, stacked on a last axis."""
    title = figure["layout"]["title"]["text"]
    exponent = int(title.rsplit("× 1e", 1)[1].rstrip(")")) if "× 1e" in title else 0
    maps = [np.array(t["z"], dtype=float) for t in figure["data"] if t["type"] == "heatmap"]
    return np.stack(maps, axis=-1) * 10.0**exponent


def check_view(at, run, epoch: int, example: int) -> None:
    """The whole gradient and the example's share drawn for each parameter are the engine's."""
    snapshot = next(s for s in run.snapshots if s.epoch == epoch)
    whole = gradients_at(run.model, run.data, snapshot.parameters)
    share = example_gradients(run.model, run.data, snapshot.parameters, example)
    wholes = titled(at, "∂error/∂")
    shares = titled(at, f"Share of example #{example}")
    names = [n for n in whole if n.endswith("kernel") or n.startswith("embedding")]
    assert len(wholes) == len(shares) == len(names)
    for name, drawn_whole, drawn_share in zip(names, wholes, shares, strict=True):
        # One colour range and one unit for both: colours compare across the two figures.
        assert drawn_whole["layout"]["coloraxis"] == drawn_share["layout"]["coloraxis"]
        assert unit(drawn_whole) == unit(drawn_share)
        expected_whole, expected_share = whole[name], share[name]
        if expected_whole.ndim == 4:  # panels: every (in, out) pair, out major
            order = (0, 1, 3, 2)
            expected_whole = expected_whole.transpose(order).reshape(*expected_whole.shape[:2], -1)
            expected_share = expected_share.transpose(order).reshape(*expected_share.shape[:2], -1)
        elif expected_whole.ndim == 2:
            expected_whole, expected_share = expected_whole[..., None], expected_share[..., None]
        np.testing.assert_allclose(shown(drawn_whole), expected_whole, rtol=1e-9, atol=1e-300)
        np.testing.assert_allclose(shown(drawn_share), expected_share, rtol=1e-9, atol=1e-300)


def test_page3_shows_the_engines_gradients_and_norms_at_the_defaults():
    at = open_page(PAGE3)
    run = trained_run(at, "s3")
    # Opens on the last snapshot and the first example.
    assert at.select_slider(key="s3.grad.epoch").value == 1000
    check_view(at, run, 1000, 0)
    text = texts(at)
    assert "The 4 shares add up to the whole" in text or "shares add up to the whole" in text
    # The norms chart: every epoch, then the final state; its last point is the final norm.
    reference = train_section(3, record_gradients=True)
    names = list(reference.model.named_parameters())
    layers, per_epoch = layer_norms(names, reference.gradient_norms)
    final = reference.model.unflatten(reference.final.gradients)
    _, final_norms = layer_norms(names, [[np.linalg.norm(final[n]) for n in names]])
    (chart,) = titled(at, "Gradient norm per layer")
    assert [t["name"] for t in chart["data"]] == layers
    for column, trace in enumerate(chart["data"]):
        assert trace["x"][-1] == 1000 and len(trace["x"]) == 1001
        np.testing.assert_allclose(trace["y"][:-1], per_epoch[:, column], rtol=1e-12)
        assert trace["y"][-1] == pytest.approx(final_norms[0, column], rel=1e-12)
    assert chart["layout"]["yaxis"]["type"] == "log"
    assert "For the first 328 epochs the error stayed within 0.001 of ln 2" in text


def test_page3_another_epoch_and_example_and_a_linear_axis():
    at = open_page(PAGE3)
    run = trained_run(at, "s3")
    at.select_slider(key="s3.grad.epoch").set_value(200).run()
    at.selectbox(key="s3.grad.example").set_value(2).run()
    at.radio(key="s3.grad.axis").set_value("linear").run()
    assert not at.exception
    check_view(at, run, 200, 2)
    (chart,) = titled(at, "Gradient norm per layer")
    assert chart["layout"]["yaxis"]["type"] == "linear"
    assert chart["layout"]["shapes"][0]["x0"] == 200
    assert "Cell (" in texts(at)


def test_page3_average_pooling_is_stuck_with_a_near_zero_kernel_gradient():
    at = open_page(PAGE3)
    at.radio(key=hp_key("s3", "pool")).set_value("avg").run()
    run = trained_run(at, "s3")
    kernel = run.model.unflatten(run.final.gradients)["conv1.kernel"]
    norm = float(np.linalg.norm(kernel))
    assert norm < 1e-12
    text = texts(at)
    assert "**Stuck at ln 2.**" in text and f"only **{norm:.1e}**" in text
    assert "cancel" in text


def test_page4_with_a_larger_embedding_draws_the_engines_numbers():
    at = open_page(PAGE4)
    at.number_input(key=hp_key("s4", "embedding_size")).set_value(3).run()
    run = trained_run(at, "s4")
    assert run.model.named_parameters()["embedding.weights"].shape[1] == 3
    at.selectbox(key="s4.grad.example").set_value(3).run()
    check_view(at, run, run.final.epoch, 3)


def test_page7_two_kernels_with_changed_channels():
    at = open_page(PAGE7)
    at.number_input(key=hp_key("s7", "channels")).set_value(3).run()
    at.number_input(key=hp_key("s7", "second_channels")).set_value(1).run()
    run = trained_run(at, "s7")
    epochs = [s.epoch for s in run.snapshots]
    at.select_slider(key="s7.grad.epoch").set_value(epochs[3]).run()
    check_view(at, run, epochs[3], 0)
    assert "Layer 2 conv kernel" in texts(at)


def test_the_views_state_travels_in_the_share_link_and_old_links_still_open():
    at = open_page(PAGE3)
    trained_run(at, "s3")
    at.select_slider(key="s3.grad.epoch").set_value(120).run()
    at.selectbox(key="s3.grad.example").set_value(1).run()
    at.radio(key="s3.grad.axis").set_value("linear").run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert (params["gep"], params["gex"], params["gax"]) == ("120", "1", "linear")
    again = open_page(PAGE3, query_params=params)
    assert not again.exception and not again.warning
    run = trained_run(again, "s3")
    assert again.select_slider(key="s3.grad.epoch").value == 120
    assert again.selectbox(key="s3.grad.example").value == 1
    check_view(again, run, 120, 1)
    old = {k: v for k, v in params.items() if k not in ("gep", "gex", "gax")}
    plain = open_page(PAGE3, query_params=old)
    assert not plain.exception and not plain.warning
    bad = open_page(PAGE3, query_params={**params, "gex": "70"})
    # The link carries the trained model (exact links): the view, and its warning, may show
    # as soon as the page opens, before this test's own Train click.
    shown = [w.value for w in bad.warning]
    trained_run(bad, "s3")
    shown += [w.value for w in bad.warning]
    assert any("settings in the link could not be used" in w for w in shown)
    assert bad.selectbox(key="s3.grad.example").value == 0


def test_a_diverged_run_says_its_gradient_is_not_a_number_and_earlier_epochs_show():
    at = set_controls(open_page(PAGE3), "s3", DIVERGING)
    run = trained_run(at, "s3")
    assert not np.all(np.isfinite(run.final.gradients))
    text = texts(at)
    assert "At epoch 1000 this gradient is not a number" in text
    assert not titled(at, "∂error/∂")
    at.select_slider(key="s3.grad.epoch").set_value(0).run()
    assert not at.exception
    check_view(at, run, 0, 0)
