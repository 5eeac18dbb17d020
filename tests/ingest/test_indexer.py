import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.core.config import Settings
from assistant.index.bm25 import BM25Index
from assistant.index.store import ChunkStore
from assistant.index.word_vectors import VOCABULARY_NAME, WordTranslator
from ingest import indexer
from ingest.indexer import sync
from ingest.manifest import MANIFEST_NAME, Manifest
from tests.conftest import make_pdf, write_md


def _store_ids(settings: Settings) -> list[str]:
    return sorted(cid for cid, _, _ in ChunkStore(settings).iter_all("minilm", with_text=False))


def test_sync_adds_updates_deletes_and_skips(settings: Settings, docs_folder: Path) -> None:
    (docs_folder / "notes.docx").write_bytes(b"PK\x03\x04")
    first = sync([docs_folder], settings)
    assert len(first.added) == 3 and not first.failed
    assert [Path(p).name for p in first.skipped] == ["notes.docx"]
    ids = _store_ids(settings)
    assert len(ids) == first.chunks_total == len(set(ids))
    assert {m["doc_id"] for _, _, m in ChunkStore(settings).iter_all("minilm", with_text=False)} == {
        "twinning",
        "pilots",
        "lahti",
    }

    write_md(
        docs_folder,
        "lahti",
        "Lahti case study",
        "Lahti now runs a new commuting pilot with 12 employers.",
        topics="mobility",
        city="Lahti",
        country="Finland",
    )
    (docs_folder / "twinning.md").unlink()
    second = sync([docs_folder], settings)
    assert [Path(p).name for p in second.updated] == ["lahti.md"]
    assert [Path(p).name for p in second.deleted] == ["twinning.md"]
    assert second.unchanged == 1
    texts = " ".join(t for _, t, _ in ChunkStore(settings).iter_all("minilm"))
    assert "12 employers" in texts and "phased out coal" not in texts and "Twin Cities" not in texts
    assert _store_ids(settings) == sorted(Manifest.load(settings.index_dir).chunk_ids())
    bm25 = BM25Index.load(settings.index_dir)
    assert sorted(bm25.chunk_ids) == _store_ids(settings)


