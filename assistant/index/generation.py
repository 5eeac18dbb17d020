"""The index's sync generation: a tiny file that a sync writes last, atomically, beside the manifest and sidecars.

Replicas that share one index folder (and one Chroma server) compare it before each search: a new value means a
sync finished, so they reload the BM25 sidecar and vocabulary; a sync still writing has not changed it yet.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

GENERATION_NAME = "generation"


def read_generation(folder: Path) -> str:
    """The last finished sync's token, or "" when no sync has finished on this folder since generations began."""
    try:
        return (folder / GENERATION_NAME).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def write_generation(folder: Path) -> str:
    """Publish a finished sync: a new unique token, written to a temporary file and renamed over the old one."""
    token = f"{time.time_ns()}-{uuid.uuid4().hex[:12]}"
    tmp = folder / f"{GENERATION_NAME}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(token + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, folder / GENERATION_NAME)
    return token
