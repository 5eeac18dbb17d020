"""Sync a set of files into the index: embed only what is new or changed, delete what changed or went away.

Crash safety comes from the order of writes: new chunks are upserted (idempotent ids), the manifest and sidecars are
saved, the sync's generation is published, and only then are stale chunks deleted. A marker file lives while a sync
writes; if a sync dies, the next one finds the marker and reconciles the store with the manifest, so no chunk is
duplicated or orphaned.

Readers, in this process or in replicas sharing the index folder and Chroma server, switch to a sync's result when its
generation appears (see ``assistant.index.generation``): until then they keep the previous one whole, because the
chunks a sync adds are not in their BM25 sidecar (their dense hits are dropped) and the chunks it replaces stay in the
store until it is published. One sync at a time per index folder, across processes: an OS lock on ``sync.lock``.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.config import Settings
from assistant.core.schema import Chunk
from assistant.index.bm25 import SIDECAR_NAME, BM25Index
from assistant.index.embeddings import EMBEDDING_DIMS, indexing_embedder
from assistant.index.generation import read_generation, write_generation
from assistant.index.store import ChunkStore
from assistant.index.word_vectors import VOCABULARY_MODEL, VOCABULARY_NAME, WordTranslator
from ingest.chunking import ChunkingOptions
from ingest.errors import LoadError
from ingest.loaders import is_supported
from ingest.manifest import INDEX_FORMAT, FileEntry, IndexFormatError, Manifest, file_hash
from ingest.metadata import SIDECAR_SUFFIX
from ingest.reading import read_apart

# YAML files beside documents are metadata (sidecars, the controlled vocabulary), never documents to list.
METADATA_SUFFIXES = {".yaml", ".yml"}

FLUSH_CHUNKS = 256
LOCK_NAME = "sync.lock"


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """An OS file lock: released by the kernel even when the holder is killed, so it never goes stale."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logging.getLogger(__name__).warning("%s: another sync is running on this index; waiting", path.parent)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class SyncProgress:
    files_done: int
    files_total: int
    chunks_done: int
    current: str = ""


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks_written: int = 0
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    chunks_total: int = 0
    repaired: bool = False
    migrated: str = ""  # what was done to an index built by an older version or for other models, in one line
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted or self.repaired)

    def summary(self) -> str:
        return (
            (f"{self.migrated}\n" if self.migrated else "")
            + f"files: {len(self.added)} added, {len(self.updated)} updated, {len(self.deleted)} deleted, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped, {len(self.failed)} failed; "
            f"chunks: {self.chunks_written} written ({self.chunks_embedded} embedded), {self.chunks_deleted} deleted, "
            f"{self.chunks_total} in index; {self.seconds:.1f} s"
            + ("; repaired an interrupted sync" if self.repaired else "")
        )


@dataclass
class _Pending:
    key: str
    doc_id: str
    sha256: str
    chunks: list[Chunk]
    is_new: bool


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, Path]], list[str]]:
    """(root, file) pairs of supported files under ``paths``, and the unsupported files found there."""
    found: list[tuple[Path, Path]] = []
    skipped: list[str] = []
    for root in paths:
        root = root.resolve()
        if root.is_file():
            candidates = [root]
        elif root.is_dir():
            candidates = sorted(p for p in root.rglob("*") if p.is_file())
        else:
            raise FileNotFoundError(f"{root}: no such file or folder")
        base = root.parent if root.is_file() else root
        for path in candidates:
            relative = path.relative_to(base)
            if any(part.startswith(".") for part in relative.parts) or path.suffix.lower() in METADATA_SUFFIXES:
                continue
            if is_supported(path):
                found.append((base, path))
            else:
                skipped.append(str(path))
    return found, skipped


