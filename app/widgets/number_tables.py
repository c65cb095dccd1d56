"""Tables of numbers on screen: a run's, with a diverged run's NaN and infinities in words
(``number_table``), and a result's as a light static table (``result_table``).

``st.dataframe`` shows a NaN as "None" (a pandas Styler's display text does not reach such a
cell either), which tells a learner nothing. In a table that holds a number that is not
finite, the decimal columns are written as ``app.core.numbers.fixed`` writes them ("0.5000",
"not a number", "infinite"); other tables are drawn as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app.core.numbers import fixed, format_value


def number_table(frame: pd.DataFrame, **options: Any) -> None:
    """``st.dataframe(frame, **options)``, its decimal columns in words where not finite."""
    decimals = list(frame.select_dtypes("floating").columns)
    if np.isfinite(frame[decimals].to_numpy(dtype=np.float64)).all():
        st.dataframe(frame, **options)
        return
    shown = frame.copy()
    for column in decimals:
        shown[column] = [fixed(value) for value in frame[column]]
    st.dataframe(shown, **options)


def result_table(values: np.ndarray, columns: list[str], index_name: str) -> None:
    """A matrix nobody edits (rows, columns) as a static HTML table, its numbers written as the
    cells of the figures write them. Lighter for the browser than ``st.dataframe``'s canvas grid,
    which a page load has to mount and draw."""
    frame = pd.DataFrame(values, columns=columns).map(format_value)
    frame.insert(0, index_name, range(len(values)))
    st.table(frame, width="content", hide_index=True)
