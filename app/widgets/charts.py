"""Every Plotly chart of the app, drawn with its numbers as text right under it.

``plotly_chart(target, figure, **options)`` is ``target.plotly_chart(figure, **options)``
(``target``: ``st`` or a column) inside a container that also holds a collapsed expander,
"The numbers of this chart", listing them as Markdown tables (``app.core.chart_text``): a screen
reader, or anyone who prefers reading to hovering, gets what the chart shows. The chart's
accessible name (``alt``) is its title unless given. Returns what ``plotly_chart`` returns (the
selection state of a chart drawn with ``on_select``).

The expander is lazy (``app.widgets.expanders.lazy_expander``, keyed ``<chart key>.text``,
:func:`text_key`): its tables are built and sent only while the reader has it open, so a closed
one costs a label on every rerun instead of a page of Markdown. A chart drawn without a ``key``
has no stable name for its expander; its tables are then always sent.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import streamlit as st

from app.core import markup
from app.core.chart_text import ChartTable, chart_tables, title_of
from app.figures.chart_spec import SpecFigure
from app.widgets.expanders import lazy_expander

TEXT_LABEL = "The numbers of this chart, as text"
_MEMO: OrderedDict[int, tuple[Mapping, str, str]] = OrderedDict()
_MEMO_SIZE = 64
_LOCK = threading.Lock()  # sessions run in threads of one process


def _table_markdown(table: ChartTable) -> str:
    head = "| " + " | ".join(markup.text(h, 60) or " " for h in table.header) + " |"
    rule = "|" + "---|" * len(table.header)
    body = ["| " + " | ".join(markup.text(v, 120) or " " for v in row) + " |" for row in table.rows]
    return "\n".join([f"**{markup.text(table.caption)}**", "", head, rule, *body])


def chart_text(spec: Mapping[str, Any]) -> tuple[str, str]:
    """(title, Markdown of every table) of a figure's JSON; kept for figures drawn again
    unchanged (a run's figures and cached ones are the same dict on every rerun)."""
    with _LOCK:
        hit = _MEMO.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1], hit[2]
    tables = chart_tables(spec)
    text = "\n\n".join(_table_markdown(t) for t in tables) or "This chart shows no numbers."
    title = title_of(spec)
    with _LOCK:
        _MEMO[id(spec)] = (spec, title, text)
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return title, text


def text_key(chart_key: str) -> str:
    """The key of the text expander under the chart keyed ``chart_key`` (True while open)."""
    return f"{chart_key}.text"


def _spec(figure: Any) -> Mapping[str, Any]:
    return figure.spec if isinstance(figure, SpecFigure) else figure.to_plotly_json()


def _title(figure: Any) -> str:
    if isinstance(figure, SpecFigure):
        return title_of(figure.spec)
    # A Plotly figure's JSON is a deep copy: read only its title for the name.
    return title_of({"layout": {"title": {"text": figure.layout.title.text or ""}}})


def plotly_chart(target: Any, figure: Any, *, alt: str | None = None, **options: Any) -> Any:
    """Draw ``figure`` in ``target`` with its numbers as text under it (see the module)."""
    box = target.container()
    event = box.plotly_chart(figure, alt=alt or _title(figure), **options)
    key = options.get("key")

    def text() -> None:
        st.markdown(chart_text(_spec(figure))[1])

    if key is None:
        with box.expander(TEXT_LABEL):
            text()
    else:
        lazy_expander(TEXT_LABEL, text, key=text_key(key), target=box)
    return event
