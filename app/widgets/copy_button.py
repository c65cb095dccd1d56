"""A link shown as selectable text with a visible, named Copy button under it (a code box's
own copy icon only shows on hover, which a phone never does).

The link is an inline code span in Markdown (``app.core.markup.code``: nothing in it is read
as syntax, whatever the address bar held), not ``st.code``, whose syntax highlighter is a
1.6 MB script every page would load for one line. ``app.widgets.page_style`` wraps it anywhere,
so a long link is never cut on a phone.

The button is a tiny HTML frame (``st.iframe``): the link is passed to its script as a JSON string (with
``<``, ``>`` and ``&`` escaped, so no text can close the script), never as markup. Streamlit
lets its frames write to the clipboard; where the browser refuses, the button says so
and the link stays selectable above it.
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
const link = {link};
document.getElementById("copy").addEventListener("click", async () => {{
  const said = document.getElementById("said");
  try {{ await navigator.clipboard.writeText(link); said.textContent = "Copied."; }}
  catch (error) {{ said.textContent = "Select the link above and copy it."; }}
}});
</script>"""


def _script_string(text: str) -> str:
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def copy_button(link: str, label: str = "Copy link") -> None:
    """A button that copies ``link`` (``label``: fixed words of the app, never user text)."""
    st.iframe(_PAGE.format(label=label, link=_script_string(link)), height=40)


def link_with_copy(link: str, label: str = "Copy link", *, key: str = "share") -> None:
    """``link`` as selectable text, then a button that copies it (``label``: fixed words of the
    app, never user text); ``key`` names the container, once per page."""
    with st.container(key=f"{LINK_BOX}-{key}"):
        # Room for the longest link the app writes and a long base address; nothing is cut.
        st.markdown(markup.code(link, limits.MAX_URL_CHARS + 2000))
    copy_button(link, label)
