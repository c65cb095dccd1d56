"""Many learners at once, measured at the server: N concurrent Streamlit websocket clients.

Headless Chromium on the same 2 cores cannot render 20 pages at once (in ``load_test.py`` its
page loads time out at N=20 while the server's memory barely moves), so this script speaks
Streamlit's own protocol instead, as the browser does: it opens ``/_stcore/stream``, sends
``BackMsg.rerun_script`` with the page name and widget states, and reads ``ForwardMsg`` deltas
until ``script_finished``. Each session

1. opens the 1D convolution page                         -> ``load``
2. sets its stride to 2 and waits for the rerun           -> ``widget``
3. opens the pooled 1D CNN page and clicks Train, waiting until the page reports the
   finished training ("Trained N epochs in ...")        -> ``train``

and checks that no exception element arrives. Prints response-time percentiles per step and the
server's resident memory at the start, at its peak and after the sessions have closed, then what
the server says of itself after each run (Streamlit's ``/_stcore/metrics``): active sessions,
connects and disconnects, and the bytes held by the app's caches.

Memory is compared with a baseline taken after a warm-up visit has expired (imports, compiled
page scripts and the first cache entries are the app's, not a session's). Closed sessions are
kept ``--session-ttl`` seconds (Streamlit's ``server.disconnectedSessionTTL``, 120 s in the
app), so each run is followed by ``--settle`` seconds and a short visit that lets Streamlit drop
the expired ones. Repeat a size to see whether memory ratchets up from run to run:

    python -m benchmarks.protocol_load                  # N = 1, 5, 20
    python -m benchmarks.protocol_load --sessions 20 20 20 20
    python -m benchmarks.protocol_load --sessions 3

With ``--hostile`` every size runs twice, quiet and then beside a hostile client
(``benchmarks.hostile_client``: issue 17's oversized table edits, zip-bomb upload, huge link and
oversized message, in a loop that starts before the learners arrive and stops when they are
done); the learners' medians are compared (target: within 1.5x of quiet) and the server's
memory after each run with the baseline:

    python -m benchmarks.protocol_load --sessions 20 20 --hostile
    python -m benchmarks.protocol_load --sessions 20 20 --hostile reconnect
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
import urllib.request
from dataclasses import dataclass

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from app.server import TRIM_SECONDS
from benchmarks.load_test import (
    RunStats,
    percentile,
    print_errors,
    table,
    while_sampling_memory,
)
from devtools.live import LiveServer, streamlit_server

STEP_TIMEOUT = 120.0


class Session:
    """One learner's websocket session: widget ids seen, texts seen, exceptions seen."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.widgets: dict[str, tuple[str, str]] = {}  # label -> (kind, id)
        self.texts: list[str] = []
        self.exceptions: list[str] = []

    async def rerun(self, page: str, states: list | None = None, query: str = "") -> None:
        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = query
        for state in states or []:
            message.rerun_script.widget_states.widgets.append(state)
        await self.ws.send(message.SerializeToString())

    async def until(self, done, timeout: float = STEP_TIMEOUT) -> None:
        """Read messages until ``done(self)`` holds after a finished script run."""
        deadline = time.monotonic() + timeout
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), deadline - time.monotonic())
            message = ForwardMsg()
            message.ParseFromString(raw)
            self.observe(message)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._element(message.delta.new_element)
            elif kind == "script_finished" and done(self):
                return

    def observe(self, message: ForwardMsg) -> None:
        """Every message as it arrives; a subclass reads more than elements here."""

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(element.exception.message)
        elif kind == "markdown":
            self.texts.append(element.markdown.body)
        elif kind in ("number_input", "slider", "button"):
            widget = getattr(element, kind)
            self.widgets[widget.label] = (kind, widget.id)

    def widget_id(self, label: str) -> str:
        return next(wid for text, (_, wid) in self.widgets.items() if label in text)


def stride_2_shown(session: Session) -> bool:
    """Stride 2 leaves one output position: 2360 stays, 3485 (position 1) is gone."""
    return any("2360" in t for t in session.texts) and not any("3485" in t for t in session.texts)


