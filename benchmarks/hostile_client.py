"""A hostile client beside the learners: issue 17's attacks, sent in a loop over the real protocol.

One client, speaking Streamlit's websocket protocol as ``benchmarks.protocol_load`` does (with a
browser's cookies, ``benchmarks.cluster_learner.Browser``, so its uploads pass the XSRF check),
repeats until told to stop:

- ``0.5 MB link``: page 1 opened with a query string of 500,000 characters (Streamlit itself
  ignores query strings above 512 Ki characters; this one reaches the app's link parser; a
  session reads a page's link once, so this attack comes first on each new session);
- ``fixed table 20k rows``: page 1's input table (fixed size) sent with 20,000 added rows;
- ``sentence table 20k rows``: page 3's sentence table with 20,000 added rows (0.66 MB);
- ``row 10^9, row -1``: page 3's table with an edit of row 10^9 and a deletion of row -1;
- ``zip bomb upload``: the 256 KB ``.npz`` listing a 100 MB member 3,011 times, uploaded and
  given to page 3's "Load a model" box;
- ``1.2 MB message``: once, on a connection of its own, a rerun request over the client limit
  (``server.maxWidgetStateSize``), which must close the connection.

The rounds run on one session (its CPU budget, ``app.server.cpu_budget``, then holds it to a
quarter of a core), or each on a new session with ``reconnect`` (a new budget every time).

Each attack is timed from the request to the page's answer (the refusal's words, or the
closed connection); any exception element is recorded.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg

from benchmarks.cluster_learner import XSRF_COOKIE, Browser, ClusterSession
from devtools.hostile_files import zip_bomb

ROWS = 20_000
ATTACK_TIMEOUT = 60.0


@dataclass
class HostileReport:
    """Per attack: the seconds each attempt took, and what the server answered last."""

    times: dict[str, list[float]] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    rounds: int = 0
    waits: int = 0  # page runs the server held back (the session's CPU budget was spent)

    def add(self, attack: str, seconds: float, answer: str) -> None:
        self.times.setdefault(attack, []).append(seconds)
        self.answers[attack] = answer


class HostileSession(ClusterSession):
    """A session that also notes its tables', uploaders' and alerts' ids and texts."""

    def __init__(self, ws) -> None:
        super().__init__(ws)
        self.ids: dict[str, str] = {}  # widget id by its user key (the id's last part)
        self.alerts: list[str] = []
        self.waits = 0

    def _element(self, element) -> None:
        super()._element(element)
        kind = element.WhichOneof("type")
        if kind in ("dataframe", "file_uploader") and getattr(element, kind).id:
            widget_id = getattr(element, kind).id
            self.ids[widget_id.split("-", 2)[-1]] = widget_id
        elif kind == "alert":
            self.alerts.append(element.alert.body)
        elif kind == "toast" and "waits" in element.toast.body:
            self.waits += 1
        if kind == "exception":
            self.alerts.append("exception: " + element.exception.message)

    def key_id(self, start: str) -> str:
        """The id of the newest widget whose key starts with ``start`` (tables get new keys)."""
        return [wid for key, wid in self.ids.items() if key.startswith(start)][-1]

    async def answer(self, page: str, states: list, said: Callable[[str], bool], query="") -> str:
        """Rerun ``page`` with ``states``; the first alert ``said`` accepts (or an exception)."""
        self.alerts.clear()
        await self.rerun(page, states, query)
        await self.until(
            lambda s: any(said(a) or a.startswith("exception") for a in s.alerts),
            ATTACK_TIMEOUT,
        )
        return next(a for a in self.alerts if said(a) or a.startswith("exception"))


def editor_state(widget_id: str, state: dict) -> object:
    widget = BackMsg().rerun_script.widget_states.widgets.add()
    widget.id = widget_id
    widget.string_value = json.dumps(
        {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **state}
    )
    return widget


async def put_file(browser: Browser, urls, name: str, data: bytes) -> None:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/zip\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "X-Xsrftoken": browser.cookies.get(XSRF_COOKIE, ""),
    }
    status = await asyncio.to_thread(browser.request, "PUT", urls.upload_url, body, headers)
    if status != 204:
        raise RuntimeError(f"upload: HTTP {status}")


async def timed(report: HostileReport, attack: str, work) -> None:
    start = time.perf_counter()
    answer = await work
    report.add(attack, time.perf_counter() - start, answer)
    if answer.startswith("exception"):
        report.exceptions.append(f"{attack}: {answer[:200]}")


def refused(text: str) -> bool:
    return "was refused" in text or "was cut" in text