def test_unchanged_run_loads_no_model(settings: Settings, docs_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sync([docs_folder], settings)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a sync with nothing changed must not load an embedding model")

    monkeypatch.setattr(indexer, "indexing_embedder", refuse)
    report = sync([docs_folder], settings)
    assert report.unchanged == 3 and not report.changed


def test_changed_file_reuses_vectors_of_unchanged_chunks(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "long"
    sections = "\n\n".join(
        f"## Part {i}\n\n"
        + " ".join(
            f"Part {i} sentence {j} describes the district heating plan of the city in some detail." for j in range(20)
        )
        for i in range(4)
    )
    path = write_md(folder, "plan", "Heating plan", sections)
    first = sync([folder], settings)
    path.write_text(path.read_text().replace("Part 3 sentence 5 describes", "Part 3 sentence 5 explains"))
    second = sync([folder], settings)
    assert second.updated and 0 < second.chunks_embedded < first.chunks_embedded


def test_the_multilingual_index_keeps_its_documents_vocabulary_in_step(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = replace(settings, dense_models=("e5",))
    folder = tmp_path / "docs"
    path = write_md(folder, "ferry", "Electric ferry", "The harbour ferry runs on batteries.")
    sync([folder], settings)
    first = WordTranslator.load(settings.index_dir)
    assert first is not None and {"harbour", "ferry", "batteries"} <= set(first.words)
    path.write_text(path.read_text().replace("batteries", "hydrogen"))
    sync([folder], settings)
    second = WordTranslator.load(settings.index_dir)
    assert second is not None and second.words[: len(first)] == first.words and "hydrogen" in second.words
    (settings.index_dir / VOCABULARY_NAME).unlink()  # an index built before it had one gets it on the next sync
    assert not sync([folder], settings).changed
    rebuilt = WordTranslator.load(settings.index_dir)
    assert rebuilt is not None and {"hydrogen", "ferry"} <= set(rebuilt.words)
    monkeypatch.setattr(indexer, "indexing_embedder", lambda *_a, **_k: pytest.fail("nothing changed: no model loads"))
    sync([folder], settings)


def test_an_index_of_the_previous_format_is_migrated_with_a_one_line_message(
    settings: Settings, docs_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Format 1 kept e5 passage vectors by default; the next sync drops them (not configured) and re-embeds nothing."""
    sync([docs_folder], replace(settings, dense_models=("minilm", "e5")))
    path = settings.index_dir / "manifest.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**written, "version": 1}), encoding="utf-8")
    monkeypatch.setattr(indexer, "indexing_embedder", lambda *_a, **_k: pytest.fail("a migration re-embeds nothing"))
    report = sync([docs_folder], settings)
    assert report.migrated.endswith("index format 1 -> 2: dropped the e5 passage vectors (not in dense_models)")
    assert report.summary().splitlines()[0] == report.migrated and report.unchanged == 3
    assert ChunkStore(settings).models() == ["minilm"]
    migrated = Manifest.load(settings.index_dir)
    assert migrated.version == 2 and {tuple(e.models) for e in migrated.files.values()} == {("minilm",)}
    assert sync([docs_folder], settings).migrated == ""  # said once


def test_an_index_written_by_a_newer_version_is_refused(settings: Settings, docs_folder: Path) -> None:
    sync([docs_folder], settings)
    path = settings.index_dir / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), "version": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="index format 99 was written by a newer netzero"):
        sync([docs_folder], settings)
    assert Manifest.load(settings.index_dir).version == 99 and len(_store_ids(settings)) > 0  # left as it was


def test_bad_files_are_reported_and_nothing_indexed_is_lost(settings: Settings, docs_folder: Path) -> None:
    sync([docs_folder], settings)
    before = _store_ids(settings)
    (docs_folder / "empty.md").write_bytes(b"")
    (docs_folder / "junk.md").write_bytes(os.urandom(4096))
    (docs_folder / "bad-yaml.md").write_text("---\ntitle: [x\n---\nBody text for the file.\n")
    (docs_folder / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    make_pdf(docs_folder / "locked.pdf", ["Locked text."], encrypt="pw")
    (docs_folder / "big.txt").write_text("word " * 400_000)
    (docs_folder / "lahti.md").write_bytes(b"\x00\x01\x02 binary now")  # a good file turns bad
    small = Settings(**{**settings.__dict__, "max_file_mb": 1.0})
    report = sync([docs_folder], small)
    reasons = {Path(p).name: r for p, r in report.failed}
    assert set(reasons) == {"empty.md", "junk.md", "bad-yaml.md", "broken.pdf", "locked.pdf", "big.txt", "lahti.md"}
    assert "over the 1 MB limit" in reasons["big.txt"] and "encrypted" in reasons["locked.pdf"]
    assert _store_ids(settings) == before  # lahti's old chunks are kept until it is fixed


def test_cli_exit_codes_and_messages(settings: Settings, docs_folder: Path) -> None:
    (docs_folder / "empty.txt").write_bytes(b"")
    env = {**os.environ, "NETZERO_DATA_DIR": str(settings.data_dir), "NETZERO_DENSE_MODELS": "minilm"}
    run = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(docs_folder), "--index", str(settings.index_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 1
    assert f"failed {docs_folder / 'empty.txt'}: empty file" in run.stderr
    assert "3 added" in run.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(docs_folder / "nope")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr


@pytest.mark.e2e
def test_kill_during_sync_leaves_a_working_index_and_next_run_repairs(settings: Settings, copy_corpus) -> None:
    folder = copy_corpus(30)
    env = {**os.environ, "NETZERO_DATA_DIR": str(settings.data_dir), "NETZERO_DENSE_MODELS": "minilm"}
    command = [sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--index", str(settings.index_dir)]
    sync([folder / "barcelona.md"], settings)  # something already indexed that must survive
    for delay in (6.0, 9.0):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        ids = _store_ids(settings)
        assert len(ids) == len(set(ids))
        assert any(i.startswith("barcelona::") for i in ids)
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    ids = _store_ids(settings)
    manifest = Manifest.load(settings.index_dir)
    assert ids == sorted(manifest.chunk_ids())  # no duplicate, no orphan
    assert len(manifest.files) == 30
    assert sorted(BM25Index.load(settings.index_dir).chunk_ids) == ids
    assert not manifest.is_dirty()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.e2e
def test_ingest_and_search_against_a_real_chroma_server(settings: Settings, docs_folder: Path, tmp_path: Path) -> None:
    chroma = Path(sys.executable).with_name("chroma")
    port = _free_port()
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        remote = Settings(**{**settings.__dict__, "chroma_url": f"http://127.0.0.1:{port}"})
        report = sync([docs_folder], remote)
        assert len(report.added) == 3
        assert not (settings.index_dir / "chroma").exists()  # nothing went to the embedded store
        from assistant.retrieval.engine import SearchEngine

        results = SearchEngine(remote).search("How large are the pilot grants?", k=2)
        assert results[0].doc_id == "pilots"
        assert json.loads(json.dumps(results[0].to_dict()))["source"] == "https://example.org/pilots"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_syncing_one_file_leaves_its_neighbours_alone(settings: Settings, docs_folder: Path) -> None:
    sync([docs_folder], settings)
    before = _store_ids(settings)
    write_md(
        docs_folder,
        "pilots",
        "Pilot Cities Programme",
        "The second call opened on 5 September 2023.",
        topics="pilot-cities",
    )
    report = sync([docs_folder / "pilots.md"], settings)
    assert [Path(p).name for p in report.updated] == ["pilots.md"] and not report.deleted
    after = _store_ids(settings)
    assert [i for i in after if not i.startswith("pilots::")] == [i for i in before if not i.startswith("pilots::")]


def test_a_reader_sees_a_finished_sync_and_never_a_half_written_one(settings: Settings, docs_folder: Path) -> None:
    """A replica's engine on the same index: while a writer's sync has stored its chunks but not published them,
    searches still give the previous index whole; once published, the next search gives the new one, no restart."""
    from assistant.retrieval.engine import SearchEngine

    sync([docs_folder], settings)
    reader = SearchEngine(settings)
    write_md(docs_folder, "pilots", "Pilot Cities Programme", "The pilots build rooftop gardens in Quixotown.")
    write_md(docs_folder, "zebra", "Zebra crossings", "Quixotown paints zebra crossings on every school street.")
    seen_mid_sync: list[set[str]] = []

    def search_now(progress: indexer.SyncProgress) -> None:
        if progress.files_total and progress.files_done == progress.files_total:  # every chunk stored, none published
            found = reader.search("Quixotown rooftop gardens zebra crossings", k=5)
            seen_mid_sync.append({r.chunk_id for r in found})
            assert any("€32 million" in r.text for r in reader.search("first call budget pilot cities", k=3))

    report = indexer.Indexer(settings, search_now).sync([docs_folder])
    assert len(report.updated) == 1 and len(report.added) == 1 and report.chunks_deleted >= 1
    assert seen_mid_sync and not any("Quixotown" in cid for ids in seen_mid_sync for cid in ids)
    published = Manifest.load(settings.index_dir).chunk_ids()
    after = reader.search("Quixotown rooftop gardens zebra crossings", k=5)
    assert {r.doc_id for r in after} >= {"pilots", "zebra"} and {r.chunk_id for r in after} <= published
    assert _store_ids(settings) == sorted(published)  # the replaced chunks went once the sync was published


def test_a_second_writer_waits_for_the_first_even_in_another_process(settings: Settings, docs_folder: Path) -> None:
    """The sync lock is the kernel's: held by another process it blocks a sync; freed when that process dies."""
    settings.index_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; h = open(sys.argv[1], 'a'); fcntl.flock(h, fcntl.LOCK_EX); "
            "print('held', flush=True); time.sleep(600)",
            str(settings.index_dir / indexer.LOCK_NAME),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting = pool.submit(sync, [docs_folder], settings)
            time.sleep(2.0)
            assert not waiting.done() and not (settings.index_dir / MANIFEST_NAME).exists()
            holder.kill()
            assert len(waiting.result(timeout=300).added) == 3
    finally:
        holder.kill()
        holder.wait()
