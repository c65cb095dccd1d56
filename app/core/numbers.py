"""How the app writes numbers for the learner: in heatmap cells, written-out sums and results.

Plain Python (no Streamlit, no Plotly): the figures, the ledger and the pages all write numbers
the same way, so a value reads alike wherever it appears.
"""

from __future__ import annotations

import math

import numpy as np


def format_value(value: float) -> str:
    """Compact text for a cell: whole numbers exactly, others to three significant digits."""
    if not math.isfinite(value):
        return ""
    if float(value).is_integer() and abs(value) < 1e7:
        return str(int(value))
    if abs(value) >= 1000:
        return f"{value:.0f}"
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