def _doc_ids(files: list[tuple[Path, Path]]) -> dict[Path, str]:
    """Document ids: the path under its root without the extension (kept where two files would clash)."""
    ids: dict[Path, str] = {}
    taken: set[str] = set()
    for base, path in files:
        plain = path.relative_to(base).with_suffix("").as_posix()
        doc_id = plain if plain not in taken else path.relative_to(base).as_posix()
        taken.add(doc_id)
        ids[path] = doc_id
    return ids


def _content_hash(path: Path) -> str:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    return file_hash(path) + (":" + file_hash(sidecar) if sidecar.is_file() else "")


class Indexer:
    """Owns one index folder; ``sync`` brings it in line with a set of files."""

    def __init__(self, settings: Settings, progress: Callable[[SyncProgress], None] | None = None) -> None:
        self.settings = settings
        self.models = list(settings.dense_models)
        self.progress = progress or (lambda _p: None)
        self._written: list[Chunk] = []
        self._removed: set[str] = set()
        self._stale_docs: set[str] = set()
        self.options = ChunkingOptions(
            settings.chunk_target_words,
            settings.chunk_max_words,
            settings.chunk_min_words,
            settings.chunk_overlap_words,
        )
        self._store: ChunkStore | None = None

    @property
    def store(self) -> ChunkStore:
        if self._store is None:
            self._store = ChunkStore(self.settings)
        return self._store

    def sync(self, paths: Iterable[Path], rebuild: bool = False) -> SyncReport:
        """Bring the index in line with ``paths``; one sync at a time per index (others wait for the lock)."""
        with _exclusive(self.settings.index_dir / LOCK_NAME):
            return self._sync(list(paths), rebuild)

    def _sync(self, paths: list[Path], rebuild: bool) -> SyncReport:
        started = time.perf_counter()
        report = SyncReport()
        folder = self.settings.index_dir
        manifest = Manifest.load(folder)
        if rebuild:
            for model in self.store.models():
                self.store.drop(model)
            manifest = Manifest(folder)
            manifest.save()
            (folder / SIDECAR_NAME).unlink(missing_ok=True)
        else:
            report.migrated = self._migrate(manifest)
        files, report.skipped = discover(paths)
        # A folder covers every file under it; a file passed by name covers only itself.
        roots = {Path(p).resolve() for p in paths}
        doc_ids = _doc_ids(files)
        todo: list[tuple[Path, str, str]] = []
        for _, path in files:
            key = str(path)
            size_mb = path.stat().st_size / 1e6
            if size_mb > self.settings.max_file_mb:
                report.failed.append(
                    (
                        key,
                        f"file is {size_mb:.1f} MB, over the {self.settings.max_file_mb:g} MB "
                        f"limit (NETZERO_MAX_FILE_MB)",
                    )
                )
                continue
            sha = f"{_content_hash(path)}|{self.options.signature()}"
            entry = manifest.files.get(key)
            if entry and entry.sha256 == sha and set(self.models) <= set(entry.models):
                report.unchanged += 1
            else:
                todo.append((path, doc_ids[path], sha))
        present = {str(path) for _, path in files}
        removed = [
            key for key in manifest.files if key not in present and any(Path(key).is_relative_to(r) for r in roots)
        ]
        dirty = manifest.is_dirty()
        if not todo and not removed and not dirty and self._sidecars_present(folder):
            report.chunks_total = sum(len(e.chunk_ids) for e in manifest.files.values())
            report.seconds = time.perf_counter() - started
            return report

        manifest.mark_dirty()
        self._written, self._removed, self._stale_docs = [], set(), set()
        self._process(todo, manifest, report)
        for key in removed:
            entry = manifest.files.pop(key)
            self._removed.update(entry.chunk_ids)
            self._stale_docs.add(entry.doc_id)
            report.deleted.append(key)
            manifest.save()
        if dirty:
            report.repaired = self._reconcile(manifest, report)
        self._refresh_bm25(folder, report, manifest, full=rebuild or dirty)
        if self.settings.crosslingual:
            self._refresh_vocabulary(folder, manifest, full=rebuild or dirty)
        manifest.save()
        write_generation(folder)
        self._delete_stale(manifest, report)
        manifest.mark_clean()
        report.chunks_total = sum(len(e.chunk_ids) for e in manifest.files.values())
        report.seconds = time.perf_counter() - started
        return report

    def _process(self, todo: list[tuple[Path, str, str]], manifest: Manifest, report: SyncReport) -> None:
        pending: list[_Pending] = []
        chunks_done = 0
        self.progress(SyncProgress(0, len(todo), 0, ""))
        for done, (path, doc_id, sha) in enumerate(todo, start=1):
            try:
                chunks = read_apart(path, doc_id, self.options)
                if not chunks:
                    raise LoadError(path, "no text left after cleaning")
            except LoadError as exc:
                report.failed.append((str(path), exc.reason))
                continue
            except OSError as exc:
                report.failed.append((str(path), f"cannot read file ({exc.strerror or exc})"))
                continue
            pending.append(_Pending(str(path), doc_id, sha, chunks, str(path) not in manifest.files))
            if sum(len(p.chunks) for p in pending) >= FLUSH_CHUNKS:
                chunks_done += self._flush(pending, manifest, report)
                pending = []
                self.progress(SyncProgress(done, len(todo), chunks_done, path.name))
        chunks_done += self._flush(pending, manifest, report)
        self.progress(SyncProgress(len(todo), len(todo), chunks_done, ""))

    def _flush(self, pending: list[_Pending], manifest: Manifest, report: SyncReport) -> int:
        if not pending:
            return 0
        chunks = [c for p in pending for c in p.chunks]
        for model in self.models:
            reusable: dict[str, np.ndarray] = {}
            for p in pending:
                if not p.is_new:
                    reusable.update(self.store.vectors_for_doc(model, p.doc_id))
            hashes = [c.chunk_id.rsplit("::", 1)[-1] for c in chunks]
            missing = [i for i, h in enumerate(hashes) if h not in reusable]
            vectors = np.zeros((len(chunks), EMBEDDING_DIMS[model]), dtype=np.float32)
            if missing:
                fresh = indexing_embedder(
                    model, self.settings.threads, self.settings.precision, self.settings.model_cache
                ).embed_documents([chunks[i].embedding_text() for i in missing])
                vectors[missing] = fresh
                report.chunks_embedded += len(missing)
            for i, h in enumerate(hashes):
                if h in reusable:
                    vectors[i] = reusable[h]
            self.store.upsert(model, chunks, vectors)
        for p in pending:
            (report.added if p.is_new else report.updated).append(p.key)
            if not p.is_new:
                self._removed.update(manifest.files[p.key].chunk_ids)
                self._stale_docs.add(p.doc_id)
            manifest.files[p.key] = FileEntry(p.doc_id, p.sha256, [c.chunk_id for c in p.chunks], list(self.models))
        self._written.extend(chunks)
        report.chunks_written += len(chunks)
        manifest.save()
        return len(chunks)

    def _published_rows(self, model: str, manifest: Manifest) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """The stored chunks the manifest lists: not the stale ones this sync deletes after publishing."""
        listed = manifest.chunk_ids()
        return (row for row in self.store.iter_all(model) if row[0] in listed)

    def _delete_stale(self, manifest: Manifest, report: SyncReport) -> None:
        """Delete the chunks of updated or removed documents that the published manifest no longer lists."""
        listed = manifest.chunk_ids()
        for model in self.store.models():
            for doc_id in sorted(self._stale_docs):
                report.chunks_deleted += self.store.delete_doc(model, doc_id, keep=listed)

    def _refresh_bm25(self, folder: Path, report: SyncReport, manifest: Manifest, full: bool) -> None:
        """Update the BM25 sidecar by the chunks this sync wrote and removed; rebuild it from the store after a
        repair, a rebuild, or when it is missing."""
        current = None if full else BM25Index.load(folder)
        if current is None:
            BM25Index.build(self._published_rows(self.models[0], manifest)).save(folder)
        elif report.changed:
            rows = [(c.chunk_id, c.text, c.to_store_metadata()) for c in self._written]
            current.updated(self._removed, rows).save(folder)

    def _sidecars_present(self, folder: Path) -> bool:
        """The files written beside the store: the generation, the BM25 index and, with cross-lingual search, the
        vocabulary."""
        return (
            bool(read_generation(folder))
            and (folder / SIDECAR_NAME).is_file()
            and (not self.settings.crosslingual or (folder / VOCABULARY_NAME).is_file())
        )

    def _refresh_vocabulary(self, folder: Path, manifest: Manifest, full: bool) -> None:
        """Add the words of the chunks this sync wrote to the vocabulary that questions in other languages are
        read in (all the stored chunks' words after a repair, a rebuild, or when it is missing)."""
        loaded = None if full else WordTranslator.load(folder)
        if loaded is not None and not self._written:  # only deletions: every word it has stays a word
            return
        texts: Iterable[str] = (
            [c.text for c in self._written]
            if loaded is not None
            else (text for _, text, _ in self._published_rows(self.models[0], manifest))
        )
        base = loaded if loaded is not None else WordTranslator.empty(EMBEDDING_DIMS[VOCABULARY_MODEL])
        grown = base.extended(
            texts,
            indexing_embedder(
                VOCABULARY_MODEL, self.settings.threads, self.settings.precision, self.settings.model_cache
            ),
        )
        if grown is not loaded:
            grown.save(folder)

    def _migrate(self, manifest: Manifest) -> str:
        """Bring an index written by an older version, or holding vectors of a dense model no longer configured,
        in line with this one (nothing is re-embedded: the chunks and their vectors are the same), and say what
        was done; an index from a newer version is refused, never mixed."""
        folder = self.settings.index_dir
        if manifest.version > INDEX_FORMAT:
            raise IndexFormatError(
                f"{folder}: index format {manifest.version} was written by a newer netzero (this one reads "
                f"{INDEX_FORMAT}); upgrade, or rebuild it with `netzero ingest --rebuild`"
            )
        stale = sorted({m for entry in manifest.files.values() for m in entry.models} - set(self.models))
        if not manifest.files or (manifest.version == INDEX_FORMAT and not stale):
            manifest.version = INDEX_FORMAT
            return ""
        for model in stale:
            self.store.drop(model)
        for entry in manifest.files.values():
            entry.models = [m for m in entry.models if m in self.models]
        done = [f"dropped the {', '.join(stale)} passage vectors (not in dense_models)"] if stale else []
        if self.settings.crosslingual and WordTranslator.load(folder) is None:
            done.append("building the vocabulary that questions in other languages are read in")
        old, manifest.version = manifest.version, INDEX_FORMAT
        manifest.save()
        upgraded = f"index format {old} -> {INDEX_FORMAT}: " if old != INDEX_FORMAT else ""
        return f"{folder}: {upgraded}" + ("; ".join(done) or "nothing else to change")

    def _reconcile(self, manifest: Manifest, report: SyncReport) -> bool:
        """After an interrupted sync: drop every stored chunk the manifest does not list."""
        expected = manifest.chunk_ids()
        for model in self.store.models():
            extra = [cid for cid, _, _ in self.store.iter_all(model, with_text=False) if cid not in expected]
            self.store.delete_ids(model, extra)
            report.chunks_deleted += len(extra)
        return True


def sync(
    paths: Iterable[Path],
    settings: Settings,
    rebuild: bool = False,
    progress: Callable[[SyncProgress], None] | None = None,
) -> SyncReport:
    """Convenience wrapper: one sync of ``paths`` into the index that ``settings`` names."""
    return Indexer(settings, progress).sync([Path(p) for p in paths], rebuild=rebuild)
