"""Figures drawn without rebuilding them: a builder's result reused while its inputs repeat, and a
training run's figures kept with the run. Both are handed to ``st.plotly_chart`` as read-only
``SpecFigure`` JSON (see ``app.figures.chart_spec``); this module imports no Plotly itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app.core.training_jobs import TrainingRun
from app.figures import click_layer, tensors
from app.figures.chart_spec import SpecFigure, spec_of


def cached_figure(builder: str, *args: Any, clickable: bool = False, **kwargs: Any) -> Any:
    """``app.figures.tensors.<builder>(*args, **kwargs)``, reused while the same inputs come back;
    with ``clickable`` a click on a cell selects it (``app.figures.click_layer``).

    Most reruns change one figure of a page (the output) and leave the others (input, kernel)
    as they were; rebuilding those costs ~10 ms each, and drawing a ``go.Figure`` deep-copies
    it. The figure is cached as its plain JSON dict (``st.cache_data``: every session gets its
    own copy) and drawn through a read-only ``SpecFigure``.
    """
    return SpecFigure(_cached_spec(builder, args, tuple(sorted(kwargs.items())), clickable))


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_spec(builder: str, args: tuple, kwargs: tuple, click: bool = False) -> dict:
    spec = spec_of(getattr(tensors, builder)(*args, **dict(kwargs)))
    return click_layer.clickable(spec) if click else spec


def run_figure(run: TrainingRun, name: Any, build: Callable[[], Any]) -> SpecFigure:
    """A figure of a training run, built once per run and ``name`` and kept as its JSON.

    Drawing a ``go.Figure`` again deep-copies it on every rerun (10-25 ms for the animations);
    a ``SpecFigure`` of its JSON only pays for the encoding.
    """
    return run.memo(name, lambda: SpecFigure(spec_of(build())))
