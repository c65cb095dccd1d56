"""Section 9 page (pages/9_conv_arithmetic.py) through the real navigation, with AppTest.

Oracles: the engine (cnndemo.explain.axis, ops.conv_transpose_size / conv_transpose1d,
conv_transpose.transpose_steps, conv1d), the plain loops of cnndemo.reference, and the sizes
Dumoulin and Visin's guide states for its worked examples (arXiv:1603.07285, figures 2.1-2.7,
4.1-4.7 and 5.1).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import cnndemo
from cnndemo import explain, ops, reference
from cnndemo.conv_transpose import transpose_steps
from tests.pages.conftest import chart_titled, open_page, panel_values, texts

PAGE = "pages/9_conv_arithmetic.py"


@pytest.fixture
def at():
    return open_page(PAGE)


def latex(at) -> str:
    return "\n".join(str(el.value) for el in at.latex)


def open_tab(at, label: str):
    at.session_state["c9.tab"] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_rows(at) -> dict[str, list[str]]:
    """The Markdown table rows of the page, by their first cell."""
    rows = {}
    for block in (m.value for m in at.markdown if m.value.startswith("|")):
        for line in block.splitlines()[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def windows_in(figure) -> list[list[int]]:
    """Padded-input columns of every output's taps, read from the windows chart's labels."""
    text = next(t for t in figure["data"] if t["type"] == "scatter")
    rows: dict[int, list[int]] = {}
    for x, y, label in zip(text["x"], text["y"], text["text"], strict=True):
        if label:
            rows.setdefault(y, []).append(x)
    return [sorted(rows[y]) for y in sorted(rows)]


def test_opens_on_the_guides_figure_2_6(at):
    assert not at.exception and not at.error
    assert at.title[0].value == "Convolution arithmetic"
    assert r"\frac{5 + 2 \cdot 1 - 3}{2} \right\rfloor + 1 = 3" in latex(at)
    axis = explain.axis(5, 3, 2, 1)
    windows = windows_in(chart_titled(at, "Where every window sits"))
    assert windows == [[t + axis.before for t in axis.taps(i)] for i in range(axis.out)]
    rows = table_rows(at)
    assert rows["VALID"][-1] == "2" and rows["SAME"][-1] == "3"
    assert rows["explicit p = 1"] == ["1", "1", "3"]
    assert rows["full, p = (k − 1)·d = 2"] == ["2", "2", "4"]


@pytest.mark.parametrize(
    ("n", "k", "s", "mode", "p", "d"),
    [
        (7, 3, 1, "valid", 0, 2),  # the guide's figure 5.1: dilation 2 -> 3
        (6, 3, 2, "explicit", 1, 1),  # figure 2.7: the last row and column are not read
        (10, 4, 3, "same", 0, 2),
        (4, 7, 1, "explicit", 2, 1),  # padded to 8: one window
        (2, 7, 1, "explicit", 2, 1),  # padded to 6: no window
        (3, 5, 2, "valid", 0, 1),  # no window
    ],
)
def test_every_combination_shows_the_engines_size(at, n, k, s, mode, p, d):
    at.number_input(key="c9.n").set_value(n).run()
    at.slider(key="c9.k").set_value(k).run()
    at.slider(key="c9.s").set_value(s).run()
    at.slider(key="c9.d").set_value(d).run()
    at.radio(key="c9.pm").set_value(mode).run()
    if mode == "explicit":
        at.number_input(key="c9.p").set_value(p).run()
    assert not at.exception
    padding = p if mode == "explicit" else mode
    axis = explain.axis(n, k, s, padding, d)
    if axis.fits:
        assert latex(at).count(f"= {axis.out} \\end{{aligned}}") == 1
        assert len(windows_in(chart_titled(at, "Where every window sits"))) == axis.out
    else:
        assert "no output" in latex(at)
    rows = table_rows(at)
    for name, pad in (("VALID", "valid"), ("SAME", "same"), (f"explicit p = {p}", p)):
        expected = explain.axis(n, k, s, pad, d)
        assert rows[name][:2] == [str(expected.before), str(expected.after)]
        assert rows[name][2].split()[0] == str(expected.out)


def test_guide_tab_reproduces_every_worked_example(at):
    open_tab(at, "The guide's relationships")
    rows = {figure.split()[0]: cells for figure, cells in table_rows(at).items()}
    stated = {"2.1": 2, "2.2": 6, "2.3": 5, "2.4": 7, "2.5": 2, "2.6": 3, "2.7": 3, "4.1": 4,
              "4.2": 5, "4.3": 5, "4.4": 5, "4.5": 5, "4.6": 5, "4.7": 6, "5.1": 3}  # fmt: skip
    assert set(rows) == set(stated)
    for figure, size in stated.items():
        *_, guide, engine = rows[figure]
        assert guide == str(size) and engine == f"{size} ✓", figure


@pytest.mark.parametrize(
    ("relationship", "values", "size"),
    [
        ("6", {"gi": 5, "gk": 3, "gs": 2, "gp": 1}, 3),  # figure 2.6
        ("3", {"gi": 5, "gk": 3}, 5),  # half padding keeps the size
        ("4", {"gi": 5, "gk": 3}, 7),  # full padding, figure 2.4
        ("15", {"gi": 7, "gk": 3, "gs": 1, "gp": 0, "gd": 2}, 3),  # dilated, figure 5.1
        ("8", {"gi": 4, "gk": 3}, 4),  # transposed, figure 4.1
        ("12", {"gi": 5, "gk": 3, "gs": 2}, 5),  # transposed with strides, figure 4.5
        ("14", {"gi": 6, "gk": 3, "gs": 2, "gp": 1}, 6),  # a = 1, figure 4.7
    ],
)
def test_each_relationship_is_a_live_example_checked_by_the_engine(at, relationship, values, size):
    open_tab(at, "The guide's relationships")
    at.selectbox(key="c9.rel").set_value(relationship).run()
    for key, value in values.items():
        widget = at.slider if key in ("gk", "gs", "gd") else at.number_input  # explored: sliders
        widget(key=f"c9.{key}").set_value(value).run()
    assert not at.exception
    assert f"**{size}** cells, ✓ the formula agrees" in texts(at)
    assert latex(at).count(f"= {size}") >= 1
    figure = chart_titled(at, "Equivalent direct" if int(relationship) in range(8, 15) else "Where")
    assert len(windows_in(figure)) == size  # the drawn convolution has that many outputs


def test_relationship_conditions_are_explained(at):
    open_tab(at, "The guide's relationships")
    at.selectbox(key="c9.rel").set_value("12").run()
    at.number_input(key="c9.gi").set_value(6).run()  # (6 - 3) is not a multiple of 2
    assert "relationship 14 does, with a = 1" in texts(at)
    at.selectbox(key="c9.rel").set_value("3").run()
    at.slider(key="c9.gk").set_value(4).run()
    assert "Half padding needs an odd kernel" in texts(at)
    assert not at.exception


def test_transposed_convolution_three_ways_and_every_shown_number(at):
    open_tab(at, "Transposed convolution")
    y, w = np.array([1.0, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    expected = ops.conv_transpose1d(y[None, :, None], w[:, None, None], 2, 1)[0, :, 0]
    loop = reference.conv_transpose1d(y[None, :, None], w[:, None, None], 2, 1)[0, :, 0]
    np.testing.assert_allclose(expected, loop)
    assert expected.tolist() == [2, 2, -2, -1, 4]
    (shown,) = panel_values(chart_titled(at, "The transposed convolution of y"))
    np.testing.assert_array_equal(shown[0], expected)
    assert "= 5 \\end{aligned}" in latex(at)
    assert ops.conv_transpose_size(3, 3, 2, 1) == 5
    assert "maps **5** cells to **3** (= n)" in texts(at)
    steps = transpose_steps(y[None, :, None], w[:, None, None], 2, 1)
    (padded,) = panel_values(chart_titled(at, "1. y spread"))
    np.testing.assert_array_equal(np.nan_to_num(padded[0]), steps.padded[0, :, 0])
    (flipped,) = panel_values(chart_titled(at, "2. w turned round"))
    np.testing.assert_array_equal(flipped[0], w[::-1])
    (full,) = panel_values(chart_titled(at, "3. Slid over"))
    np.testing.assert_array_equal(full[0], steps.full[0, :, 0])
    assert texts(at).count("✓") == 2


@pytest.mark.parametrize(
    ("stride", "mode", "p", "a"), [(1, "valid", 0, 0), (3, "same", 0, 0), (2, "explicit", 0, 1)]
)
def test_transposed_settings_follow_the_engine(at, stride, mode, p, a):
    open_tab(at, "Transposed convolution")
    at.slider(key="c9.ts").set_value(stride).run()
    at.radio(key="c9.tpm").set_value(mode).run()
    at.number_input(key="c9.tp").set_value(p).run()
    at.number_input(key="c9.ta").set_value(a).run()
    padding = p if mode == "explicit" else mode
    y, w = np.array([1.0, -1.0, 2.0])[None, :, None], np.array([1.0, 2.0, 3.0])[:, None, None]
    expected = ops.conv_transpose1d(y, w, stride, padding, 1, a)[0, :, 0]
    (shown,) = panel_values(chart_titled(at, "The transposed convolution of y"))
    np.testing.assert_array_equal(shown[0], expected)
    assert not at.exception and texts(at).count("✓") == 2


def test_bad_transposed_settings_are_explained(at):
    open_tab(at, "Transposed convolution")
    at.slider(key="c9.ts").set_value(1).run()
    at.number_input(key="c9.ta").set_value(3).run()  # output padding must stay below the stride
    assert len(at.error) == 1 and "less than the stride" in at.error[0].value
    at.number_input(key="c9.ta").set_value(0).run()
    at.number_input(key="c9.tp").set_value(8).run()  # crops all 5 cells away
    assert len(at.error) == 1 and "crops all" in at.error[0].value
    assert not at.exception


def test_cross_correlation_and_convolution_side_by_side(at):
    open_tab(at, "Convolution or cross-correlation?")
    x, w = np.array([3.0, 1, 4, 1, 5, 9, 2, 6]), np.array([1.0, 2.0, 3.0])
    cross = cnndemo.conv1d(x[None, :, None], w[:, None, None])[0, :, 0]
    true = np.convolve(x, w, mode="valid")  # NumPy's convolution flips the kernel
    page = texts(at)
    assert f"All outputs: **`{cross.astype(int).tolist()}`**" in page
    assert f"**`{true.astype(int).tolist()}`**" in page
    assert "y[0] = 3×1 + 1×2 + 4×3 = 17" in page and "y[0] = 3×3 + 1×2 + 4×1 = 15" in page


def test_share_link_carries_every_tab_and_old_tabs_state(at):
    at.number_input(key="c9.n").set_value(9).run()
    open_tab(at, "The guide's relationships")
    at.selectbox(key="c9.rel").set_value("14").run()
    at.number_input(key="c9.gi").set_value(6).run()
    params = dict(at.query_params)
    assert (params["tab"], params["rel"], params["gi"], params["n"]) == ("guide", "14", "6", "9")
    reopened = open_page(PAGE, params)
    assert not reopened.warning and not reopened.exception
    assert reopened.session_state["c9.tab"] == "The guide's relationships"
    assert reopened.selectbox(key="c9.rel").value == "14"
    assert reopened.number_input(key="c9.gi").value == 6
    assert re.search(r"\*\*6\*\* cells, ✓", texts(reopened))


def test_tampered_link_warns_and_opens_the_defaults():
    at = open_page(PAGE, {"n": "999", "tab": "nope"})
    assert len(at.warning) == 1 and "could not be used" in at.warning[0].value
    assert r"+ 1 = 3 \end{aligned}" in latex(at) and not at.exception
