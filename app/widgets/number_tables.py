"""Tables of a run's numbers on screen, with a diverged run's NaN and infinities in words.

``st.dataframe`` shows a NaN as "None", which tells a learner nothing. A table that holds a
number that is not finite is drawn through a pandas Styler writing its decimal cells as
``app.core.numbers.fixed`` does ("not a number", "infinite"); the data stay numbers.
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
    st.dataframe(frame.style.format(fixed, subset=decimals), **options)
