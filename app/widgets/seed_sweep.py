"""The seed sweep (pages 3-8): the page's setup trained for N seeds, with the outcome
distribution: how often each example is right, which fail and how often, the final errors.

``sweep_part(prefix, section, data, hp)``. It trains in chunks inside a fragment, through the
server's training slots, like the training panel (``app.widgets.training_panel``): a progress
bar, a Stop button, other learners' trainings take turns with it. Keys under
``{prefix}.sweep.``: ``n`` (seeds), ``run``, ``stop``, ``job``, ``result``, ``pick``, ``use``.
The chunks and the counts are ``app.core.sweep_jobs``; the figures ``app.figures.sweep``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from app.core import limits, markup
from app.core.hyperparameters import hp_key
from app.core.image_analysis import display_name
from app.core.numbers import fixed
from app.core.sweep_jobs import (
    SweepJob,
    example_counts,
    new_sweep,
    sweep_chunk,
    sweep_fingerprint,
    sweep_result,
)
from app.core.training_jobs import Data
from app.figures.sweep import error_histogram, outcome_bars
from app.server import training_slot
from app.widgets.charts import plotly_chart
from app.widgets.expanders import lazy_expander
from app.widgets.number_tables import number_table
from cnndemo.diagnose import LN2
from cnndemo.models import model_spec
from cnndemo.sweep import SweepResult

__all__ = ["sweep_part"]

WAITING = "waiting for the server: other learners are training, the sweep starts in a moment…"


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.sweep.{name}"


def _start(prefix: str, section: int, data: Data, hp: dict[str, Any], count: int, fp: str) -> None:
    st.session_state[_key(prefix, "job")] = new_sweep(section, data, hp, hp["seed"], count, fp)


def _stop(prefix: str) -> None:
    job = st.session_state.get(_key(prefix, "job"))
    if job is not None:
        job.stop_requested = True


def _use_seed(prefix: str) -> None:
    """Button callback: the training controls take the picked seed."""
    state = st.session_state
    state[hp_key(prefix, "seed")] = int(state[_key(prefix, "pick")])


def _progress_text(job: SweepJob) -> str:
    return f"seed {job.done} of {job.total} · {job.seconds:.1f} s"


def _names(section: int, result: SweepResult) -> list[str]:
    """Example names as the page shows them (an image's blank pixels as "·")."""
    images = model_spec(section).input_kind == "image"
    return [display_name(n) if images else n for n in result.names]


def _table(names: list[str], result: SweepResult) -> pd.DataFrame:
    marks = result.verdicts
    return pd.DataFrame({
        "seed": list(result.seeds),
        "final error": np.round(result.final_errors, 4),
        "learned all?": ["✓" if all(m == "right" for m in row) else "✗" for row in marks],
        "wrong or undecided": [
            ", ".join(n for n, m in zip(names, row, strict=True) if m != "right") or "–"
            for row in marks
        ],
    })  # fmt: skip


def _show(prefix: str, section: int, stored: tuple, fp: str) -> None:
    """The outcome of the last sweep (marked when the setup has changed since)."""
    result_fp, result, seconds, stopped = stored
    if not result.seeds:
        st.info("The sweep was stopped before its first seed.")
        return
    if result_fp != fp:
        st.warning("This sweep ran on an **earlier setup**: run it again for the one above.",
                   icon=":material/history:")  # fmt: skip
    n = len(result.seeds)
    learned = int(result.learned_all.sum())
    stuck = int(np.sum(np.abs(result.final_errors - LN2) < 0.005))
    st.markdown(
        f"Seeds **{result.seeds[0]} to {result.seeds[-1]}**, every other setting as above "
        f"({seconds:.1f} s{', stopped early' if stopped else ''})."
    )
    cols = st.columns(3)
    cols[0].metric("learned every example", f"{learned} of {n} seeds")
    cols[1].metric("stuck at ln 2", f"{stuck} of {n}", help="Final error within 0.005 of 0.6931")
    finite = result.final_errors[np.isfinite(result.final_errors)]
    cols[2].metric("median final error", fixed(np.median(finite)) if finite.size else "–",
                   help="Of the runs whose error stayed a number")  # fmt: skip
    counts = example_counts(result)
    names = _names(section, result)
    left, right = st.columns([3, 2])
    plotly_chart(
        left,
        outcome_bars(names, counts["right"], counts["wrong"], counts["undecided"]),
        key=_key(prefix, "fig.outcomes"),
    )
    plotly_chart(right, error_histogram(result.final_errors), key=_key(prefix, "fig.errors"))
    failing = [(names[i], int(n - counts["right"][i])) for i in range(len(names))
               if counts["right"][i] < n]  # fmt: skip
    if failing:
        st.markdown("**Missed:** " + "; ".join(f"{markup.code(name)} in {k} of {n} seeds"
                                               for name, k in failing))  # fmt: skip
    else:
        st.markdown(f"**Every example was learned with every one of the {n} seeds.**")
    # Lazy: the table is built and sent only while the reader has it open.
    lazy_expander(
        "Every seed's run",
        lambda: number_table(_table(names, result), hide_index=True, key=_key(prefix, "table")),
        key=_key(prefix, "runs.open"),
    )
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox("Look at one of them", list(result.seeds), key=_key(prefix, "pick"),
                     format_func=lambda s: f"seed {s}", width=200)  # fmt: skip
        if st.button("Use this seed", key=_key(prefix, "use"), on_click=_use_seed, args=(prefix,),
                     help="Set the seed control above to it; then press Train"):  # fmt: skip
            st.rerun()  # the seed control lives outside this fragment


@st.fragment
def _sweep(
    prefix: str, section: int, data: Data | None, hp: dict[str, Any], count: int, fp: str
) -> None:
    state = st.session_state
    job: SweepJob | None = state.get(_key(prefix, "job"))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            f"Train {count} seeds", key=_key(prefix, "run"), icon=":material/play_arrow:",
            disabled=job is not None or data is None, on_click=_start,
            args=(prefix, section, data, hp, count, fp),
            help=f"Train the setup above once per seed, from seed {hp['seed']} on",
        )  # fmt: skip
        st.button("Stop", key=_key(prefix, "stop"), icon=":material/stop:",
                  disabled=job is None, on_click=_stop, args=(prefix,))  # fmt: skip
    if job is None:
        stored = state.get(_key(prefix, "result"))
        if stored is not None:
            _show(prefix, section, stored, fp)
        return
    progress = st.progress(job.done / job.total, text=_progress_text(job))
    scoped = True  # until a scoped rerun is refused: then this is a full-script run
    while True:
        if not job.finished:
            with training_slot(lambda: progress.progress(job.done / job.total, text=WAITING)):
                sweep_chunk(job)
        progress.progress(job.done / job.total, text=_progress_text(job))
        if job.finished:
            state[_key(prefix, "result")] = (
                job.fingerprint, sweep_result(job), job.seconds, job.done < job.total
            )  # fmt: skip
            state.pop(_key(prefix, "job"), None)
        # Each chunk ends in a fragment rerun (the next chunk, or the buttons redrawn for a
        # finished sweep); inside a full-script run that is refused, so the loop goes on here.
        if scoped:
            try:
                st.rerun(scope="fragment")
            except StreamlitAPIException:
                scoped = False
        if job.finished:
            progress.empty()
            _show(prefix, section, state[_key(prefix, "result")], fp)
            return


def sweep_part(prefix: str, section: int, data: Data | None, hp: dict[str, Any]) -> None:
    """The seed sweep block: how many seeds, the button, the progress and the outcome."""
    st.subheader("How often does this setup learn? Train it for many seeds")
    st.markdown(
        "The seed decides the first weights, and with the tutorial's tiny models the first "
        "weights decide a lot. One run cannot show that; many can. Every seed trains exactly "
        "as **Train** would with that seed."
    )
    state = st.session_state
    state.setdefault(_key(prefix, "n"), 20)
    count = st.number_input(
        "seeds", min_value=1, max_value=limits.MAX_SWEEP_SEEDS, step=1, key=_key(prefix, "n"),
        help=f"From the seed above on; at most {limits.MAX_SWEEP_SEEDS}", width=160,
    )  # fmt: skip
    fp = sweep_fingerprint(section, data, hp, count) if data is not None else ""
    _sweep(prefix, section, data, dict(hp), int(count), fp)
