"""Many learners through the load balancer: R app processes behind HAProxy, N learners at once.

Each simulated learner behaves as a browser tab does, through HAProxy only (``deploy.cluster``,
all on 127.0.0.1): it fetches the page, ``/_stcore/health`` and ``/_stcore/host-config``
(keeping the cookies it is given: HAProxy's replica cookie and Streamlit's XSRF cookie), opens
the websocket with those cookies, and then runs ``benchmarks.protocol_load``'s journey: open the
1D convolution page (``load``), set its stride to 2 (``widget``), upload a small PNG through
``/_stcore/upload_file`` with the XSRF header (``upload``; a replica refuses a session it does
not hold, so this fails without stickiness), open the pooled 1D CNN and train it (``train``).
Every request carries the learner's label (``X-Cnndemo-Learner``), which HAProxy logs next to
the replica that served it.

Checked from the server side after each run: in HAProxy's log every learner's requests name
one replica; the websockets each replica served there equal the connects the replica counts
itself (its ``/_stcore/metrics``); HAProxy marked no replica down. Memory: each replica's
resident memory is sampled during the run; per session = (sum of the replicas' peaks - sum of
their baselines after a warm-up visit) / N.

``--kill``: the learners stop after the upload, ``app1`` is killed (SIGKILL, as a crash), and
then all train. The killed replica's learners see their websocket close, reconnect with the
cookies they hold (HAProxy sends them to a live replica and sets a new cookie), reopen the page
from its share link (the query string the app wrote into the address bar) and must see their
stride-2 numbers again without touching a control (``reconnect``), upload again and train. The
others must finish without a single reconnect on their one replica.

    python -m benchmarks.cluster_load                                 # R = 1, 2, 3 x N = 20, 50, 100
    python -m benchmarks.cluster_load --replicas 2 --sessions 20
    python -m benchmarks.cluster_load --kill --replicas 2 --sessions 20
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from dataclasses import dataclass, field

from benchmarks.cluster_learner import Learner, run_learner
from benchmarks.load_test import RunStats, percentile, print_errors
from benchmarks.protocol_load import quiet_server_state, settle_and_probe, warm_up
from deploy.cluster import Cluster, local_cluster
from deploy.routing_log import (
    read_requests,
    replicas_by_learner,
    state_changes,
    websockets_by_replica,
)

SESSION_TTL = 10  # server.disconnectedSessionTTL for the run (the app's default is 120 s)
STEPS = ("load", "widget", "upload", "train", "reconnect")


@dataclass
class Row:
    """One run: R replicas, N learners, what the learners timed and what the servers saw."""

    replicas: int
    stats: RunStats
    learners: list[Learner] = field(default_factory=list)
    served: dict[str, list[str]] = field(default_factory=dict)  # learner -> replicas (log)
    split: dict[str, int] = field(default_factory=dict)  # replica -> websockets (log)
    peak_above_baseline_mib: float = 0.0
    peaks: dict[str, float] = field(default_factory=dict)  # replica -> peak RSS MiB

    @property
    def completed(self) -> int:
        return sum(learner.completed for learner in self.learners)

    @property
    def sticky(self) -> int:
        """Learners whose requests all reached one replica, by HAProxy's log."""
        return sum(len(replicas) == 1 for replicas in self.served.values())

    @property
    def moved(self) -> int:
        """Learners served by two replicas: the killed one, then a live one."""
        return sum(len(replicas) == 2 for replicas in self.served.values())

    @property
    def mib_per_session(self) -> float:
        return self.peak_above_baseline_mib / max(self.stats.sessions, 1)


