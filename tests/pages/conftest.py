"""Helpers for page tests: pages load through the real navigation (streamlit_app.py)."""

from __future__ import annotations

import json
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app.core import markup
from app.core.navigation import ROOT
from app.core.training_jobs import TrainingRun
from app.widgets.training_panel import panel_key

TIMEOUT = 30


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    # st.cache_data is process-wide: a test must not see another test's cached results.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def open_page(path: str, query_params: dict[str, str] | None = None) -> AppTest:
    """Run the entry point, switch to ``path`` (e.g. "pages/1_conv1d.py") and run it.

    ``query_params`` are set before the page's first run, as when a share link is opened.
    """
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(path)
    if query_params:
        at.query_params.update(query_params)
    at.run()
    return at


def vocabulary(at: AppTest) -> str:
    """The Markdown listing a text page's vocabulary (its words as code spans)."""
    from app.widgets.sentence_editor import VOCABULARY

    return next(str(m.value) for m in at.markdown if str(m.value).startswith(VOCABULARY))


def shown_links(at: AppTest) -> list[str]:
    """The links the page shows as text (the share box's, the teacher's), as the reader reads
    them: the inline code span of ``app.widgets.copy_button.link_with_copy`` without fences."""
    spans = (re.fullmatch(r"(`+)(.*)\1", str(m.value), re.S) for m in at.markdown)
    return [m.group(2).strip(" ") for m in spans if m and "?" in m.group(2)]


def open_teaching(at: AppTest) -> AppTest:
    """Open "Get the code" and "Make an exercise from this page" (lazy: drawn only while open)
    and rerun."""
    from app.core.page_setups import PAGES
    from app.widgets.teaching import code_key, teacher_key

    for page in PAGES:
        at.session_state[code_key(page)] = True
        at.session_state[teacher_key(page)] = True
    return at.run()


def texts(at: AppTest) -> str:
    """Every piece of text the page shows (markdown, headings, captions, errors, warnings)."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info")
    return "\n".join(str(el.value) for kind in kinds for el in at.get(kind))


def visible(markdown: str) -> str:
    """``markdown`` as the reader sees it, for the text's words: backslash escapes and the
    invisible word joiners of app.core.markup removed ("don\\'t" reads "don't")."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(markup.WORD_JOINER, "")


MARKER = "PWN"
"""What every hostile test string holds, so its echo can be found on the page."""

_TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info",
               "success")  # fmt: skip
_WIDGET_KINDS = ("button", "text_input", "number_input", "selectbox", "radio", "toggle", "metric",
                 "slider", "checkbox", "file_uploader", "expander", "tab", "download_button")  # fmt: skip
# What Markdown, GFM and KaTeX read as syntax around a word: emphasis, strikethrough, links,
# formulas, HTML and autolinks, code spans.
_SYNTAX = set("*_~[]$<>`")
# Bare addresses GFM turns into links (remark-gfm's autolink literal patterns).
_AUTOLINK = re.compile(r"(?i)https?://|www\.|mailto:\w|[-.+\w]+@[-\w]+(?:\.[-\w]+)+")


def markdown_sources(at: AppTest) -> list[str]:
    """The Markdown source of everything the page renders as Markdown: text elements, alerts,
    and the labels and help texts of widgets and metrics."""
    sources = [str(el.value) for kind in _TEXT_KINDS for el in at.get(kind)]
    for kind in _WIDGET_KINDS:
        for el in at.get(kind):
            sources += [v for v in (getattr(el, "label", None), getattr(el, "help", None))
                        if isinstance(v, str)]  # fmt: skip
    return sources


