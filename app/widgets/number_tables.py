"""Tables of a run's numbers on screen, with a diverged run's NaN and infinities in words.

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

from app.core.numbers import fixed


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
