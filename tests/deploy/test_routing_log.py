"""Reading HAProxy's request log: lines in deploy.haproxy_config.LOG_FORMAT, as HAProxy writes
them in the foreground (its log lines and, in the same file, its stderr messages)."""

from __future__ import annotations

from deploy.haproxy_config import LOG_FORMAT
from deploy.routing_log import (
    read_requests,
    replicas_by_learner,
    state_changes,
    websockets_by_replica,
)

LOG = """\
replica=app1 status=200 method=GET path=/ ms=3 term=--NI learner=n-0
replica=app2 status=200 method=GET path=/_stcore/health ms=0 term=--NI learner=-
replica=app1 status=204 method=PUT path=/_stcore/upload_file/s/f ms=1 term=--VN learner=n-0
replica=app1 status=101 method=GET path=/_stcore/stream ms=900 term=SDVN learner=n-0
[WARNING]  (42) : Server app/app1 is DOWN, reason: Layer4 connection problem.
Server app/app1 is DOWN, reason: Layer4 connection problem.
replica=app2 status=101 method=GET path=/_stcore/stream ms=1005 term=--DI learner=n-0
replica=app2 status=101 method=GET path=/_stcore/stream ms=800 term=--VN learner=n-1
replica=app2 status=502 method=GET path=/_stcore/stream ms=1 term=SHVN learner=n-1
Server app/app1 is UP (leaving forced drain).
"""


def test_the_log_format_writes_the_fields_the_reader_needs():
    for key in ("replica", "status", "method", "path", "learner"):
        assert f"{key}=" in LOG_FORMAT


def test_requests_by_learner_and_websockets_by_replica(tmp_path):
    path = tmp_path / "haproxy.log"
    path.write_text(LOG)
    requests = read_requests(path)
    assert len(requests) == 7
    assert replicas_by_learner(requests) == {"n-0": ["app1", "app2"], "n-1": ["app2"]}
    # Only upgraded websockets count (101), not a refused upgrade (502).
    assert websockets_by_replica(requests) == {"app1": 1, "app2": 2}


def test_reading_from_an_offset_sees_only_later_lines(tmp_path):
    path = tmp_path / "haproxy.log"
    path.write_text(LOG)
    offset = LOG.index("replica=app2 status=101 method=GET path=/_stcore/stream ms=1005")
    assert replicas_by_learner(read_requests(path, offset)) == {"n-0": ["app2"], "n-1": ["app2"]}


def test_health_transitions_are_counted_once(tmp_path):
    path = tmp_path / "haproxy.log"
    path.write_text(LOG)
    assert state_changes(path) == [("app1", "DOWN"), ("app1", "UP")]
