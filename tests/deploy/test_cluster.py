"""Two app processes behind a real HAProxy on loopback: learners stay on their replica, a
drained replica takes no newcomers, a retired one stops after its grace period, a killed one's
learners come back elsewhere from their share link, and ``python -m deploy.cluster`` stops
everything on Ctrl-C.

The learners are ``benchmarks.cluster_learner``'s (cookies, websocket, XSRF upload, training);
stickiness is read from the servers' side: HAProxy's request log and the replicas' own metrics.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys

import pytest

from benchmarks.cluster_learner import run_learner
from benchmarks.cluster_load import run_row
from benchmarks.load_test import RunStats
from deploy.cluster import local_cluster
from deploy.routing_log import read_requests, replicas_by_learner
from devtools.live import ROOT, free_port

if shutil.which("haproxy") is None and not os.environ.get("CI"):
    pytest.skip("haproxy not installed (apt-get install haproxy)", allow_module_level=True)

TTL = ("--server.disconnectedSessionTTL", "10")


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(2, extra_args=TTL) as running:
        yield running


def test_every_learner_stays_on_one_replica_through_upload_and_training(cluster):
    row = asyncio.run(run_row(cluster, 6, baselines={r.name: 0.0 for r in cluster.replicas}))
    assert row.stats.errors == []
    assert row.completed == 6
    assert {step: len(times) for step, times in row.stats.times.items()} == {
        "load": 6,
        "widget": 6,
        "upload": 6,
        "train": 6,
    }
    # From HAProxy's log: one replica per learner, one websocket each, nobody moved.
    assert row.sticky == 6 and len(row.served) == 6
    assert sum(row.split.values()) == 6
    assert all(learner.reconnects == 0 for learner in row.learners)


async def learner_waiting_to_train(cluster, stats: RunStats, label: str):
    """A learner that has uploaded and waits before training: its task, the event that lets it
    go on, and the replica HAProxy logged for it."""
    paused, arrived = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        run_learner(cluster.url, stats, label, paused, lambda _: arrived.set())
    )
    await asyncio.wait_for(arrived.wait(), 120)
    (home,) = replicas_by_learner(read_requests(cluster.log_path))[label]
    return task, paused, home


def test_a_drained_replica_keeps_its_learners_and_takes_no_new_ones(cluster):
    async def scenario() -> tuple[RunStats, str]:
        stats = RunStats(4)
        first, paused, home = await learner_waiting_to_train(cluster, stats, "drain-0")
        cluster.drain(home)
        try:
            await asyncio.gather(
                *(run_learner(cluster.url, stats, f"drain-{i}") for i in (1, 2, 3))
            )
            paused.set()  # the first learner trains now, still on its drained replica
            learner = await first
        finally:
            cluster.admin(f"set server app/{home} state ready")
        assert learner.completed and learner.reconnects == 0
        return stats, home

    stats, home = asyncio.run(scenario())
    assert stats.errors == []
    served = replicas_by_learner(read_requests(cluster.log_path))
    assert served["drain-0"] == [home]
    assert all(served[f"drain-{i}"] != [home] and len(served[f"drain-{i}"]) == 1 for i in (1, 2, 3))


def test_retiring_a_replica_waits_out_its_grace_then_moves_who_is_left():
    with local_cluster(2, extra_args=TTL) as cluster:

        async def scenario():
            stats = RunStats(2)
            staying, paused, home = await learner_waiting_to_train(cluster, stats, "retire-0")
            left = await asyncio.to_thread(cluster.retire, home, 1.0)
            paused.set()  # the learner trains now: its replica is gone
            learner = await staying
            await run_learner(cluster.url, stats, "retire-1")
            return stats, home, left, learner

        stats, home, left, learner = asyncio.run(scenario())
        assert not cluster.replica(home).alive
        assert cluster.server_stats()[home]["status"] == "MAINT"
        served = replicas_by_learner(read_requests(cluster.log_path))
    assert stats.errors == []
    assert left >= 1, "the learner's websocket was still open when the grace ran out"
    assert learner.completed and learner.reconnects == 1
    other = "app2" if home == "app1" else "app1"
    assert served["retire-0"] == [home, other]
    assert served["retire-1"] == [other]


def test_killing_a_replica_moves_only_its_learners_and_their_pages_come_back():
    with local_cluster(2, extra_args=TTL) as doomed:
        row = asyncio.run(
            run_row(doomed, 6, baselines={r.name: 0.0 for r in doomed.replicas}, kill="app1")
        )
    # run_row checks each learner against HAProxy's log: the killed replica's learners were
    # served by it and then by app2 after one reconnect; everybody else by one replica, with
    # no reconnect. The reconnect step waits for the stride-2 numbers from the share link.
    assert row.stats.errors == []
    assert row.completed == 6
    assert row.moved >= 1 and row.moved + row.sticky == 6
    assert len(row.stats.times["reconnect"]) == row.moved
    moved = [learner for learner in row.learners if learner.reconnects]
    assert all(learner.browser.replicas == ["app1", "app2"] for learner in moved)


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_cluster_command_stops_everything_on_ctrl_c():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "deploy.cluster", "--replicas", "1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C stops everything" in line:
                break
        pids = [int(pid) for pid in re.findall(r"\(pid (\d+)\)", "".join(lines))]
        assert _port_in_use(port), "".join(lines)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "stopped" in proc.stdout.read()
    assert not _port_in_use(port)
    assert len(pids) == 2 and not any(_alive(pid) for pid in pids)
