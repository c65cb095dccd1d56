"""Read HAProxy's request log (``deploy.haproxy_config.LOG_FORMAT``): who was served where.

The balancer writes one ``key=value`` line per request, the websocket's when it closes, with
the replica that served it and the client's ``X-Cnndemo-Learner`` label (``-`` when absent).
Stickiness checked from the server side: every labelled learner's requests name one replica.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

STREAM_PATH = "/_stcore/stream"
_FIELD = re.compile(r"(\w+)=(\S*)")
_STATE = re.compile(r"Server \w+/(\w+) is (UP|DOWN)\b")


@dataclass(frozen=True)
class Request:
    replica: str
    status: int
    method: str
    path: str
    learner: str  # "-" when the client sent no label

    @property
    def is_websocket(self) -> bool:
        return self.path == STREAM_PATH and self.status == 101


def read_requests(path: Path, start: int = 0) -> list[Request]:
    """The request lines of the log from byte offset ``start`` on."""
    with open(path, "rb") as log:
        log.seek(start)
        text = log.read().decode(errors="replace")
    requests = []
    for line in text.splitlines():
        fields = dict(_FIELD.findall(line))
        if {"replica", "status", "method", "path", "learner"} <= fields.keys():
            requests.append(
                Request(
                    fields["replica"],
                    int(fields["status"]) if fields["status"].isdigit() else -1,
                    fields["method"],
                    fields["path"],
                    fields["learner"],
                )
            )
    return requests


def state_changes(path: Path, start: int = 0) -> list[tuple[str, str]]:
    """(replica, new state) for each health transition HAProxy logged, e.g. ("app1", "DOWN")."""
    with open(path, "rb") as log:
        log.seek(start)
        text = log.read().decode(errors="replace")
    # In the foreground HAProxy also prints each transition on stderr ("[WARNING] ... : Server
    # ..."), into the same file: read only its log's own lines.
    return [
        match.groups()
        for line in text.splitlines()
        if not line.startswith("[") and (match := _STATE.match(line))
    ]


def replicas_by_learner(requests: list[Request]) -> dict[str, list[str]]:
    """Each labelled learner -> the replicas that served it, in order of first appearance."""
    seen: dict[str, dict[str, None]] = defaultdict(dict)
    for request in requests:
        if request.learner != "-":
            seen[request.learner][request.replica] = None
    return {learner: list(replicas) for learner, replicas in seen.items()}


def websockets_by_replica(requests: list[Request]) -> Counter[str]:
    """How many websocket sessions each replica served (closed ones: they are logged at close)."""
    return Counter(r.replica for r in requests if r.is_websocket)
