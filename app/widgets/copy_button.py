"""A link shown as selectable text with a visible, named Copy button under it (a code box's
own copy icon only shows on hover, which a phone never does).

The link is an inline code span in Markdown (``app.core.markup.code``: nothing in it is read
as syntax, whatever the address bar held), not ``st.code``, whose syntax highlighter is a
1.6 MB script every page would load for one line. ``app.widgets.page_style`` wraps it anywhere,
so a long link is never cut on a phone.

The button is a tiny HTML frame (``st.iframe``) whose page never changes: on a click its
script reads the link from the text shown above it (the ``code`` element of the container keyed
``linkbox-<key>``, found by a selector made of the app's fixed words only) and writes it to
the clipboard. Every control change makes a new link, and a frame given the link in its page
would be reloaded each time (a new document parsed and laid out, 20-30 ms of every update of
pages 1 and 2 in Chromium); a frame whose page is the same is left alone. Streamlit's frames share
the app's origin, so the frame may read its parent; where it cannot, or the browser refuses the
clipboard, the button says so and the link stays selectable above it.
"""

from __future__ import annotations

import json

import streamlit as st

from app.core import limits, markup
from app.widgets.page_style import LINK_BOX

_PAGE = """<button id="copy" type="button" aria-label="{label}">{label}</button>
<span id="said" role="status"></span>
<style>
button {{ font: 14px "Source Sans Pro", sans-serif; padding: 6px 14px; border-radius: 8px;
  border: 1px solid #c6c6cf; background: #fff; color: #31333f; cursor: pointer; }}
button:hover {{ border-color: #ff4b4b; color: #ff4b4b; }}
span {{ font: 13px sans-serif; color: #555; margin-left: 8px; }}
body {{ margin: 0; }}
</style>
<script>
const shown = {selector};
document.getElementById("copy").addEventListener("click", async () => {{
  const said = document.getElementById("said");
  try {{
    const link = window.parent.document.querySelector(shown).textContent;
    await navigator.clipboard.writeText(link);
    said.textContent = "Copied.";
  }} catch (error) {{ said.textContent = "Select the link above and copy it."; }}
}});
</script>"""


def _box_key(key: str) -> str:
    return f"{LINK_BOX}-{key}"


def link_selector(key: str) -> str:
    """The CSS selector of the link shown by ``link_with_copy(..., key=key)``."""
    return f".st-key-{_box_key(key)} code"


def copy_button(key: str, label: str = "Copy link") -> None:
    """A button that copies the link shown in the container of ``key`` (``key`` and ``label``:
    fixed words of the app, never user text)."""
    st.iframe(_PAGE.format(label=label, selector=json.dumps(link_selector(key))), height=40)


def link_with_copy(link: str, label: str = "Copy link", *, key: str = "share") -> None:
    """``link`` as selectable text, then a button that copies it (``label``: fixed words of the
    app, never user text); ``key`` names the container, once per page."""
    with st.container(key=_box_key(key)):
        # Room for the longest link the app writes and a long base address; nothing is cut.
        st.markdown(markup.code(link, limits.MAX_URL_CHARS + 2000))
    copy_button(key, label)
