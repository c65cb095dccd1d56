"""Finished Plotly figures kept as plain JSON dicts, drawn without re-validating or copying them.

``st.plotly_chart(figure)`` calls ``figure.to_dict()``, which deep-copies every trace, frame and
layout entry of a ``go.Figure`` (about 25 ms for a 26-frame animation, 9 ms for a 2000-point
error curve), and rebuilding a ``go.Figure`` from a dict costs even more (it re-creates every
object). A figure that does not change between reruns is therefore kept as its JSON dict
(``spec_of``) and handed to Streamlit wrapped in a ``SpecFigure``, whose ``to_dict`` is a
shallow copy: the rerun then only pays for the JSON encoding (1-2 ms).

API
---
- ``spec_of(figure) -> dict``: the figure as plain JSON values (what the browser receives;
  NumPy arrays become Plotly's base64 form), safe to cache with ``st.cache_data``.
- ``SpecFigure(spec)``: give it to ``st.plotly_chart``; it never mutates ``spec`` (each
  ``to_dict`` call returns new top-level containers), so a spec may be shared read-only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio


def spec_of(figure: go.Figure) -> dict:
    """The figure as plain JSON (uids removed, arrays base64-encoded, as Streamlit sends it)."""
    return json.loads(pio.to_json(figure, validate=False))


class SpecFigure(go.Figure):
    """A read-only figure backed by a JSON dict (see the module docstring).

    It is a ``go.Figure`` only so that ``st.plotly_chart`` accepts it; ``go.Figure.__init__``
    is deliberately skipped (it validates and copies everything, the cost this class avoids),
    so only ``to_dict``/``to_plotly_json`` and ``spec`` may be used on it.
    """

    def __init__(self, spec: Mapping[str, Any]) -> None:  # noqa: D107 - see the class docstring
        object.__setattr__(self, "_spec", spec)

    @property
    def spec(self) -> Mapping[str, Any]:
        return self._spec

    def to_dict(self) -> dict:
        # New containers down to the trace dicts: plotly.io.to_json pops each trace's "uid".
        return {
            key: [dict(trace) for trace in value] if key == "data" else value
            for key, value in self._spec.items()
        }

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def __repr__(self) -> str:
        return f"SpecFigure({len(self._spec.get('data', ()))} traces)"
