"""How long each page takes to rerun after a widget change, before and after training.

For every page in ``app.core.navigation.PAGES`` the script opens it through ``streamlit_app.py`` with
AppTest, flips one ordinary widget back and forth (a change that does not start training) and
times ``at.run()`` for each flip. Training pages are timed again after one click on their Train
button, so the cost of showing a finished run (figures, tables) is measured too. Prints the
median rerun per page and state against the 0.1 s target.

    python -m benchmarks.page_reruns               # 15 reruns per measurement
    python -m benchmarks.page_reruns --reruns 31   # steadier medians on a busy machine
    python -m benchmarks.page_reruns --only 5      # pages whose path contains "5"
    python -m benchmarks.page_reruns --cached-bytecode  # compile each script once, as the server

AppTest compiles the entry point and the page again on every ``run()`` (a new ``ScriptCache``
each time; Streamlit's magic rewrites the syntax tree first), 5-40 ms for a long page. A
running server compiles each script once per process. ``--cached-bytecode`` hands AppTest one
shared cache so the numbers show the server's cost; without it they are AppTest's, the
project's stated measure.

AppTest runs the script in this process without a browser, so the numbers are the server-side
cost of a rerun (what a user waits for before the browser redraws). Run it on a quiet machine:
``uptime``'s load is printed with the table because it moves the numbers. The CPU columns (this
process's CPU seconds per rerun) barely move with the load, so they compare two versions of the
code on a busy machine; the target is on wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from app.core.navigation import PAGES  # noqa: E402

TARGET = 0.1
TIMEOUT = 60


@dataclass(frozen=True)
class Toggle:
    """One widget changed back and forth: ``kind`` is the AppTest accessor, ``values`` the two
    values it alternates between."""

    kind: str
    key: str
    values: tuple


@dataclass(frozen=True)
class Plan:
    """What to change on a page, and how to get it trained (``train`` is None: no training)."""

    before: Toggle | None
    train: str | None = None
    after: Toggle | None = None
    setup: Callable[[AppTest], None] | None = None  # e.g. open page 8's training tab


def _watch(prefix: str) -> Toggle:
    # The "watch it learn" switch only matters for the next training run: flipping it is a
    # real widget change that leaves the current run on the page.
    return Toggle("toggle", f"{prefix}.tp.watch", (True, False))


def _open_model_tab(at: AppTest) -> None:
    at.session_state["p8.tab"] = "Train the down-sampled CNN"
    at.run()


PLANS: dict[str, Plan] = {
    "pages/0_home.py": Plan(None),
    "pages/1_conv1d.py": Plan(Toggle("radio", "c1d.p", ("same", "valid"))),
    "pages/2_conv2d.py": Plan(Toggle("radio", "c2d.p", ("same", "valid"))),
    "pages/3_cnn1d_pooled.py": Plan(_watch("s3"), "s3.tp.train", _watch("s3")),
    "pages/4_cnn1d_flat.py": Plan(_watch("s4"), "s4.tp.train", _watch("s4")),
    "pages/5_cnn2d_pooled.py": Plan(_watch("s5"), "s5.tp.train", _watch("s5")),
    "pages/6_cnn2d_flat.py": Plan(_watch("s6"), "s6.tp.train", _watch("s6")),
    "pages/7_cnn2d_two_layers.py": Plan(_watch("s7"), "s7.tp.train", _watch("s7")),
    "pages/8_cnn2d_downsampled.py": Plan(
        Toggle("radio", "p8.kind", ("min", "max")), "p8m.tp.train", _watch("p8m"), _open_model_tab
    ),
}


def share_bytecode_cache() -> None:
    """Make every AppTest run reuse one ``ScriptCache`` (what a server's runtime does)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def _widget(at: AppTest, toggle: Toggle):
    return getattr(at, toggle.kind)(key=toggle.key)


def _change(at: AppTest, toggle: Toggle, value) -> None:
    widget = _widget(at, toggle)
    if toggle.kind == "radio":
        widget.set_value(value)
    elif toggle.kind in ("selectbox",):
        widget.select(value)
    else:
        widget.set_value(value)


def _check(at: AppTest, where: str) -> None:
    if at.exception:
        raise RuntimeError(f"{where}: {at.exception[0].message}")


def rerun_times(at: AppTest, toggle: Toggle | None, reruns: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds per ``at.run()`` after each change (plain reruns for a page without
    inputs)."""
    times = []
    for i in range(reruns):
        if toggle is not None:
            _change(at, toggle, toggle.values[i % 2])
        start, cpu = time.perf_counter(), time.process_time()
        at.run()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
        _check(at, f"rerun {i}")
    if toggle is not None and reruns % 2:  # leave the widget as it was
        _change(at, toggle, toggle.values[1])
        at.run()
    return times


def open_page(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(path)
    at.run()
    _check(at, f"{path} first run")
    return at


Medians = tuple[float, float]  # wall, CPU


def _medians(times: list[tuple[float, float]]) -> Medians:
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def measure(path: str, reruns: int) -> tuple[Medians, Medians | None]:
    """Median rerun before training and after one training run (None: not applicable)."""
    plan = PLANS.get(path, Plan(None))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page(path)
    rerun_times(at, plan.before, 2)  # warm-up: first widget renders, caches filled
    before = _medians(rerun_times(at, plan.before, reruns))
    if plan.train is None:
        return before, None
    if plan.setup is not None:
        plan.setup(at)
    at.button(key=plan.train).click().run()
    _check(at, "training")
    rerun_times(at, plan.after, 2)
    after = _medians(rerun_times(at, plan.after, reruns))
    return before, after


def _cell(value: Medians | None) -> str:
    if value is None:
        return "-"
    mark = "" if value[0] <= TARGET else " (over)"
    return f"{value[0]:.3f}{mark}"


def _cpu(value: Medians | None) -> str:
    return "-" if value is None else f"{value[1]:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15, help="timed reruns per measurement")
    parser.add_argument("--only", default="", help="only pages whose path contains this")
    parser.add_argument(
        "--cached-bytecode", action="store_true", help="compile each script once, as a server"
    )
    args = parser.parse_args(argv)
    if args.cached_bytecode:
        share_bytecode_cache()
    os.chdir(ROOT)
    rows = []
    for page in PAGES:
        if args.only not in page.path:
            continue
        before, after = measure(page.path, args.reruns)
        rows.append((page.path.removeprefix("pages/"), before, after))
        print(f"  measured {page.path}", file=sys.stderr, flush=True)
    load = os.getloadavg()
    how = " (bytecode compiled once, as a server)" if args.cached_bytecode else ""
    print(f"\nMedian of {args.reruns} AppTest reruns{how} after a widget change (seconds); "
          f"load average {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} on {os.cpu_count()} CPUs")  # fmt: skip
    print(f"| {'page':<28} | {'untrained':>14} | {'trained':>14} | target | CPU untr. | CPU tr. |")
    print(f"|{'-' * 30}|{'-' * 16}|{'-' * 16}|--------|-----------|---------|")
    for name, before, after in rows:
        print(
            f"| {name:<28} | {_cell(before):>14} | {_cell(after):>14} | {TARGET:>6} "
            f"| {_cpu(before):>9} | {_cpu(after):>7} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
