"""Where each panel of a figure sits: its place in the grid of panels and its axes' domains.

``panels_figure`` (``app.figures.base``) lays matrices side by side in rows; these functions
hold that arithmetic, and the margins that hold the panels' labels. Domains are Plotly's
fractions of the plotting area: the figure less its top and bottom margins, so gaps given in
pixels stay pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import unescape

PER_ROW = 3
"""Panels side by side at most where their cells carry numbers: a 390 px phone still reads them
(four 2 x 2 kernels or seven animation panels in a row ran "-5.38" into "0.044")."""

GAP_X = 0.08
"""Between two panels of a row, as a fraction of the width."""

ROW_GAP_PX = 84
"""Between two rows of panels: a row's x tick labels and axis title over the next row's titles
(at 70 the Streamlit theme's title standoff put "kernel column" on "in 0 → out 1")."""

TOP_PX = 50
"""Above the first row, for the panels' titles under the figure's."""


# Plotly's automargin measures every axis's labels on each draw and lays the figure out again
# when they need room: on page 8's update (two grids of three panels, each drawn twice) it cost
# 0.05 s of 0.37. Where the column labels are short (cell indices, "pad") the margins are set to
# hold the labels instead (``fixed_margins``) and tick labels stay level; longer ones ("out 0 ·
# in 1") keep automargin, which turns them when they would run into each other.
FIXED_LABELS = {"automargin": False, "tickangle": 0}
SHORT_LABEL = 4
"""Characters of the longest column label that still fits a cell level, on a phone too."""
AUTO_MARGINS = {"l": 60, "r": 20, "t": 60, "b": 40}


TICK_CHAR_PX = 7.0
"""Width of a tick label's character, generously (12 px labels of the theme's font)."""


def _longest(labels: Sequence[Sequence[str]]) -> int:
    return max((len(unescape(str(label))) for group in labels for label in group), default=1)


def fixed_margins(
    first_column_labels: Sequence[Sequence[str]],
    column_labels: Sequence[Sequence[str]],
    y_title: bool,
) -> tuple[dict, dict]:
    """(margins, settings for every panel axis). Where every column label is at most
    ``SHORT_LABEL`` characters: margins that hold the labels without Plotly's automargin (which
    measures them on every draw and draws again), on the left the longest row label of the
    panels in the first column and the y title, below the x tick labels and title; and
    ``FIXED_LABELS``. Else ``AUTO_MARGINS`` and no settings (automargin on)."""
    if _longest(column_labels) > SHORT_LABEL:
        return dict(AUTO_MARGINS), {}
    left = math.ceil(TICK_CHAR_PX * _longest(first_column_labels) + 12 + (26 if y_title else 0))
    return {**AUTO_MARGINS, "l": max(AUTO_MARGINS["l"], left), "b": 60}, FIXED_LABELS


def kernel_per_row(n_in: int, n_out: int) -> int:
    """Panels to a row for a 2D kernel drawn one panel per (input, output) channel pair,
    outputs outer: a row per output channel (its kernels from each input channel), or the
    outputs side by side when there is one input channel; ``PER_ROW`` at most."""
    return max(1, min(PER_ROW, n_in if n_in > 1 else n_out))


def grid_places(
    count: int, per_row: int, new_row_at: int | None = None
) -> list[tuple[int, int, int]]:
    """(figure row, column, columns of its part) of ``count`` panels laid ``per_row`` to a row,
    left to right. The panel at ``new_row_at`` (when given) and those after it form a second
    part on rows of their own, as wide as that part needs: one output under three inputs
    takes the whole width, not a third of it."""
    split = count if new_row_at is None else max(0, min(new_row_at, count))
    first_cols = max(1, min(per_row, split))
    second_cols = max(1, min(per_row, count - split))
    first = [(*divmod(i, first_cols), first_cols) for i in range(split)]
    offset = math.ceil(split / first_cols)
    second = [(offset + r, c, second_cols) for r, c in
              (divmod(i, second_cols) for i in range(count - split))]  # fmt: skip
    return first + second


def panel_domains(
    places: list[tuple[int, int, int]], height: int, margins_px: int
) -> list[tuple[list[float], list[float]]]:
    """(x domain, y domain) of each panel placed by ``grid_places`` in a figure ``height`` px
    tall whose top and bottom margins take ``margins_px`` together, rows of equal height from
    the top."""
    n_rows = places[-1][0] + 1 if places else 1
    gap_y = ROW_GAP_PX / (height - margins_px) if n_rows > 1 else 0.0
    height_frac = (1 - TOP_PX / height - gap_y * (n_rows - 1)) / n_rows
    domains = []
    for row, col, n_cols in places:
        width_frac = (1 - GAP_X * (n_cols - 1)) / n_cols
        x0 = col * (width_frac + GAP_X)
        y1 = 1 - TOP_PX / height - row * (height_frac + gap_y)
        domains.append(([x0, x0 + width_frac], [max(y1 - height_frac, 0.0), y1]))
    return domains
