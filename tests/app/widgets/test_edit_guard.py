"""Every data editor of the app checks its pending edits first (app/widgets/edit_guard.py)."""

from __future__ import annotations

import re

from app.core.navigation import ROOT

PRODUCT = [*sorted((ROOT / "app").rglob("*.py")), *sorted((ROOT / "pages").glob("*.py")),
           ROOT / "streamlit_app.py"]  # fmt: skip


def test_every_module_drawing_a_data_editor_guards_its_edits():
    # A hand-made edit state reaches st.data_editor unchecked otherwise: 20,000 added rows cost
    # minutes of pandas work, row 10^9 an exception inside Streamlit (issue 17).
    unguarded = [
        str(path.relative_to(ROOT))
        for path in PRODUCT
        if re.search(r"\bst\.data_editor\(", path.read_text())
        and "guard_edits(" not in path.read_text()
    ]
    assert not unguarded, (
        f"call app.widgets.edit_guard.guard_edits before st.data_editor: {unguarded}"
    )
