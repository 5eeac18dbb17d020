import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.core.config import Settings
from assistant.index.bm25 import SIDECAR_NAME
from assistant.index.generation import write_generation
from ingest import jobs as indexing
from ingest.indexer import SyncProgress, SyncReport
from ingest.jobs import IndexingJob, IndexStatus, index_ready


@pytest.fixture
def gated_sync(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Replace the real sync by one that reports progress, then waits for the test to let it finish."""
    gate = threading.Event()

    def fake_sync(paths: list[Path], settings: Settings, progress) -> SyncReport:
        progress(SyncProgress(1, 3, 40, "ccc.md"))
        gate.wait(5)
        if paths == [Path("broken")]:
            raise RuntimeError("disk full")
        return SyncReport(added=["a"], chunks_total=120)

    monkeypatch.setattr(indexing, "sync", fake_sync)
    return gate


def test_progress_is_visible_while_running_and_one_sync_runs_at_a_time(
    settings: Settings, gated_sync: threading.Event
) -> None:
    job = IndexingJob(settings)
    assert job.start([Path("corpus")]) and not job.start([Path("other")])
    messages = job.progress_messages(interval=0.01)
    first = next(messages)
    assert first.startswith("Indexing") and job.running
    while job.status().files_total == 0:
        next(messages)
    assert "1 of 3 files, 40 passages" in job.status().describe() and "ccc.md" in job.status().describe()
    gated_sync.set()
    assert job.wait(5) and list(job.progress_messages()) == []
    status = job.status()
    assert not status.running and status.report.chunks_total == 120
    assert status.describe() == "Index ready: 120 passages."


def test_a_failed_sync_is_reported_and_the_job_can_run_again(settings: Settings, gated_sync: threading.Event) -> None:
    job = IndexingJob(settings)
    gated_sync.set()
    job.start([Path("broken")])
    assert job.wait(5)
    assert job.status().describe() == "Indexing failed: disk full"
    assert job.start([Path("corpus")]) and job.wait(5) and job.status().error == ""


def test_an_idle_job_says_nothing_and_an_index_is_ready_once_a_sync_is_published(settings: Settings) -> None:
    assert IndexStatus().describe() == "" and list(IndexingJob(settings).progress_messages()) == []
    assert not index_ready(settings)
    settings.index_dir.mkdir(parents=True)
    (settings.index_dir / SIDECAR_NAME).write_bytes(b"")
    assert not index_ready(settings)  # a sidecar alone may be a sync still writing
    write_generation(settings.index_dir)
    assert index_ready(settings)


def test_the_indexing_thread_runs_below_the_answering_threads(
    settings: Settings, gated_sync: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real = indexing.sync

    def recording(paths: list[Path], settings: Settings, progress: Callable[[SyncProgress], None]) -> SyncReport:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return real(paths, settings, progress)

    monkeypatch.setattr(indexing, "sync", recording)
    job = IndexingJob(settings)
    job.start([Path("docs")])
    gated_sync.set()
    assert job.wait(10)
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen == [min(19, own + indexing.INDEXING_NICE)]
