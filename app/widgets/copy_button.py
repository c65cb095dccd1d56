"""A visible, named Copy button for a link (``st.code``'s own copy icon only shows on hover,
which a phone never does).

The button is a tiny HTML frame (``st.iframe``): the link is passed to its script as a JSON string (with
``<``, ``>`` and ``&`` escaped, so no text can close the script), never as markup. Streamlit
lets its frames write to the clipboard; where the browser refuses, the button says so
and the link stays selectable in the code box above it.
"""

from __future__ import annotations

import json

import streamlit as st

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
