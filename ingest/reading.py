"""Read a document into chunks; a large one in a separate process, so its pure-Python parsing (a 2,000-page PDF
takes minutes) never holds the interpreter lock that the threads answering questions need."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from assistant.core.schema import Chunk
from ingest.chunking import ChunkingOptions, chunk_document
from ingest.loaders import load

READ_APART_BYTES = 1_000_000  # files this large are read in a process of their own


def _idle_priority() -> None:
    """The reading process takes only CPU time nothing else wants (Linux SCHED_IDLE; elsewhere nice +10)."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(10)


def read(path: Path, doc_id: str, options: ChunkingOptions) -> list[Chunk]:
    """The chunks of the document at ``path``; a :class:`~ingest.errors.LoadError` names why there are none."""
    return chunk_document(load(path), doc_id, options)


def read_apart(path: Path, doc_id: str, options: ChunkingOptions) -> list[Chunk]:
    """``read``, in a separate low-priority process when the file is large (errors are raised here alike)."""
    if path.stat().st_size < READ_APART_BYTES:
        return read(path, doc_id, options)
    with ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=_idle_priority) as pool:
        return pool.submit(read, path, doc_id, options).result()