async def open_page(session: HostileSession, page: str, table: str) -> None:
    await session.rerun(page)
    await session.until(lambda s: any(k.startswith(table) for k in s.ids), ATTACK_TIMEOUT)


async def one_round(
    session: HostileSession, browser: Browser, report: HostileReport, first: bool
) -> None:
    """Every attack once on this session (the link only on its ``first`` round: a session reads
    a page's link when it first opens the page)."""
    if first:
        link = "p=" + "x" * 500_000
        await timed(
            report,
            "0.5 MB link",
            session.answer("conv1d", [], lambda a: "link" in a.lower(), query=link),
        )
    else:
        await open_page(session, "conv1d", "c1d.x.v")
    rows = [{"ch 0": 1.0}] * ROWS
    state = editor_state(session.key_id("c1d.x.v"), {"added_rows": rows})
    await timed(report, "fixed table 20k rows", session.answer("conv1d", [state], refused))

    await open_page(session, "cnn1d_pooled", "s3.data.v")
    rows = [{"sentence": "a b", "label": 1}] * ROWS
    state = editor_state(session.key_id("s3.data.v"), {"added_rows": rows})
    await timed(report, "sentence table 20k rows", session.answer("cnn1d_pooled", [state], refused))
    state = editor_state(
        session.key_id("s3.data.v"),
        {"edited_rows": {str(10**9): {"label": 1}}, "deleted_rows": [-1]},
    )
    await timed(report, "row 10^9, row -1", session.answer("cnn1d_pooled", [state], refused))

    bomb = zip_bomb()
    urls = await session.new_file("bomb.npz")
    await put_file(browser, urls, "bomb.npz", bomb)
    upload = BackMsg().rerun_script.widget_states.widgets.add()
    upload.id = session.key_id("s3.tp.upload")
    info = upload.file_uploader_state_value.uploaded_file_info.add()
    info.file_id, info.name, info.size = urls.file_id, "bomb.npz", len(bomb)
    info.file_urls.CopyFrom(urls)
    await timed(
        report,
        "zip bomb upload",
        session.answer("cnn1d_pooled", [upload], lambda a: "Could not use this model file" in a),
    )


async def oversized_message(browser: Browser, report: HostileReport) -> None:
    """A rerun request over the client limit, on a connection of its own: it must be closed."""
    ws = await browser.connect()
    session = HostileSession(ws)
    start = time.perf_counter()
    await session.rerun("conv1d", [], "p=" + "x" * 1_200_000)
    try:
        await session.until(lambda s: False, ATTACK_TIMEOUT)
        answer = "answered (the limit did not hold)"
    except websockets.ConnectionClosed as closed:
        answer = f"connection closed, code {closed.rcvd.code if closed.rcvd else None}"
    finally:
        await ws.close()
    report.add("1.2 MB message", time.perf_counter() - start, answer)


async def hostile_client(
    url: str, stop: asyncio.Event, report: HostileReport, reconnect: bool = False
) -> None:
    """One oversized message, then attack rounds until ``stop`` is set: all on one session, or
    each on a new one with ``reconnect`` (a new session starts a new CPU budget,
    ``app.server.cpu_budget``)."""
    browser = Browser(url, "hostile")
    await browser.open_app()
    await oversized_message(browser, report)
    ws = session = None
    first = True
    while not stop.is_set():
        if ws is None:
            ws = await browser.connect()
            session, first = HostileSession(ws), True
        try:
            await one_round(session, browser, report, first)
            report.rounds += 1
            first = False
            report.waits, session.waits = report.waits + session.waits, 0
        except Exception as error:  # a benchmark reports every failure, then goes on
            report.exceptions.append(
                f"round {report.rounds}: {type(error).__name__}: {error}"[:300]
            )
            reconnect_now = True
        else:
            reconnect_now = reconnect
        if reconnect_now:
            await ws.close()
            ws = None
    if ws is not None:
        await ws.close()


def hostile_table(report: HostileReport) -> str:
    lines = [
        f"Hostile client: {report.rounds} rounds, {len(report.exceptions)} problems, "
        f"{report.waits} page runs held back by its CPU budget.",
        "",
        "| attack | attempts | median s | max s | the server's answer (last) |",
        "|---|---|---|---|---|",
    ]
    for attack, times in report.times.items():
        ordered = sorted(times)
        answer = " ".join(report.answers[attack].split())[:110]
        lines.append(
            f"| {attack} | {len(times)} | {ordered[len(ordered) // 2]:.2f} | {ordered[-1]:.2f} "
            f"| {answer} |"
        )
    return "\n".join(lines)
