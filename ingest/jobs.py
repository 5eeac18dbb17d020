"""Index files in a background thread while the UI stays up, and tell anyone who asks how far it got.

Used for the first start on an empty index (the shipped corpus) and for uploads. One sync runs at a time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.core.config import Settings
from assistant.index.generation import read_generation
from ingest.indexer import SyncProgress, SyncReport, sync

log = logging.getLogger(__name__)
INDEXING_NICE = 10  # how much lower than answering the indexing thread runs


def _yield_cpu() -> None:
    """Let answering win the CPU over indexing: on Linux each thread has its own nice value, raised here by
    ``INDEXING_NICE`` over the process's own (never lowered, even when running as root)."""
    try:
        thread = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + INDEXING_NICE))
    except (AttributeError, OSError):  # not Linux: indexing runs at the same priority
        log.debug("cannot lower the indexing thread's priority here")


def index_ready(settings: Settings) -> bool:
    """True once a sync has finished on this index (it publishes its generation last)."""
    return bool(read_generation(settings.index_dir))


@dataclass(frozen=True)
class IndexStatus:
    running: bool = False
    files_done: int = 0
    files_total: int = 0
    chunks_done: int = 0
    current: str = ""
    started: float = 0.0
    report: SyncReport | None = None
    error: str = ""

    def describe(self) -> str:
        """One line for people: what is being indexed and how far it got, or how the last sync ended."""
        if self.running:
            if not self.files_total:
                return "Indexing: looking for new or changed files…"
            elapsed = time.monotonic() - self.started
            reading = f"; now reading {self.current}" if self.current else ""
            return (
                f"Indexing documents: {self.files_done} of {self.files_total} files, "
                f"{self.chunks_done} passages ({elapsed:.0f} s){reading}…"
            )
        if self.error:
            return f"Indexing failed: {self.error}"
        return f"Index ready: {self.report.chunks_total} passages." if self.report else ""


class IndexingJob:
    """At most one sync at a time, run in a daemon thread; ``status()`` is safe to call from any thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._status = IndexStatus()
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._finished.set()

    def status(self) -> IndexStatus:
        with self._lock:
            return self._status

    @property
    def running(self) -> bool:
        return not self._finished.is_set()

    def start(self, paths: list[Path], then: Callable[[SyncReport], None] | None = None) -> bool:
        """Start syncing ``paths`` (and call ``then`` with its report); False (and nothing started) if a sync is
        already running."""
        with self._lock:
            if not self._finished.is_set():
                return False
            self._finished.clear()
            self._status = IndexStatus(running=True, started=time.monotonic())
        threading.Thread(target=self._run, args=(paths, then), name="netzero-indexing", daemon=True).start()
        return True

    def _progress(self, progress: SyncProgress) -> None:
        with self._lock:
            self._status = replace(
                self._status,
                files_done=progress.files_done,
                files_total=progress.files_total,
                chunks_done=progress.chunks_done,
                current=progress.current,
            )

    def _run(self, paths: list[Path], then: Callable[[SyncReport], None] | None) -> None:
        _yield_cpu()
        report, error = None, ""
        try:
            report = sync(paths, self.settings, progress=self._progress)
            if then is not None:
                then(report)
        except Exception as exc:
            log.exception("indexing %s failed", ", ".join(map(str, paths)))
            error = str(exc) or type(exc).__name__
        with self._lock:
            self._status = replace(self._status, running=False, report=report, error=error)
        self._finished.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no sync runs (or ``timeout`` seconds pass); True if none runs."""
        return self._finished.wait(timeout)

    def progress_messages(self, interval: float = 1.0) -> Iterator[str]:
        """While a sync runs, its progress line every ``interval`` seconds; nothing if none runs."""
        while self.running:
            yield self.status().describe()
            self._finished.wait(interval)
