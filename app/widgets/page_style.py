"""The app's few style rules, sent once per run by the entry point (``streamlit_app.py``).

Only constant CSS written here (no user text, so ``st.html`` cannot carry anything else):

- on a phone-sized screen Plotly's toolbar is hidden: it sat over the charts' titles, and
  zooming is done with fingers there anyway;
- the cell pictures of the kernel animation (``app.figures.stepping``) are stretched to the
  panel's width without smoothing, so the white gap between two cells stays a sharp line;
- a formula wider than the screen scrolls sideways instead of being cut at the right edge;
- a link shown as text (``app.widgets.copy_button``) wraps anywhere, so a phone shows it whole,
  and one click selects all of it;
- the pixel buttons of the image editors keep their label (the name a screen reader reads,
  "pixel row 1 column 2, on") but do not show it: a pixel shows its value by its colour.
"""

from __future__ import annotations

import streamlit as st

PIXEL_GRID = "pixelgrid"
"""Part of the key of the container holding an editor's pixel buttons (see the CSS below)."""

LINK_BOX = "linkbox"
"""Part of the key of the container holding a link shown as text (see the CSS below)."""

STYLE = f"""<style>
@media (max-width: 640px) {{
  .modebar-container {{ display: none !important; }}
}}
div[data-testid="stPlotlyChart"] image {{ image-rendering: pixelated; }}
.katex-display {{ overflow-x: auto; overflow-y: hidden; padding-bottom: 2px; }}
div[class*="{LINK_BOX}"] code {{
  overflow-wrap: anywhere; word-break: break-all; white-space: pre-wrap; user-select: all;
}}
div[class*="{PIXEL_GRID}"] button p {{
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; border: 0;
}}
</style>"""


def apply_page_style() -> None:
    """Send the style rules (a style-only ``st.html`` takes no room on the page)."""
    st.html(STYLE)
