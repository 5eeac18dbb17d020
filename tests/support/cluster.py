"""The scaled shape on one machine, as real processes on loopback: a Chroma server, and N app replicas that share
it, one index folder and one logbook database. Used by the end-to-end test and by ``bench/load.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.launch import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Service:
    """One started process, its base URL and its log file."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish what it was doing, as in a crash."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Cluster:
    """The shared settings every replica gets (as NETZERO_* variables) and the running services."""

    env: dict[str, str]
    chroma: Service
    replicas: list[Service] = field(default_factory=list)


def _answers(url: str, path: str) -> bool:
    try:
        with urllib.request.urlopen(url + path, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until_up(service: Service, path: str, timeout_s: float = 300.0) -> None:
    """Block until ``service`` answers ``path`` with 200; fail with its log if it dies or takes too long."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not service.alive():
            raise RuntimeError(f"{service.name} exited ({service.process.returncode}):\n{_tail(service.log)}")
        if _answers(service.url, path):
            return
        time.sleep(0.5)
    raise TimeoutError(f"{service.name} was not up in {timeout_s:.0f} s:\n{_tail(service.log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.is_file() else "(no log)"


def _spawn(name: str, command: list[str], url: str, log: Path, env: dict[str, str] | None = None) -> Service:
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT, env=env)
    return Service(name, url, process, log)


def start_chroma(folder: Path) -> Service:
    """``chroma run`` (the CLI the chromadb package ships) on a free loopback port, storing under ``folder``."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--path", str(folder / "chroma"), "--host", "127.0.0.1", "--port", str(port)]
    service = _spawn("chroma", command, f"http://127.0.0.1:{port}", folder / "chroma.log")
    try:
        wait_until_up(service, "/api/v2/heartbeat")
    except BaseException:
        service.stop()
        raise
    return service


def shared_env(folder: Path, chroma_url: str, logbook_url: str, **extra: str) -> dict[str, str]:
    """The environment of every replica and writer: one shared data and index folder, one Chroma server, one
    logbook database."""
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "NETZERO_DATA_DIR": str(folder / "shared"),
        "NETZERO_INDEX": str(folder / "shared" / "index"),
        "NETZERO_CHROMA_URL": chroma_url,
        "NETZERO_LOGBOOK_URL": logbook_url,
        **extra,
    }


def ingest(env: dict[str, str], *paths: Path) -> subprocess.CompletedProcess[str]:
    """``netzero ingest PATH ...`` against the shared store: the single writer."""
    command = [sys.executable, "-m", "assistant.cli", "ingest", *map(str, paths)]
    return subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)


def start_replica(env: dict[str, str], name: str, folder: Path) -> Service:
    """``netzero serve`` on a free loopback port with the shared environment (not waited for)."""
    port = free_port()
    command = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return _spawn(name, command, f"http://127.0.0.1:{port}", folder / f"{name}.log", env)


@contextmanager
def running_cluster(folder: Path, logbook_url: str, **extra: str) -> Iterator[Cluster]:
    """A Chroma server and the shared environment; replicas are added with ``add_replicas`` (after the index is
    filled, say). Everything started here is stopped when the block ends, however it ends."""
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        chroma = start_chroma(folder)
        stack.callback(chroma.stop)
        cluster = Cluster(shared_env(folder, chroma.url, logbook_url, **extra), chroma)
        stack.callback(lambda: [replica.stop() for replica in cluster.replicas])
        yield cluster


def add_replicas(cluster: Cluster, folder: Path, count: int, timeout_s: float = 600.0) -> list[Service]:
    """Start ``count`` more replicas at once and wait until each serves its page."""
    started = [start_replica(cluster.env, f"replica-{len(cluster.replicas) + i}", folder) for i in range(count)]
    cluster.replicas.extend(started)
    for replica in started:
        wait_until_up(replica, "/api/v1/health", timeout_s)
    return started
