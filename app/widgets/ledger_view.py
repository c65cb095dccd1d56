"""The shape ledger on the page: shapes stage by stage, parameter counts, output-size formulas.

The rows and formulas are plain data from ``app.core.ledger`` and ``app.core.model_ledgers``.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app.core.ledger import LedgerRow, ledger_markdown


def show_ledger(
    rows: Sequence[LedgerRow], formulas: Sequence[str] = (), heading: str = "Shape ledger"
) -> None:
    """Shapes stage by stage with parameter counts, then output-size formulas (LaTeX)."""
    st.subheader(heading)
    st.markdown(ledger_markdown(rows))
    for formula in formulas:
        st.latex(formula)
