"""The websocket's message limits (.streamlit/config.toml) fit what the pages really send.

``server.maxMessageSize`` bounds every message both ways and ``server.maxWidgetStateSize``
the browser's (app/core/limits.py: ``MAX_MESSAGE_BYTES``, ``MAX_CLIENT_MESSAGE_BYTES``). A page
element over the first would be replaced by Streamlit's "message size" error box, so the largest
element of the largest page must fit with room to spare; a hand-made message over the second
closes the connection before the app sees it.
"""

from __future__ import annotations

import json

from streamlit import config

from app.core import limits
from app.core.navigation import ROOT
from benchmarks.worst_case import largest_element, long_sentences, widget_state_bytes
from tests.pages.conftest import click_train, open_page

MARGIN = 4


def test_the_config_says_what_the_limits_say():
    text = (ROOT / ".streamlit" / "config.toml").read_text()
    assert "maxMessageSize" in text and "maxWidgetStateSize" in text
    assert config.get_option("server.maxMessageSize") * 1_000_000 == limits.MAX_MESSAGE_BYTES
    client = config.get_option("server.maxWidgetStateSize") * 1_000_000
    assert client == limits.MAX_CLIENT_MESSAGE_BYTES <= limits.MAX_MESSAGE_BYTES


def test_the_largest_training_animation_fits_with_room_to_spare():
    # Page 4 at its largest sentence table, trained: the largest element any page sends
    # (benchmarks/worst_case.py measures every page at every cap).
    at = open_page("pages/4_cnn1d_flat.py")
    rows = long_sentences()
    current = len(at.session_state["s4.sentences"])
    at.session_state[f"s4.data.v{at.session_state['s4.data_version']}"] = {
        "edited_rows": {i: rows[i] for i in range(current)},
        "added_rows": rows[current:],
        "deleted_rows": [],
    }
    at.run()
    for name, cap in (("embedding_size", limits.MAX_EMBEDDING), ("channels", limits.MAX_CHANNELS)):
        at.number_input(key=f"s4.tp.hp.{name}").set_value(cap).run()
    click_train(at, "s4")
    assert not at.exception
    size, _ = largest_element(at)
    assert 100_000 < size < limits.MAX_MESSAGE_BYTES / MARGIN
    assert widget_state_bytes(at) < limits.MAX_CLIENT_MESSAGE_BYTES / MARGIN


def test_a_fully_edited_largest_tensor_fits_the_browsers_limit():
    longest = -1.2345678901234567e05  # MAX_NUMBER_CHARS characters
    columns = limits.MAX_WIDTH
    edits = {
        str(row): {f"col {c}": longest for c in range(columns)}
        for row in range(limits.MAX_TABLE_CELLS // columns)
    }
    state = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    assert len(json.dumps(state)) < limits.MAX_CLIENT_MESSAGE_BYTES / MARGIN
