"""Chart titles that fit a phone: Plotly never wraps a title, so a long one is cut at the edge.

``wrap_title(text)`` breaks it into lines of at most ``TITLE_CHARS`` characters at spaces
(Plotly's ``<br>``); ``title_lines(text)`` counts them, for the top margin to make room.
"""

from __future__ import annotations

import textwrap

TITLE_CHARS = 40
"""Characters of a 16 px title that fit a 390 px phone's chart, margins taken off."""
TITLE_LINE_PX = 20


def wrap_title(text: str, width: int = TITLE_CHARS) -> str:
    """``text`` with ``<br>`` between lines of at most ``width`` characters (words kept whole)."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def title_lines(text: str) -> int:
    """Lines of a title made by :func:`wrap_title`."""
    return text.count("<br>") + 1
