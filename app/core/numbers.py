"""How the app writes numbers for the learner: in heatmap cells, written-out sums and results.

Plain Python (no Streamlit, no Plotly): the figures, the ledger and the pages all write numbers
the same way, so a value reads alike wherever it appears.
"""

from __future__ import annotations

import math

import numpy as np

EXACT_DECIMALS = 4
"""Numbers with at most this many decimals (and few digits) are written exactly."""
EXACT_DIGITS = 5


def exact_decimals(value: float) -> int | None:
    """The fewest decimals (0..``EXACT_DECIMALS``) that write ``value`` exactly, up to float
    rounding (0.1 + 0.2 is 0.3), or None when it needs more (1/3)."""
    for decimals in range(EXACT_DECIMALS + 1):
        scaled = value * 10**decimals
        if abs(scaled - round(scaled)) <= 1e-9 * max(1.0, abs(scaled)):
            return decimals
    return None


def format_value(value: float) -> str:
    """Compact text for a cell, one rule for the whole app: whole numbers exactly; short exact
    decimals exactly (a mean of four whole numbers, 17.75, next to 17.5: rounding it to 17.8
    would hide that both are exact); others to three significant digits (0.333); from 1000 on,
    whole."""
    if not math.isfinite(value):
        return ""
    value = float(value)
    if value.is_integer() and abs(value) < 1e7:
        return str(int(value))
    if abs(value) >= 1000:
        return f"{value:.0f}"
    decimals = exact_decimals(value)
    if (
        decimals is not None
        and len(f"{abs(value):.{decimals}f}".replace(".", "").lstrip("0")) <= EXACT_DIGITS
    ):
        return f"{value:.{decimals}f}"
    return f"{value:.3g}"


def nested_text(array: np.ndarray) -> str:
    """``[[2360, 2480], [3485, 3680]]``: an array as nested lists with compact numbers."""
    if array.ndim == 0:
        return format_value(float(array))
    return "[" + ", ".join(nested_text(a) for a in array) + "]"


def fixed(value: float, digits: int = 4, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals (and a ``+`` when positive, with ``sign``), or in words
    when it is not a number or infinite (a diverged run): "nan" means nothing to a learner."""
    value = float(value)
    if math.isnan(value):
        return "not a number"
    if math.isinf(value):
        return "infinite" if value > 0 else "minus infinite"
    return f"{value:{'+' if sign else ''}.{digits}f}"
