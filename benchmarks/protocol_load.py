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
server's resident memory at the start, at its peak and after the sessions have closed.

    python -m benchmarks.protocol_load                  # N = 1, 5, 20
    python -m benchmarks.protocol_load --sessions 3
"""

from __future__ import annotations

import argparse
import asyncio
import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.load_test import RunStats, table
from devtools.live import LiveServer, streamlit_server

STEP_TIMEOUT = 120.0


class Session:
    """One learner's websocket session: widget ids seen, texts seen, exceptions seen."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.widgets: dict[str, tuple[str, str]] = {}  # label -> (kind, id)
        self.texts: list[str] = []
        self.exceptions: list[str] = []

    async def rerun(self, page: str, states: list | None = None) -> None:
        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = ""
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
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._element(message.delta.new_element)
            elif kind == "script_finished" and done(self):
                return

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(element.exception.message)
        elif kind == "markdown":
            self.texts.append(element.markdown.body)
        elif kind in ("number_input", "button"):
            widget = getattr(element, kind)
            self.widgets[widget.label] = (kind, widget.id)

    def widget_id(self, label: str) -> str:
        return next(wid for text, (_, wid) in self.widgets.items() if label in text)


async def one_session(url: str, stats: RunStats, index: int) -> None:
    origin = url
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(
            ws_url, subprotocols=["streamlit"], origin=origin, max_size=None
        ) as ws:
            session = Session(ws)
            start = time.perf_counter()
            await session.rerun("conv1d")
            await session.until(lambda s: any("2360" in t for t in s.texts))
            stats.add("load", time.perf_counter() - start)

            state = BackMsg().rerun_script.widget_states.widgets.add()
            state.id = session.widget_id("stride")
            state.int_value = 2
            session.texts.clear()
            start = time.perf_counter()
            await session.rerun("conv1d", [state])
            # Stride 2 leaves one output position: 2360 stays, 3485 (position 1) is gone.
            await session.until(
                lambda s: (
                    any("2360" in t for t in s.texts) and not any("3485" in t for t in s.texts)
                )
            )
            stats.add("widget", time.perf_counter() - start)

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
            if session.exceptions:
                stats.errors.append(f"session {index}: exception {session.exceptions[0][:200]}")
    except Exception as error:  # a load test reports every failure, then goes on
        stats.errors.append(f"session {index}: {type(error).__name__}: {error}"[:300])


async def sample_memory(server: LiveServer, stats: RunStats, stop: asyncio.Event) -> None:
    while not stop.is_set():
        stats.rss_peak = max(stats.rss_peak, server.rss_mib())
        await asyncio.sleep(0.05)


async def run(server: LiveServer, counts: list[int], settle: float) -> list[RunStats]:
    await one_session(server.url, RunStats(0), -1)  # warm-up: imports and first caches
    results = []
    for n in counts:
        stats = RunStats(n, rss_start=server.rss_mib())
        stats.rss_peak = stats.rss_start
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(server, stats, stop))
        await asyncio.gather(*(one_session(server.url, stats, i) for i in range(n)))
        # Streamlit keeps a closed session for --server.disconnectedSessionTTL seconds (a
        # reconnect resumes it) and drops expired ones when its session store is next used:
        # wait past the TTL, then one short visit lets it clean up.
        await asyncio.sleep(settle)
        await one_session(server.url, RunStats(0), -2)
        stop.set()
        await sampler
        stats.rss_end = server.rss_mib()
        results.append(stats)
    return results


def main(argv: list[str] | None = None) -> list[RunStats]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--settle", type=float, default=15.0, help="seconds after a run")
    parser.add_argument(
        "--session-ttl", type=int, default=10, help="server.disconnectedSessionTTL (app: 120)"
    )
    args = parser.parse_args(argv)
    ttl = ("--server.disconnectedSessionTTL", str(args.session_ttl))
    with streamlit_server(extra_args=ttl) as server:
        results = asyncio.run(run(server, args.sessions, args.settle))
    print(table(results))
    for stats in results:
        for error in stats.errors:
            print(f"N={stats.sessions}: {error}")
    return results


if __name__ == "__main__":
    main()