async def _sample_peaks(cluster: Cluster, peaks: dict[str, float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        for replica in cluster.replicas:
            try:
                rss = replica.server.rss_mib()
            except (OSError, RuntimeError):  # a killed replica: gone, or exiting (no VmRSS)
                continue
            peaks[replica.name] = max(peaks.get(replica.name, 0.0), rss)
        await asyncio.sleep(0.1)


async def _quiet(cluster: Cluster, alive: list) -> dict[str, int]:
    """Each live replica's own count of websocket connects once its sessions have closed."""
    states = await asyncio.gather(*(quiet_server_state(r.server, 30) for r in alive))
    return {r.name: state.connects for r, state in zip(alive, states, strict=True)}


async def run_row(
    cluster: Cluster, n: int, baselines: dict[str, float], kill: str | None = None
) -> Row:
    """N learners at once through the balancer; with ``kill``, that replica dies mid-run."""
    alive = [r for r in cluster.replicas if r.alive]
    connects_before = await _quiet(cluster, alive)
    log_start = cluster.log_path.stat().st_size
    row = Row(len(alive), RunStats(n))
    peaks: dict[str, float] = {}
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_peaks(cluster, peaks, stop))
    paused = asyncio.Event() if kill else None
    arrived: list[str] = []
    all_arrived = asyncio.Event()

    def arrive(label: str) -> None:
        arrived.append(label)
        if len(arrived) == n:
            all_arrived.set()

    async def kill_when_paused() -> None:
        await asyncio.wait_for(all_arrived.wait(), 600)
        cluster.kill(kill)
        paused.set()

    tasks = [run_learner(cluster.url, row.stats, f"n{n}-{i}", paused, arrive) for i in range(n)]
    if kill:
        tasks.append(kill_when_paused())
    try:
        results = await asyncio.gather(*tasks)
    finally:
        stop.set()
        await sampler
    row.learners = [r for r in results if isinstance(r, Learner)]
    survivors = [r for r in alive if r.name != kill]
    connects_after = await _quiet(cluster, survivors)
    row.peaks = dict(sorted(peaks.items()))
    row.peak_above_baseline_mib = sum(
        peaks.get(r.name, baselines[r.name]) - baselines[r.name] for r in survivors
    )
    await _check_servers(cluster, row, log_start, connects_before, connects_after, kill)
    return row


async def _check_servers(
    cluster: Cluster,
    row: Row,
    log_start: int,
    connects_before: dict[str, int],
    connects_after: dict[str, int],
    kill: str | None,
) -> None:
    """Stickiness and health from the servers' records; every mismatch is an error."""
    expected_sockets = sum(1 + learner.reconnects for learner in row.learners)
    for _ in range(50):  # HAProxy logs a websocket when both sides have closed
        requests = read_requests(cluster.log_path, log_start)
        if sum(websockets_by_replica(requests).values()) >= expected_sockets:
            break
        await asyncio.sleep(0.1)
    row.served = replicas_by_learner(requests)
    row.split = dict(sorted(websockets_by_replica(requests).items()))
    errors = row.stats.errors
    for name, after in connects_after.items():
        if after - connects_before[name] != row.split.get(name, 0):
            errors.append(
                f"{name} counted {after - connects_before[name]} connects, "
                f"HAProxy logged {row.split.get(name, 0)} websockets there"
            )
    downs = [change for change in state_changes(cluster.log_path, log_start) if change[0] != kill]
    if downs:
        errors.append(f"HAProxy changed replica states: {downs}")
    for learner in row.learners:
        served = row.served.get(learner.label, [])
        moved = kill is not None and served[:1] == [kill]
        expected = 2 if moved else 1
        if len(served) != expected or learner.reconnects != expected - 1:
            errors.append(
                f"{learner.label}: served by {served}, {learner.reconnects} reconnects"
                f" (expected {expected - 1})"
            )


async def measure(cluster: Cluster, counts: list[int], settle: float, kill: bool) -> list[Row]:
    servers = [r.server for r in cluster.replicas]
    await asyncio.gather(*(warm_up(server, settle) for server in servers))
    states = await asyncio.gather(*(quiet_server_state(server) for server in servers))
    baselines = {r.name: s.rss_mib for r, s in zip(cluster.replicas, states, strict=True)}
    print("baseline RSS after a warm-up visit (MiB):", _mib(baselines), flush=True)
    rows = []
    for n in counts:
        rows.append(await run_row(cluster, n, baselines, kill="app1" if kill else None))
        alive = [r.server for r in cluster.replicas if r.alive]
        await asyncio.gather(*(settle_and_probe(server, settle) for server in alive))
    return rows


def _mib(values: dict[str, float]) -> str:
    return ", ".join(f"{name} {mib:.0f}" for name, mib in values.items())


def _p(values: list[float], q: float) -> str:
    return f"{percentile(values, q):.2f}" if values else "-"


def table(rows: list[Row]) -> str:
    lines = [
        "| replicas | N | completed | errors | widget p50 / p95 s | train p50 / p95 s "
        "| reconnect p50 / p95 s | MiB per session | websockets per replica "
        "| one replica per learner (HAProxy log) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        times = row.stats.times
        split = " / ".join(f"{name} {count}" for name, count in row.split.items())
        lines.append(
            f"| {row.replicas} | {row.stats.sessions} | {row.completed} "
            f"| {len(row.stats.errors)} "
            f"| {_p(times.get('widget', []), 0.5)} / {_p(times.get('widget', []), 0.95)} "
            f"| {_p(times.get('train', []), 0.5)} / {_p(times.get('train', []), 0.95)} "
            f"| {_p(times.get('reconnect', []), 0.5)} / {_p(times.get('reconnect', []), 0.95)} "
            f"| {row.mib_per_session:.2f} | {split} | {row.sticky} / {len(row.learners)}"
            + (f", {row.moved} moved once after the kill |" if row.moved else " |")
        )
    return "\n".join(lines)


def steps_table(rows: list[Row]) -> str:
    """Every timed step's median per run and each replica's peak memory, for the record."""
    lines = [
        "| replicas | N | " + " | ".join(STEPS) + " | peak RSS MiB |",
        "|---" * (len(STEPS) + 3) + "|",
    ]
    for row in rows:
        cells = [
            f"{statistics.median(row.stats.times[s]):.2f}" if row.stats.times.get(s) else "-"
            for s in STEPS
        ]
        cells.append(_mib(row.peaks))
        lines.append(f"| {row.replicas} | {row.stats.sessions} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--sessions", type=int, nargs="+", default=[20, 50, 100])
    parser.add_argument("--settle", type=float, default=15.0, help="seconds after a run")
    parser.add_argument("--kill", action="store_true", help="kill app1 in the middle of a run")
    args = parser.parse_args(argv)
    if args.kill and len(args.sessions) != 1:
        parser.error("--kill takes one --sessions count (app1 dies in that run)")
    ttl = ("--server.disconnectedSessionTTL", str(SESSION_TTL))
    rows: list[Row] = []
    for replicas in args.replicas:
        with local_cluster(replicas, extra_args=ttl) as cluster:
            rows += asyncio.run(measure(cluster, args.sessions, args.settle, args.kill))
        print(table(rows[-len(args.sessions) :]), flush=True)
    print()
    print(table(rows))
    print()
    print(steps_table(rows))
    print_errors([row.stats for row in rows])
    return rows


if __name__ == "__main__":
    main()
