"""A large file is read in a process of its own: the same chunks as in-process, and failures keep their reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import reading
from ingest.chunking import ChunkingOptions
from ingest.errors import LoadError
from tests.conftest import make_pdf


def test_a_file_read_apart_gives_the_chunks_read_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [
        "The harbour heat network reached 4,000 homes in 2024 and will grow again next year.",
        "Cycle lanes along the river were widened, and the ferry now runs on biogas from the city's waste.",
        "The council set aside 4 million euro for retrofits of schools built before 1970.",
    ]
    pdf = make_pdf(tmp_path / "report.pdf", pages)
    here = reading.read(pdf, "report", ChunkingOptions())
    monkeypatch.setattr(reading, "READ_APART_BYTES", 0)  # every file counts as large
    apart = reading.read_apart(pdf, "report", ChunkingOptions())
    assert [(c.chunk_id, c.text, c.metadata) for c in apart] == [(c.chunk_id, c.text, c.metadata) for c in here]


def test_a_file_that_fails_apart_fails_here_with_its_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is not a pdf at all")
    monkeypatch.setattr(reading, "READ_APART_BYTES", 0)
    with pytest.raises(LoadError) as failed:
        reading.read_apart(broken, "broken", ChunkingOptions())
    assert failed.value.path == broken and "PDF" in failed.value.reason