async def open_and_change_stride(session: Session, stats: RunStats) -> None:
    """Open the 1D convolution page (``load``), then set its stride to 2 (``widget``)."""
    start = time.perf_counter()
    await session.rerun("conv1d")
    await session.until(lambda s: any("2360" in t for t in s.texts))
    stats.add("load", time.perf_counter() - start)

    state = BackMsg().rerun_script.widget_states.widgets.add()
    state.id = session.widget_id("stride")
    state.double_array_value.data[:] = [2]  # a slider sends its value(s) as an array
    session.texts.clear()
    start = time.perf_counter()
    await session.rerun("conv1d", [state])
    await session.until(stride_2_shown)
    stats.add("widget", time.perf_counter() - start)


async def open_and_train(session: Session, stats: RunStats) -> None:
    """Open the pooled 1D CNN page and press Train until it reports the run (``train``)."""
    await session.rerun("cnn1d_pooled")
    await session.until(lambda s: any("Train" in label for label in s.widgets))
    click = BackMsg().rerun_script.widget_states.widgets.add()
    click.id = session.widget_id("Train")
    click.trigger_value = True
    session.texts.clear()
    start = time.perf_counter()
    await session.rerun("cnn1d_pooled", [click])
    await session.until(lambda s: any("Trained " in t for t in s.texts))
    stats.add("train", time.perf_counter() - start)


async def one_session(url: str, stats: RunStats, index: int) -> None:
    origin = url
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(
            ws_url, subprotocols=["streamlit"], origin=origin, max_size=None
        ) as ws:
            session = Session(ws)
            await open_and_change_stride(session, stats)
            await open_and_train(session, stats)
            if session.exceptions:
                stats.errors.append(f"session {index}: exception {session.exceptions[0][:200]}")
    except Exception as error:  # a load test reports every failure, then goes on
        stats.errors.append(f"session {index}: {type(error).__name__}: {error}"[:300])


@dataclass
class ServerState:
    """What the server reports after a run (``/_stcore/metrics``) and its resident memory."""

    rss_mib: float
    active_sessions: int
    connects: int
    disconnects: int
    cache_bytes: int


METRIC_LINE = re.compile(r"^(\w+)(?:\{([^}]*)\})? (\S+)$")


def server_state(server: LiveServer) -> ServerState:
    with urllib.request.urlopen(server.url + "/_stcore/metrics", timeout=30) as response:
        text = response.read().decode()
    values: dict[tuple[str, str], float] = {}
    cache_bytes = 0.0
    for line in text.splitlines():
        match = METRIC_LINE.match(line)
        if not match:
            continue
        name, labels, value = match.group(1), match.group(2) or "", float(match.group(3))
        values[name, labels] = value
        if name == "cache_memory_bytes":
            cache_bytes += value
    return ServerState(
        rss_mib=server.rss_mib(),
        active_sessions=int(values.get(("active_sessions", ""), -1)),
        connects=int(values.get(("session_events_total", 'type="connect"'), -1)),
        disconnects=int(values.get(("session_events_total", 'type="disconnect"'), -1)),
        cache_bytes=int(cache_bytes),
    )


async def quiet_server_state(server: LiveServer, timeout: float = 10.0) -> ServerState:
    """The server's state once the last websocket close has been processed (or the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        state = server_state(server)
        closed = state.active_sessions == 0 and state.connects == state.disconnects
        if closed or time.monotonic() > deadline:
            return state
        await asyncio.sleep(0.2)


async def settle_and_probe(server: LiveServer, settle: float) -> None:
    """Wait past the session TTL, then one short visit lets Streamlit drop expired sessions;
    then wait for the app's next ``malloc_trim`` (app.server.give_back_freed_memory)."""
    await asyncio.sleep(settle)
    await one_session(server.url, RunStats(0), -2)
    await asyncio.sleep(TRIM_SECONDS + 1)


async def warm_up(server: LiveServer, settle: float) -> None:
    """One visit through the whole journey (imports, compiled pages, first caches), expired."""
    await one_session(server.url, RunStats(0), -1)
    await settle_and_probe(server, settle)


HOSTILE_HEAD_START = 5.0
"""Seconds the hostile client attacks alone before the learners arrive."""


