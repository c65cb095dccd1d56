"""A local cluster: N app processes and HAProxy in front of them, all on this machine.

    python -m deploy.cluster --replicas 3              # http://127.0.0.1:8500, Ctrl-C stops all
    python -m deploy.cluster --replicas 2 --host 0.0.0.0 --port 8080   # a classroom server

Each replica is the README's server command on its own loopback port (started by
``devtools.live.streamlit_server``, which waits for ``/_stcore/health``); HAProxy listens on
``--host:--port`` with the configuration of ``deploy.haproxy_config`` and runs in the
foreground as a child of this process. On exit, Ctrl-C or SIGTERM, HAProxy stops first (no new
requests), then the replicas, each terminated and waited for. HAProxy's request log (one line
per request, with the replica that served it) is ``artifacts/cluster-<port>/haproxy.log``.

``local_cluster()`` is the same as a context manager, for the tests and benchmarks; its
``Cluster`` drains a replica (no new learners, the present ones stay), retires one (drain, a
grace period, then SIGTERM) or kills one outright (SIGKILL, as a crash).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from deploy.haproxy_config import BACKEND, Server, haproxy_config
from devtools.live import LiveServer, _wait_healthy, artifacts_dir, free_port, streamlit_server

HAPROXY = "haproxy"
DEFAULT_PORT = 8500


@dataclass(frozen=True)
class Replica:
    name: str  # app1, app2, ...: HAProxy's server name, cookie value and response header
    server: LiveServer

    @property
    def port(self) -> int:
        return int(self.server.url.rsplit(":", 1)[1])

    @property
    def alive(self) -> bool:
        """Running (not gone, not a zombie waiting to be reaped)."""
        try:
            with open(f"/proc/{self.server.pid}/stat") as stat:
                return stat.read().rsplit(") ", 1)[1][0] != "Z"
        except OSError:
            return False


@dataclass
class Cluster:
    url: str  # the balancer, http://HOST:PORT
    replicas: list[Replica]
    haproxy: subprocess.Popen
    admin_socket: Path
    log_path: Path

    def replica(self, name: str) -> Replica:
        return next(r for r in self.replicas if r.name == name)

    def admin(self, command: str) -> str:
        """One command on HAProxy's runtime API (the stats socket); its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(10)
            sock.connect(str(self.admin_socket))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_stats(self) -> dict[str, dict[str, str]]:
        """HAProxy's view of each replica (``show stat``): status, current sessions, ..."""
        text = self.admin("show stat").lstrip("# ")
        rows = csv.DictReader(text.splitlines())
        return {
            row["svname"]: row
            for row in rows
            if row["pxname"] == BACKEND and row["svname"] not in ("BACKEND", "FRONTEND")
        }

    def wait_all_up(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(row["status"] == "UP" for row in self.server_stats().values()):
                return
            time.sleep(0.2)
        raise TimeoutError(f"replicas not all UP for HAProxy: {self.server_stats()}")

    def drain(self, name: str) -> None:
        """No new learners for ``name``; those already there keep it (their cookie)."""
        self.admin(f"set server {BACKEND}/{name} state drain")

    def retire(self, name: str, grace: float = 60.0) -> int:
        """Stop a replica gracefully: drain it, give its learners up to ``grace`` seconds to
        leave, take it out of rotation and send it SIGTERM; those still there reconnect to
        another replica. Returns how many connections it still had when it was stopped."""
        self.drain(name)
        deadline = time.monotonic() + grace
        while (left := int(self.server_stats()[name]["scur"])) and time.monotonic() < deadline:
            time.sleep(0.2)
        self.admin(f"set server {BACKEND}/{name} state maint")
        replica = self.replica(name)
        with contextlib.suppress(ProcessLookupError):
            os.kill(replica.server.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while replica.alive and time.monotonic() < deadline:
            time.sleep(0.1)
        return left

    def kill(self, name: str) -> None:
        """Stop a replica the hard way (SIGKILL), as a crash would; HAProxy is not told."""
        replica = self.replica(name)
        with contextlib.suppress(ProcessLookupError):
            os.kill(replica.server.pid, signal.SIGKILL)


@contextlib.contextmanager
def _haproxy(config_path: Path, log_path: Path) -> Iterator[subprocess.Popen]:
    """HAProxy in the foreground (``-db``), its log and messages into ``log_path``."""
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(config_path)], stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield proc
        finally:
            proc.terminate()  # HAProxy's hard stop: closes its listeners and connections now
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_balancer(url: str, proc: subprocess.Popen, log_path: Path) -> None:
    """Until Streamlit's health answer comes back through HAProxy."""
    try:
        _wait_healthy(url, proc, timeout=30.0)
    except RuntimeError as error:  # the process that exited is HAProxy, not Streamlit
        raise RuntimeError(f"haproxy exited with code {proc.returncode}, see {log_path}") from error


@contextlib.contextmanager
def local_cluster(
    replicas: int = 2,
    port: int | None = None,
    host: str = "127.0.0.1",
    extra_args: tuple[str, ...] = (),
) -> Iterator[Cluster]:
    """Start ``replicas`` app processes and HAProxy on ``host:port``; stop them all on exit."""
    if replicas < 1:
        raise ValueError("at least one replica")
    port = port or free_port()
    workdir = artifacts_dir(f"cluster-{port}")
    with contextlib.ExitStack() as stack:
        members = [
            Replica(f"app{i}", stack.enter_context(streamlit_server(extra_args=extra_args)))
            for i in range(1, replicas + 1)
        ]
        admin_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cnndemo-")))
        admin_socket = admin_dir / "haproxy.sock"
        servers = [Server(r.name, f"127.0.0.1:{r.port}") for r in members]
        config = haproxy_config(servers, bind=f"{host}:{port}", stats_socket=str(admin_socket))
        config_path, log_path = workdir / "haproxy.cfg", workdir / "haproxy.log"
        config_path.write_text(config)
        proc = stack.enter_context(_haproxy(config_path, log_path))
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
        _wait_balancer(url, proc, log_path)
        cluster = Cluster(url, members, proc, admin_socket, log_path)
        cluster.wait_all_up()
        yield cluster


def _raise_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="HAProxy's port")
    parser.add_argument(
        "--host", default="127.0.0.1", help="HAProxy's address (0.0.0.0: the whole network)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        with local_cluster(args.replicas, args.port, args.host) as cluster:
            print(f"cnndemo on {cluster.url} through HAProxy (pid {cluster.haproxy.pid})")
            for replica in cluster.replicas:
                print(f"  {replica.name}: {replica.server.url} (pid {replica.server.pid})")
            print(f"request log: {cluster.log_path}; Ctrl-C stops everything", flush=True)
            while cluster.haproxy.poll() is None:
                time.sleep(0.5)
            print(f"haproxy exited with code {cluster.haproxy.returncode}; stopping")
    except KeyboardInterrupt:
        pass
    finally:
        print("stopped", flush=True)


if __name__ == "__main__":
    main()
