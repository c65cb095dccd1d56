"""Where a busy server's memory goes: live Python objects against allocator free space.

Starts the app, makes one warm-up visit, then runs bursts of concurrent sessions (the journey
of ``benchmarks/protocol_load.py``), waiting each time until closed sessions have expired. After
the warm-up and after the last burst it prints the server's resident memory and CPython's
small-object allocator statistics (``sys._debugmallocstats``), read from inside the running
server through gdb. Bytes in allocated blocks are live objects; available blocks and unused
pools are free space the allocator keeps inside its arenas (an arena goes back to the system
only when all of it is free).

    python -m devtools.server_memory                 # 2 bursts of 20 sessions
    python -m devtools.server_memory --bursts 4 --sessions 10

Needs gdb and permission to attach to the server (ptrace). A diagnostic, not part of the suite.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess

from benchmarks.protocol_load import burst, warm_up
from devtools.live import LiveServer, artifacts_dir, streamlit_server

FIELDS = (
    "# arenas allocated current",
    "# bytes in allocated blocks",
    "# bytes in available blocks",
    "unused pools",
)
MARK = "Small block threshold"


def dump_allocator_stats(pid: int) -> None:
    """Make the server print sys._debugmallocstats() to its log (gdb runs one line of Python)."""
    code = "import gc, sys; gc.collect(); sys._debugmallocstats()"
    subprocess.run(
        ["gdb", "-p", str(pid), "-batch", "-nx",
         "-ex", "call (int)PyGILState_Ensure()",
         "-ex", f'call (int)PyRun_SimpleString("{code}")',
         "-ex", "call (void)PyGILState_Release($1)"],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip


async def measure(server: LiveServer, bursts: int, sessions: int, settle: float) -> list[float]:
    await warm_up(server, settle)
    rss = [server.rss_mib()]
    dump_allocator_stats(server.pid)
    for _ in range(bursts):
        stats = await burst(server, sessions, settle)
        if stats.errors:
            raise SystemExit(f"session errors: {stats.errors[:3]}")
        rss.append(server.rss_mib())
    dump_allocator_stats(server.pid)
    return rss


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--settle", type=float, default=12.0, help="seconds, > the session TTL")
    args = parser.parse_args(argv)
    if shutil.which("gdb") is None:
        raise SystemExit("gdb is not installed")
    with streamlit_server(extra_args=("--server.disconnectedSessionTTL", "10")) as server:
        rss = asyncio.run(measure(server, args.bursts, args.sessions, args.settle))
        port = server.url.rsplit(":", 1)[1]
    log = (artifacts_dir() / f"server-{port}.log").read_text()
    before, after = (part for part in log.split(MARK)[1:3])
    print(f"RSS MiB after the warm-up, then after each burst of {args.sessions}: {rss}")
    print("| CPython small-object allocator | after warm-up | after the bursts |")
    print("|---|---|---|")
    for field in FIELDS:
        pick = [
            next(line for line in part.splitlines() if field in line) for part in (before, after)
        ]
        values = [line.split("=")[-1].strip() for line in pick]
        print(f"| {field.lstrip('# ')} | {values[0]} | {values[1]} |")


if __name__ == "__main__":
    main()