def live_syntax(source: str, marker: str = MARKER) -> list[str]:
    """Words holding ``marker`` with a Markdown syntax character no backslash escapes, outside
    code spans (where nothing is interpreted): each would render as live markup."""
    outside = re.sub(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", " ", source)
    live = []
    for word in re.findall(rf"\S*{marker}\S*", outside):
        plain = re.sub(r"\\.", "", word)  # drop escaped characters (and escaped backslashes)
        resolved = re.sub(r"\\(.)", r"\1", word)  # GFM links bare addresses in this
        if _SYNTAX & set(plain) or _AUTOLINK.search(resolved):
            live.append(word)
    return live


def assert_no_live_markup(at: AppTest, shown: int = 1) -> list[str]:
    """Check that at least ``shown`` Markdown sources echo the marker, none of them live;
    returns the sources that echo it."""
    assert not at.exception, [e.value for e in at.exception]
    echoes = [s for s in markdown_sources(at) if MARKER in s]
    assert len(echoes) >= shown, markdown_sources(at)
    for source in echoes:
        assert not live_syntax(source), source
    return echoes


def table_key(at: AppTest, name: str, table: int = 0) -> str:
    """Widget key of table ``table`` of the tensor editor ``name`` as it is now drawn."""
    from app.widgets.tensor_editor import editor_key

    return editor_key(name, at.session_state[f"{name}.version"], table)


def pick_table(at: AppTest, name: str, table: int) -> AppTest:
    """Show table ``table`` of the tensor editor ``name`` (its picker), so it can be edited."""
    from app.widgets.tensor_editor import table_picker_key

    return at.radio(key=table_picker_key(name)).set_value(table).run()


def edit_cells(at: AppTest, key: str, edits: dict[int, dict[str, object]]) -> AppTest:
    """Edit cells of the data editor ``key`` ({row: {column: value}}) and rerun."""
    at.session_state[key] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    return at.run()


DIVERGING = {"optimizer": "sgd", "activation": "relu", "learning_rate": 10.0, "momentum": 0.99,
             "init_scale": 2.0}  # fmt: skip
"""Settings every control allows that make a training run blow up (issue of the review: the
text pages end in NaN, the image pages bounce)."""


def set_controls(at: AppTest, prefix: str, values: dict[str, object]) -> AppTest:
    """Set hyper-parameter controls of training panel ``prefix`` through their widgets; rerun."""
    from app.widgets.training_controls import hp_key

    for name, value in values.items():
        key = hp_key(prefix, name)
        widget = next(
            w for kind in ("number_input", "selectbox", "radio") for w in at.get(kind)
            if w.key == key
        )  # fmt: skip
        widget.set_value(value)
    return at.run()


def findings(at: AppTest) -> list[str]:
    """The training panel's findings as the reader sees them (title first)."""
    alerts = [*at.error, *at.warning]
    return [visible(a.value) for a in alerts if a.icon == ":material/troubleshoot:"]


def click_train(at: AppTest, prefix: str) -> AppTest:
    """Click the Train button of the training panel with key prefix ``prefix`` and rerun."""
    return at.button(key=panel_key(prefix, "train")).click().run()


def after_training(at: AppTest, prefix: str) -> AppTest:
    """Train, then rerun the page as the browser does when a training ends: AppTest trains in
    the click's own run, whose Continue and Step buttons were drawn (disabled) while it trained,
    and refuses clicks on disabled buttons."""
    return click_train(at, prefix).run()


def trained_run(at: AppTest, prefix: str) -> TrainingRun:
    """Train through the panel; the run it stored, after checking no exception was shown."""
    click_train(at, prefix)
    assert not at.exception, [e.value for e in at.exception]
    return at.session_state[panel_key(prefix, "run")]


def shown_bars(at: AppTest) -> list[float]:
    """The probabilities the page's first bar chart shows."""
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    bar = next(f for f in figures if f["data"] and f["data"][0]["type"] == "bar")
    return list(bar["data"][0]["y"])


def shown_probabilities(at: AppTest, prefix: str) -> list[float]:
    """The probabilities of the stored run, checked to be the ones the bar chart shows."""
    run = at.session_state[panel_key(prefix, "run")]
    assert shown_bars(at) == run.final.probabilities.tolist()
    return run.final.probabilities.tolist()


def decision_line_moves(at: AppTest) -> bool:
    """Whether the page's vector plot has a decision line that differs between its first and
    its last frame."""
    for chart in at.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        names = [trace.get("name") for trace in figure["data"]]
        if "frames" in figure and "P = 0.5 (decision line)" in names:
            line = names.index("P = 0.5 (decision line)")
            first, last = figure["frames"][0]["data"][line], figure["frames"][-1]["data"][line]
            return first["x"] != last["x"] or first["y"] != last["y"]
    raise AssertionError("no vector plot with a decision line")


def sweep_outcome(at: AppTest, prefix: str, section: int) -> tuple[str, str]:
    """Run the page's seed sweep (seeds 0-19, the default); the summary
    ``benchmarks/seed_outcomes.py`` prints for its runs, and for its own runs of seeds 0-19."""
    from benchmarks.seed_outcomes import ours, outcome, summarise

    at.button(key=f"{prefix}.sweep.run").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    _, result, _, _ = at.session_state[f"{prefix}.sweep.result"]
    assert result.seeds == tuple(range(20))
    shown = [
        outcome(section, p, float(e))
        for p, e in zip(result.probabilities, result.final_errors, strict=True)
    ]
    return summarise(section, shown), summarise(section, [ours(section, s) for s in range(20)])


def charts(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page, as its JSON spec."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def chart_titled(at: AppTest, start: str, exact: bool = False) -> dict:
    """The one figure whose title (its first line) starts with ``start``, or is ``start``."""
    lines = [(f, f["layout"]["title"]["text"].split("<br>")[0]) for f in charts(at)]
    found = [f for f, line in lines if line == start or (not exact and line.startswith(start))]
    assert len(found) == 1, [f["layout"]["title"]["text"] for f in charts(at)]
    return found[0]


def panel_values(figure: dict) -> list:
    """The numbers of each heatmap panel (NaN where a cell is padding), in panel order."""
    import numpy as np

    return [
        np.array([[np.nan if v is None else v for v in row] for row in trace["z"]], dtype=float)
        for trace in figure["data"]
        if trace["type"] == "heatmap"
    ]


def click(at: AppTest, key: str, panel: int, row: int, col: int) -> AppTest:
    """Click cell (row, col) of panel ``panel`` of the clickable chart ``key``: its selection
    state set as Streamlit stores it (the point's customdata is [panel, row, col]), then rerun."""
    point = {"curve_number": 0, "point_number": 0, "point_index": 0, "x": col, "y": row,
             "customdata": [panel, row, col]}  # fmt: skip
    at.session_state[key] = {
        "selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}
    }
    return at.run()


def assert_gradients_are_right(shown_x, shown_kernel, x, kernel, upstream, stride, padding):
    """The gradients a page shows (one example: ``shown_x`` without the batch axis) against
    three oracles: the engine's backward op, the plain loops of cnndemo.reference, and central
    differences of L = sum(upstream * conv(x, kernel))."""
    import numpy as np

    from cnndemo import ops, reference

    one_d = x.ndim == 3
    backward = ops.conv1d_backward if one_d else ops.conv2d_backward
    grad_x, grad_kernel = backward(x, kernel, upstream, stride, padding)
    np.testing.assert_array_equal(shown_x, grad_x[0])
    np.testing.assert_array_equal(shown_kernel, grad_kernel)
    loops = reference.conv1d_backward if one_d else reference.conv2d_backward
    loop_x, loop_kernel = loops(x, kernel, upstream, stride, padding)
    np.testing.assert_allclose(shown_x, loop_x[0])
    np.testing.assert_allclose(shown_kernel, loop_kernel)
    x, kernel = x.copy(), kernel.copy()
    forward = reference.conv1d if one_d else reference.conv2d

    def loss():
        return float(np.sum(upstream * forward(x, kernel, stride, padding)))

    numeric_x = reference.numeric_gradient(loss, x, 1e-3)
    numeric_kernel = reference.numeric_gradient(loss, kernel, 1e-3)
    np.testing.assert_allclose(shown_x, numeric_x[0], atol=1e-6)
    np.testing.assert_allclose(shown_kernel, numeric_kernel, atol=1e-6)
