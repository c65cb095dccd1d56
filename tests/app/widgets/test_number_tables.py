"""app.widgets.number_tables: a diverged run's NaN reads "not a number" in its tables."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def tables_script():
    import numpy as np
    import pandas as pd

    from app.widgets.number_tables import number_table

    number_table(pd.DataFrame({"sentence": ["a", "b", "c"], "target": [1, 0, 1],
                               "P(label 1)": [0.5, np.nan, np.inf]}), hide_index=True)  # fmt: skip
    number_table(pd.DataFrame({"P(label 1)": [0.25, 0.5]}))


def test_not_finite_numbers_are_written_in_words_and_other_tables_stay_numbers():
    at = AppTest.from_function(tables_script).run()
    assert not at.exception
    diverged, healthy = at.dataframe
    assert diverged.value["P(label 1)"].tolist() == ["0.5000", "not a number", "infinite"]
    assert diverged.value["target"].tolist() == [1, 0, 1]  # whole numbers as they are
    assert healthy.value["P(label 1)"].tolist() == [0.25, 0.5]
