"""The container image, checked without Docker: what it installs, the command it runs, its
health check. The command and the health check are run here for real, on loopback."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time

import pytest

from devtools.live import ROOT, free_port

DOCKERFILE = (ROOT / "Dockerfile").read_text()
README = (ROOT / "README.md").read_text()


def instructions(name: str) -> list[str]:
    """The arguments of every ``NAME`` instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [
        line.split(None, 1)[1]
        for line in joined.splitlines()
        if line.split(None, 1)[:1] == [name] and not line.startswith("#")
    ]


def container_command() -> str:
    """The shell command of ``CMD ["sh", "-c", "exec ..."]``, without its ``exec``."""
    (cmd,) = instructions("CMD")
    shell, flag, command = json.loads(cmd)
    assert (shell, flag) == ("sh", "-c")
    assert command.startswith("exec "), "Streamlit must be PID 1 to get SIGTERM"
    return command.removeprefix("exec ")


def flags(command: list[str]) -> dict[str, str]:
    return {a: b for a, b in zip(command, command[1:], strict=False) if a.startswith("--")}


def readme_host_command() -> list[str]:
    line = next(
        re.search(r"`(streamlit run [^`]+)`", line).group(1)
        for line in README.splitlines()
        if "streamlit run streamlit_app.py --server.address 0.0.0.0" in line
    )
    return shlex.split(line)


def test_slim_python_base_and_a_non_root_user():
    (base,) = instructions("FROM")
    assert re.fullmatch(r"python:3\.1[1-9]-slim", base)
    (user,) = instructions("USER")
    assert user not in ("root", "0")
    assert re.search(rf"useradd .*--uid {user}\b", DOCKERFILE)


def test_installs_exactly_the_runtime_requirements():
    installs = [run for run in instructions("RUN") if "pip" in run]
    assert installs == ["pip install -r requirements.txt"]
    assert "COPY requirements.txt ." in DOCKERFILE


def test_runs_the_readme_server_command_with_the_port_from_the_environment():
    command = shlex.split(container_command())
    assert command[:5] == ["python", "-m", "streamlit", "run", "streamlit_app.py"]
    ours, readme = flags(command), flags(readme_host_command())
    assert ours["--server.port"] == "$PORT"
    assert {k: v for k, v in readme.items() if k != "--server.port"}.items() <= ours.items()
    assert re.search(r"^\s*PORT=\d+", DOCKERFILE, re.MULTILINE)


def test_every_flag_is_an_option_of_the_installed_streamlit():
    help_text = subprocess.run(
        [sys.executable, "-m", "streamlit", "run", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = set(re.findall(r"(--[\w.]+)", help_text))
    assert flags(shlex.split(container_command())).keys() <= listed


def test_the_image_ships_the_app_but_not_the_tests_or_the_repository():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", "artifacts", "tests"} <= ignored
    needed = {"streamlit_app.py", "app", "pages", "cnndemo", ".streamlit", "requirements.txt"}
    assert not needed & ignored
    assert all((ROOT / path).exists() for path in needed)


@pytest.fixture(scope="module")
def container_server():
    """The image's command as ``sh -c`` runs it, on loopback instead of every interface."""
    port = free_port()
    command = container_command().replace("--server.address 0.0.0.0", "--server.address 127.0.0.1")
    env = {**os.environ, "PORT": str(port)}
    proc = subprocess.Popen(
        ["sh", "-c", f"exec {command}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield port, env
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_command_serves_the_app_and_the_healthcheck_passes(container_server):
    port, env = container_server
    (healthcheck,) = instructions("HEALTHCHECK")
    probe = shlex.split(healthcheck.split(" CMD ", 1)[1])
    assert "/_stcore/health" in probe[-1]
    deadline = time.monotonic() + 60
    while True:
        result = subprocess.run(probe, env=env, capture_output=True, timeout=30)
        if result.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert result.returncode == 0, result.stderr.decode()[-500:]
    # The same probe against a port nobody listens on fails: the check is not vacuous.
    dead = subprocess.run(probe, env={**env, "PORT": str(free_port())}, capture_output=True)
    assert dead.returncode != 0
