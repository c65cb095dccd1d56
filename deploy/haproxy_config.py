"""HAProxy's configuration for N identical app processes, written from one template.

A Streamlit session lives in the process that opened it: its websocket (``/_stcore/stream``) and
its uploads (``/_stcore/upload_file/<session>/...``, refused by any other process) must reach
that process. So the balancer

- inserts a cookie naming the replica on the first response (``cookie ... insert indirect``);
  the browser sends it with the page's later requests, the websocket upgrade and the uploads;
- keeps sending a learner to its replica while health checks flap under load (``option
  persist``), and moves them only when the process cannot be reached at all (``option
  redispatch``, also when a request on a pooled connection gets no answer: ``retry-on``):
  they reconnect to another replica and their page comes back from its share link (the app
  keeps each page's setup in the address bar);
- gives new learners to the replica with the fewest open connections (``balance leastconn``;
  a learner's open websocket is one connection for as long as the tab is open);
- keeps an upgraded websocket for an hour of silence (``timeout tunnel``; Streamlit pings every
  30 s, so only a vanished client ever reaches it);
- checks ``GET /_stcore/health`` (Streamlit answers ``ok``) with generous timeouts, since a
  busy Python process answers late but is not dead;
- names the replica in a response header and logs every request with that name and the
  load-test label of the client (``deploy.routing_log`` reads this log).

Graceful drain is HAProxy's runtime API: ``set server app/<name> state drain`` sends no new
learners there while the ones already there keep their replica; ``state maint`` then takes it
out before the process stops (``deploy.cluster.Cluster.drain`` and ``.retire``).

The same function writes the local cluster's file (servers on 127.0.0.1, a stats socket, no
DNS) and ``deploy/haproxy.cfg`` for docker-compose (servers by service name, re-resolved through
Docker's DNS when a container restarts); a test keeps that file equal to what this writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

COOKIE = "cnndemo_replica"
REPLICA_HEADER = "X-Cnndemo-Replica"
LEARNER_HEADER = "X-Cnndemo-Learner"
HEALTH_PATH = "/_stcore/health"
BACKEND = "app"
COMPOSE_FILE = Path(__file__).resolve().parent / "haproxy.cfg"
COMPOSE_REPLICAS = 3
COMPOSE_APP_PORT = 8501
COMPOSE_BIND = "*:8080"
DOCKER_DNS = "127.0.0.11:53"

# One line per request (a websocket is logged when it closes), as key=value pairs.
LOG_FORMAT = (
    "replica=%s status=%ST method=%HM path=%HP ms=%Ta term=%tsc learner=%[capture.req.hdr(0)]"
)


@dataclass(frozen=True)
class Server:
    name: str  # also the cookie value and the response header's value
    address: str  # host:port


def haproxy_config(
    servers: Sequence[Server],
    bind: str,
    stats_socket: str | None = None,
    dns_resolver: str | None = None,
) -> str:
    """The whole ``haproxy.cfg`` text for ``servers`` behind one HTTP frontend on ``bind``."""
    if not servers:
        raise ValueError("at least one server")
    global_lines = [
        "    maxconn 4096",
        "    log stdout format raw local0 info",
        # A soft stop or reload waits this long for open websockets, then closes them.
        "    hard-stop-after 30s",
    ]
    if stats_socket:
        global_lines.append(f"    stats socket {stats_socket} mode 600 level admin")
    resolver_lines: list[str] = []
    server_options = "check inter 3s fall 3 rise 2"
    if dns_resolver:
        resolver_lines = [
            "resolvers dns",
            f"    nameserver local {dns_resolver}",
            "    hold valid 10s",
            "",
        ]
        # Start even if a replica is not up yet; follow its address when it restarts.
        server_options += " resolvers dns init-addr last,libc,none"
    server_lines = [
        f"    server {server.name} {server.address} cookie {server.name}" for server in servers
    ]
    lines = [
        "# Written by deploy/haproxy_config.py; see its docstring for why each setting is here.",
        "global",
        *global_lines,
        "",
        *resolver_lines,
        "defaults",
        "    mode http",
        "    log global",
        f'    log-format "{LOG_FORMAT}"',
        "    option forwardfor",
        "    option redispatch",
        "    option persist",
        "    retries 2",
        # A replica that died keeps idle connections in HAProxy's pool for a moment: a request
        # sent on one gets no answer, and is safe to send again (GETs, uploads with their id).
        "    retry-on conn-failure empty-response",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout http-request 10s",
        "    timeout http-keep-alive 10s",
        "    timeout queue 30s",
        "    timeout tunnel 1h",
        "    timeout client-fin 30s",
        "    timeout check 10s",
        "",
        "frontend www",
        f"    bind {bind}",
        f"    http-request capture req.hdr({LEARNER_HEADER}) len 40",
        f"    default_backend {BACKEND}",
        "",
        f"backend {BACKEND}",
        "    balance leastconn",
        f"    cookie {COOKIE} insert indirect nocache httponly",
        f"    option httpchk GET {HEALTH_PATH}",
        "    http-check expect string ok",
        f"    http-response set-header {REPLICA_HEADER} %s",
        f"    default-server {server_options}",
        *server_lines,
    ]
    return "\n".join(lines) + "\n"


def compose_config() -> str:
    """``deploy/haproxy.cfg``: the replicas of docker-compose.yml, found by service name."""
    servers = [
        Server(f"app{i}", f"app{i}:{COMPOSE_APP_PORT}") for i in range(1, COMPOSE_REPLICAS + 1)
    ]
    return haproxy_config(servers, bind=COMPOSE_BIND, dns_resolver=DOCKER_DNS)


if __name__ == "__main__":
    COMPOSE_FILE.write_text(compose_config())
    print(f"wrote {COMPOSE_FILE}")
