"""Kill -9 during an upload's indexing, restart: one repair sync leaves each upload fully searchable or cleanly
absent (never listed in the manifest with passages missing from the store or from BM25)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.core.config import PROJECT_ROOT, Settings
from assistant.index.bm25 import BM25Index
from assistant.index.store import ChunkStore
from assistant.retrieval.engine import SearchEngine
from assistant.retrieval.filters import SearchFilter
from ingest.jobs import IndexingJob
from ingest.manifest import DIRTY_NAME, Manifest
from ingest.uploads import discard_failed, repair, store, uploads, uploads_dir
from tests.conftest import make_pdf

pytestmark = pytest.mark.e2e

SYNC = """
import sys
from assistant.core.config import load_settings
from ingest.indexer import sync
from ingest.uploads import uploads_dir
settings = load_settings(data_dir=sys.argv[1], index=sys.argv[2], dense_models=("minilm",))
sync([uploads_dir(settings)], settings)
"""


WORDS = (
    "heat network homes retrofit schools cycle lanes ferry biogas council budget solar panels permit district "
    "residents insulation tram depot harbour river park trees waste sorting tonnes meetings plan"
).split()


def _report(district: str, pages: int) -> list[str]:
    """Pages that share no line (a line on every page would be dropped as a running header), one chunk each."""
    pick = random.Random(district)
    return [f"{district} district report, page {n}. " + " ".join(pick.choices(WORDS, k=90)) + "." for n in range(pages)]


def test_a_sync_killed_mid_upload_is_repaired_by_one_sync_at_restart(settings: Settings, tmp_path: Path) -> None:
    for district in ("Zorbania", "Quellport"):
        pdf = make_pdf(tmp_path / f"{district}.pdf", _report(district, 300), title=f"{district} reports")
        store(pdf, pdf.name, "alice", settings)
    log = (tmp_path / "sync.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", SYNC, str(settings.data_dir), str(settings.index_dir)],
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    folder = uploads_dir(settings).resolve()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        listed = [k for k in Manifest.load(settings.index_dir).files if Path(k).is_relative_to(folder)]
        if len(listed) == 1:  # the first upload written to the store, the second being embedded
            break
        time.sleep(0.2)
    assert process.poll() is None, (tmp_path / "sync.log").read_text()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert (settings.index_dir / DIRTY_NAME).exists()

    repairs = repair(settings)  # what the app does at start
    assert repairs is not None
    job = IndexingJob(settings)
    job.start(repairs, then=lambda report: discard_failed(settings, report))
    assert job.wait(600) and not job.status().error and job.status().report.repaired

    manifest = Manifest.load(settings.index_dir)
    bm25 = BM25Index.load(settings.index_dir)
    chunks = ChunkStore(settings)
    assert bm25 is not None and not (settings.index_dir / DIRTY_NAME).exists()
    engine = SearchEngine(settings)
    for district in ("Zorbania", "Quellport"):
        [upload] = [u for u in uploads(settings) if u.file_name == f"{district}.pdf"]
        entry = manifest.files[str(upload.path.resolve())]
        in_bm25 = {cid for cid, doc in zip(bm25.chunk_ids, bm25.fields["doc_id"]) if doc == upload.token}
        assert set(entry.chunk_ids) == chunks.ids_for_doc("minilm", upload.token) == in_bm25 and len(in_bm25) >= 256
        found = engine.search(f"{district} heat network homes", k=3, search_filter=SearchFilter().for_reader("alice"))
        assert found and found[0].doc_id == upload.token
