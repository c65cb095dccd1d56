"""One simulated learner behind a load balancer: a browser tab's cookies, websocket and upload.

``benchmarks.protocol_load`` speaks Streamlit's websocket protocol to one server. Behind HAProxy
a learner must also do what the browser does around it: fetch the page and keep the cookies
(HAProxy's replica cookie, Streamlit's XSRF cookie), send them with the websocket upgrade and
with every upload, and after a lost connection reconnect with them, naming its old session as
the browser does. Used by ``benchmarks.cluster_load`` and the cluster tests.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets
from PIL import Image
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.load_test import RunStats
from benchmarks.protocol_load import (
    STEP_TIMEOUT,
    Session,
    open_and_change_stride,
    open_and_train,
    stride_2_shown,
)
from deploy.haproxy_config import LEARNER_HEADER, REPLICA_HEADER

XSRF_COOKIE = "_streamlit_xsrf"
# What the browser fetches when it opens the app, before the websocket.
PAGE_REQUESTS = ("/", "/_stcore/health", "/_stcore/host-config")


def small_png() -> bytes:
    """A 12 x 8 grey gradient, the kind of picture the 2D page accepts."""
    picture = Image.linear_gradient("L").resize((12, 8))
    data = io.BytesIO()
    picture.save(data, format="PNG")
    return data.getvalue()


class Browser:
    """The HTTP side of one tab: cookies as a browser keeps them, a label on every request."""

    def __init__(self, url: str, label: str) -> None:
        self.url = url
        self.label = label
        self.cookies: dict[str, str] = {}
        self.replicas: list[str] = []  # as the responses' replica header named them, in order

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {LEARNER_HEADER: self.label, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _seen(self, replica: str | None) -> None:
        if replica and replica not in self.replicas:
            self.replicas.append(replica)

    def request(self, method: str, path: str, body: bytes = b"", headers=None) -> int:
        """One HTTP request (blocking); keeps the cookies it sets; returns the status."""
        parts = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=STEP_TIMEOUT)
        try:
            connection.request(method, path, body=body or None, headers=self._headers(headers))
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        self._seen(response.headers.get(REPLICA_HEADER))
        return response.status

    async def open_app(self) -> None:
        for path in PAGE_REQUESTS:
            status = await asyncio.to_thread(self.request, "GET", path)
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status}")

    async def connect(self, previous_session: str = ""):
        """The websocket, as the browser opens it (its XSRF token and, on a reconnect, the
        session it had, ride in the subprotocol list)."""
        protocols = ["streamlit"]
        if XSRF_COOKIE in self.cookies:
            protocols.append(self.cookies[XSRF_COOKIE])
            if previous_session:
                protocols.append(previous_session)
        ws = await websockets.connect(
            self.url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=protocols,
            origin=self.url,
            max_size=None,
            additional_headers=self._headers(),
        )
        for cookie in ws.response.headers.get_all("Set-Cookie"):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        self._seen(ws.response.headers.get(REPLICA_HEADER))
        return ws

    async def upload(self, session: ClusterSession, data: bytes) -> None:
        """Ask the session for an upload URL, then PUT the file as the browser does."""
        url = await session.upload_url("gradient.png")
        boundary = uuid.uuid4().hex
        body = (
            (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="file"; filename="gradient.png"\r\n'
                "Content-Type: image/png\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": self.cookies.get(XSRF_COOKIE, ""),
        }
        status = await asyncio.to_thread(self.request, "PUT", url, body, headers)
        if status != 204:
            raise RuntimeError(f"upload: HTTP {status}")


class ClusterSession(Session):
    """A websocket session that also reads its id, its share link and its upload URLs."""

    def __init__(self, ws) -> None:
        super().__init__(ws)
        self.session_id = ""
        self.query_string = ""
        self.file_urls: dict[str, object] = {}  # FileURLs (file id, upload and delete URLs)

    def observe(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.session_id = message.new_session.initialize.session_id
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "file_urls_response" and message.file_urls_response.file_urls:
            response = message.file_urls_response
            self.file_urls[response.response_id] = response.file_urls[0]

    async def new_file(self, name: str):
        """Ask the session where to upload a file ``name``: its ``FileURLs``."""
        request = BackMsg()
        request_id = uuid.uuid4().hex
        request.file_urls_request.request_id = request_id
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        await self.ws.send(request.SerializeToString())
        deadline = time.monotonic() + STEP_TIMEOUT
        while request_id not in self.file_urls:
            raw = await asyncio.wait_for(self.ws.recv(), deadline - time.monotonic())
            message = ForwardMsg()
            message.ParseFromString(raw)
            self.observe(message)
        return self.file_urls[request_id]

    async def upload_url(self, name: str) -> str:
        return (await self.new_file(name)).upload_url


@dataclass
class Learner:
    label: str
    browser: Browser
    reconnects: int = 0
    close_codes: list[int | None] = field(default_factory=list)
    completed: bool = False


async def _timed(stats: RunStats, step: str, work) -> None:
    start = time.perf_counter()
    await work
    stats.add(step, time.perf_counter() - start)


async def _reopen_from_link(learner: Learner, old: ClusterSession, stats: RunStats):
    """After a lost connection: reconnect with the same cookies, reopen the page from its
    share link and wait for the stride-2 numbers without touching a control."""
    start = time.perf_counter()
    ws = await learner.browser.connect(previous_session=old.session_id)
    session = ClusterSession(ws)
    await session.rerun("conv1d", query=old.query_string)
    await session.until(stride_2_shown)
    stats.add("reconnect", time.perf_counter() - start)
    return session


async def run_learner(
    url: str,
    stats: RunStats,
    label: str,
    paused: asyncio.Event | None = None,
    arrive: Callable[[str], None] = lambda label: None,
) -> Learner:
    """The whole journey; a lost websocket is followed by one reconnect, as in the browser.

    With ``paused``, the learner calls ``arrive(label)`` after its upload and waits for the event
    before training (the kill test kills a replica in between). Every failure is recorded in
    ``stats.errors``; the learner is returned either way.
    """
    learner = Learner(label, Browser(url, label))
    picture = small_png()
    arrived = False
    sessions: list[ClusterSession] = []
    try:
        await learner.browser.open_app()
        session = ClusterSession(await learner.browser.connect())
        sessions.append(session)
        await open_and_change_stride(session, stats)
        await _timed(stats, "upload", learner.browser.upload(session, picture))
        arrive(label)
        arrived = True
        if paused is not None:
            await paused.wait()
        try:
            await open_and_train(session, stats)
        except websockets.ConnectionClosed as closed:
            learner.reconnects += 1
            learner.close_codes.append(closed.rcvd.code if closed.rcvd else None)
            session = await _reopen_from_link(learner, session, stats)
            sessions.append(session)
            await learner.browser.upload(session, picture)
            await open_and_train(session, stats)
        exceptions = [text for s in sessions for text in s.exceptions]
        if exceptions:
            raise RuntimeError(f"exception on the page: {exceptions[0][:200]}")
        learner.completed = True
    except Exception as error:  # a load test reports every failure, then goes on
        stats.errors.append(f"{label}: {type(error).__name__}: {error}"[:300])
    finally:
        if not arrived:
            arrive(label)
        for s in sessions:
            await s.ws.close()
    return learner
