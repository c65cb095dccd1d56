"""Fuzz every page the navigation lists with random and hostile widget values (AppTest + hypothesis).

A hostile client is not limited by the browser's widgets: it can send a number outside a
number_input's bounds, text into a numeric table cell, or delete every row of a table. Whatever
arrives, a page must end its run with no exception element and still show its key text.
Each page gets ``EXAMPLES`` random action sequences; the counts of cases and actions run are
written to ``artifacts/fuzz-report.json``.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from app.core.navigation import PAGES, ROOT
from devtools.live import artifacts_dir

EXAMPLES = 12
MAX_ACTIONS = 4
COUNTS: Counter = Counter()

HOSTILE_NUMBERS = st.sampled_from(
    [0, -1, -7, 1, 2, 3, 9, 33, 100, 10**9, -(10**9), 1e308, -1e308, 1e-320, 0.5, -2.5]
) | st.floats(allow_nan=True, allow_infinity=True)
HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "abc",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e309",
        "-1e308",
        "1,5",
        "0x10",
        "None",
        "🙂🙂",
        "<script>alert(1)</script>",
        "i like it",
        "i love it",
        "i don't hate it at all today",
        "x" * 5000,
        "i like it <PAD> " * 300,
        "#\n# #\n###",
        "'; DROP TABLE x; --",
        "{{7*7}}",
        "__import__('os').system('true')",
    ]
) | st.text(max_size=40)
CELL_VALUES = HOSTILE_NUMBERS | HOSTILE_TEXT | st.none() | st.booleans()


def open_page(spec) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page(spec.path)
    at.run()
    return at


def editable_tables(at: AppTest) -> list[tuple[str, object]]:
    """(key, DataFrame) of every data editor on the page; ids end with '-<user key>'."""
    tables = []
    for element in at.get("dataframe"):
        proto = element.proto
        if proto.editing_mode and proto.id.count("-") >= 2:
            tables.append((proto.id.split("-", 2)[2], element.value))
    return tables


ACTION_KINDS = ("number_input", "slider", "selectbox", "radio", "toggle", "text", "table", "button")
TABLE_EDITS = ("cell", "delete_all", "add_row", "many")


@st.composite
def actions(draw):
    """One action, drawn independently of the page so that every example replays exactly."""
    return {
        "kind": draw(st.sampled_from(ACTION_KINDS)),
        "pick": draw(st.integers(0, 10**6)),
        "number": draw(HOSTILE_NUMBERS),
        "offset": draw(st.integers(-3, 3)),
        "text": draw(HOSTILE_TEXT),
        "edit": draw(st.sampled_from(TABLE_EDITS)),
        "row": draw(st.integers(0, 10**6)),
        "cells": draw(st.lists(CELL_VALUES, min_size=12, max_size=12)),
    }


def act(at: AppTest, action: dict) -> str:
    """Apply one action to the page (without running it); return what it did."""
    kind, pick = action["kind"], action["pick"]
    # A disabled widget cannot be operated, by a browser or by AppTest.
    live = {
        name: [w for w in at.get(name) if not getattr(w, "disabled", False)]
        for name in (
            "number_input",
            "slider",
            "selectbox",
            "radio",
            "toggle",
            "checkbox",
            "text_input",
            "text_area",
            "button",
        )
    }
    if kind == "number_input" and live["number_input"]:
        widget = live["number_input"][pick % len(live["number_input"])]
        value = action["number"]
        if isinstance(widget.value, int) and isinstance(value, float) and math.isfinite(value):
            value = int(max(min(value, 2**62), -(2**62)))
        widget.set_value(value)
        return f"number_input {widget.key or widget.label!r} = {value!r}"
    if kind == "slider" and live["slider"]:
        widget = live["slider"][pick % len(live["slider"])]
        if isinstance(widget.value, int | float) and not isinstance(widget.value, bool):
            # Mostly inside the range, sometimes just outside it (a tampered websocket message).
            span = widget.max - widget.min
            value = widget.min + (action["row"] % (int(span) + 1) if span else 0)
            value += action["offset"] if action["offset"] in (-3, 3) else 0
            widget.set_value(type(widget.value)(value))
            return f"slider {widget.key or widget.label!r} = {value!r}"
        return "slider (range)"
    if kind == "selectbox" and live["selectbox"]:
        widget = live["selectbox"][pick % len(live["selectbox"])]
        if widget.options:
            index = action["row"] % len(widget.options)
            widget.select_index(index)
            return f"selectbox {widget.key or widget.label!r} -> {widget.options[index]!r}"
    if kind == "radio" and live["radio"]:
        widget = live["radio"][pick % len(live["radio"])]
        if widget.options:
            option = widget.options[action["row"] % len(widget.options)]
            widget.set_value(option)
            return f"radio {widget.key or widget.label!r} -> {option!r}"
    if kind == "toggle" and (live["toggle"] or live["checkbox"]):
        switches = [*live["toggle"], *live["checkbox"]]
        widget = switches[pick % len(switches)]
        widget.set_value(not widget.value)
        return f"toggle {widget.key or widget.label!r}"
    if kind == "text" and (live["text_input"] or live["text_area"]):
        boxes = [*live["text_input"], *live["text_area"]]
        widget = boxes[pick % len(boxes)]
        widget.set_value(action["text"])
        return f"text {widget.key or widget.label!r} = {action['text'][:60]!r}"
    tables = editable_tables(at)
    if kind == "table" and tables:
        key, frame = tables[pick % len(tables)]
        columns = [str(c) for c in frame.columns] or ["0"]
        rows, cells = max(len(frame), 1), iter(action["cells"])
        change = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
        if action["edit"] == "cell":
            column = columns[pick % len(columns)]
            change["edited_rows"] = {action["row"] % rows: {column: next(cells)}}
        elif action["edit"] == "delete_all":
            change["deleted_rows"] = list(range(len(frame)))
        elif action["edit"] == "add_row":
            change["added_rows"] = [{c: next(cells) for c in columns[:3]}]
        else:
            change["edited_rows"] = {
                r: {c: next(cells) for c in columns[:4]} for r in range(min(rows, 3))
            }
        at.session_state[key] = change
        return f"table {key} {change!r:.300}"
    if kind == "button" and live["button"]:
        widget = live["button"][pick % len(live["button"])]
        widget.click()
        return f"button {widget.key or widget.label!r}"
    return "none"


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_page_survives_random_hostile_input(spec):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        # Pages keep state across reruns, so a shrunk example may not replay exactly; the
        # failing trail is in the assertion message instead.
        phases=(Phase.explicit, Phase.generate),
    )
    @given(sequence=st.lists(actions(), min_size=1, max_size=MAX_ACTIONS))
    def run(sequence):
        at = open_page(spec)
        trail = []
        for action in sequence:
            trail.append(act(at, action))
            at.run()
            COUNTS[f"{spec.url_path}:{trail[-1].split()[0]}"] += 1
            assert not at.exception, (trail, [e.value for e in at.exception])
        texts = "\n".join(
            str(el.value) for el in (*at.title, *at.markdown, *at.header, *at.subheader)
        )
        # The exercises page's Open buttons switch to the exercise's page (st.switch_page), which
        # AppTest may follow: then that page must be whole instead.
        opened = PAGES if spec.url_path == "exercises" else [spec]
        assert any(page.key_text in texts for page in opened), trail
        COUNTS[f"{spec.url_path}:cases"] += 1

    run()
    report = artifacts_dir() / "fuzz-report.json"
    previous = json.loads(report.read_text()) if report.exists() else {}
    previous.update({k: v for k, v in COUNTS.items() if k.startswith(spec.url_path + ":")})
    report.write_text(json.dumps(previous, indent=1, sort_keys=True))
