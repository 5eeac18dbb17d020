"""Start the test OpenAI-compatible server as a real process on a free 127.0.0.1 port, and stop it afterwards."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_server(log: Path, threads: int = 1, max_tokens: int = 96) -> tuple[subprocess.Popen[bytes], str]:
    """Launch ``tests.support.openai_server``; returns the process and its base URL (``.../v1``) at once."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "tests.support.openai_server",
        "--port",
        str(port),
        "--threads",
        str(threads),
        "--max-tokens",
        str(max_tokens),
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2]
        )
    return process, f"http://127.0.0.1:{port}/v1"


def wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path, timeout_s: float = 240.0) -> None:
    """Block until the server answers ``/v1/models``; fail with its log if it dies or takes too long."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test model server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        if _ready(url):
            return
        time.sleep(0.5)
    raise TimeoutError(f"the test model server was not ready in {timeout_s:.0f} s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_server(log: Path, threads: int = 1, max_tokens: int = 96) -> Iterator[str]:
    """The base URL of a started, ready server, stopped when the block ends."""
    process, url = start_server(log, threads, max_tokens)
    try:
        wait_until_ready(process, url, log)
        yield url
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server, killing it if it does not exit within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
