"""Run the real server (``python app.py``) as a process on a free 127.0.0.1 port over a small folder of documents,
and stop it afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.core.config import PROJECT_ROOT
from tests.support.launch import free_port, stop


@dataclass
class Server:
    url: str  # http://127.0.0.1:<port>, without a trailing slash
    data_dir: Path
    process: subprocess.Popen[bytes]


def _health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/api/v1/health", timeout=5) as response:
            return json.loads(response.read())
    except OSError:
        return None


@contextmanager
def running_server(root: Path, corpus: Path, timeout_s: float = 600.0, **env: str) -> Iterator[Server]:
    """The server over an empty index of ``corpus`` (it indexes it at start), once its index is ready."""
    port = free_port()
    environment = {
        **os.environ,
        "NETZERO_DATA_DIR": str(root / "data"),
        "NETZERO_INDEX": str(root / "index"),
        "NETZERO_CORPUS": str(corpus),
        "NETZERO_DENSE_MODELS": "minilm",
        "NETZERO_HOST": "127.0.0.1",
        "NETZERO_PORT": str(port),
        "NETZERO_AUTH": "",
        "NETZERO_AUTH_FILE": "",
        "NETZERO_THREADS": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        **env,
    }
    log = root / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "app.py"], cwd=PROJECT_ROOT, env=environment, stdout=sink, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", root / "data", process)
    try:
        deadline = time.monotonic() + timeout_s
        while (health := _health(server.url)) is None or health["status"] != "ok":
            if process.poll() is not None:
                raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server was not ready in {timeout_s:.0f} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield server
    finally:
        stop(process)
