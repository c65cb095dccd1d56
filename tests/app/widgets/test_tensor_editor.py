"""app.widgets.tensor_editor: the keys its tables are drawn under."""

from __future__ import annotations

from app.widgets.tensor_editor import editor_key


def test_editor_key_names_table_and_version():
    assert editor_key("c1d.x", 3, 1) == "c1d.x.v3.t1"