async def burst(
    server: LiveServer, n: int, settle: float, hostile=None, reconnect: bool = False
) -> RunStats:
    """N concurrent sessions (beside a hostile client when ``hostile``, a
    ``benchmarks.hostile_client.HostileReport``, collects its report), then wait until the
    server has dropped them; peak RSS sampled."""
    # Imported here: the hostile client builds on cluster_learner, which imports this module.
    from benchmarks.hostile_client import hostile_client

    stats = RunStats(n)

    async def sessions_then_settle() -> None:
        stop = asyncio.Event()
        attacker = None
        if hostile is not None:
            attacker = asyncio.create_task(hostile_client(server.url, stop, hostile, reconnect))
            await asyncio.sleep(HOSTILE_HEAD_START)
        await asyncio.gather(*(one_session(server.url, stats, i) for i in range(n)))
        stop.set()
        if attacker is not None:
            await attacker
        await settle_and_probe(server, settle)

    await while_sampling_memory(server, stats, sessions_then_settle(), every=0.05)
    return stats


async def run(
    server: LiveServer, counts: list[int], settle: float, hostile: str = ""
) -> tuple[ServerState, list[RunStats], list[ServerState], list]:
    from benchmarks.hostile_client import HostileReport

    await warm_up(server, settle)
    baseline = await quiet_server_state(server)
    results, after, reports = [], [], []
    plan = [(n, attack) for n in counts for attack in ((False, True) if hostile else (False,))]
    for n, attack in plan:
        report = HostileReport() if attack else None
        stats = await burst(server, n, settle, report, hostile == "reconnect")
        if report is not None:
            reports.append(report)
        state = await quiet_server_state(server)
        stats.rss_end = state.rss_mib
        if state.active_sessions != 0 or state.connects != state.disconnects:
            stats.errors.append(
                f"server still has sessions: {state.active_sessions} active, "
                f"{state.connects} connects, {state.disconnects} disconnects"
            )
        results.append(stats)
        after.append(state)
    return baseline, results, after, reports


def server_table(baseline: ServerState, results: list[RunStats], after: list[ServerState]) -> str:
    lines = [
        f"Baseline after the warm-up visit expired: RSS {baseline.rss_mib:.0f} MiB, "
        f"app caches {baseline.cache_bytes / 1024:.0f} KiB.",
        "",
        "| N | RSS after MiB | after - baseline MiB | active sessions | connects / disconnects "
        "| app caches KiB |",
        "|---|---|---|---|---|---|",
    ]
    for stats, state in zip(results, after, strict=True):
        lines.append(
            f"| {stats.sessions} | {state.rss_mib:.0f} | {state.rss_mib - baseline.rss_mib:+.0f} "
            f"| {state.active_sessions} | {state.connects} / {state.disconnects} "
            f"| {state.cache_bytes / 1024:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[RunStats]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--settle", type=float, default=15.0, help="seconds after a run")
    parser.add_argument(
        "--session-ttl", type=int, default=10, help="server.disconnectedSessionTTL (app: 120)"
    )
    parser.add_argument(
        "--hostile",
        nargs="?",
        const="session",
        default="",
        choices=["session", "reconnect"],
        help="run each size quiet, then beside a hostile client (on one session, or a new "
        "session for every round)",
    )
    args = parser.parse_args(argv)
    ttl = ("--server.disconnectedSessionTTL", str(args.session_ttl))
    with streamlit_server(extra_args=ttl) as server:
        baseline, results, after, reports = asyncio.run(
            run(server, args.sessions, args.settle, args.hostile)
        )
    print(table(results))
    print()
    print(server_table(baseline, results, after))
    if args.hostile:
        from benchmarks.hostile_client import hostile_table

        print()
        print(hostile_comparison(results))
        for report in reports:
            print()
            print(hostile_table(report))
            for problem in report.exceptions:
                print(f"  {problem}")
    print_errors(results)
    return results


def hostile_comparison(results: list[RunStats]) -> str:
    """The learners' medians, quiet against beside the hostile client (runs come in pairs)."""
    lines = [
        "| N | step | quiet p50 s | hostile p50 s | ratio | quiet p90 s | hostile p90 s |",
        "|---|---|---|---|---|---|---|",
    ]
    for quiet, loud in zip(results[::2], results[1::2], strict=True):
        for step in ("load", "widget", "train"):
            a, b = quiet.times.get(step, []), loud.times.get(step, [])
            if not a or not b:
                continue
            p50a, p50b = statistics.median(a), statistics.median(b)
            lines.append(
                f"| {quiet.sessions} | {step} | {p50a:.2f} | {p50b:.2f} | {p50b / p50a:.2f} "
                f"| {percentile(a, 0.9):.2f} | {percentile(b, 0.9):.2f} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
