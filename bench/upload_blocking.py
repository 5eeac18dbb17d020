"""Does indexing an upload stall other users' questions? Prints the p95 answer time of a set of questions on an idle
index, then while a 2,000-page PDF and a Markdown file with a 20 KB title are indexed in the background (as the app
indexes uploads), and their ratio; the bound is 2x.

    .venv/bin/python -m bench.upload_blocking [--pages 2000] [--seconds 120] [--models minilm,e5] [--subset N]

(run as a module: bench/ingest.py would shadow the ingest package).

The index of the shipped corpus (or of its first N files) is built once into bench/.cache/upload-blocking.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from assistant.api import Assistant
from assistant.core.config import PROJECT_ROOT, load_settings
from ingest.indexer import sync
from ingest.jobs import IndexingJob
from ingest.uploads import store, uploads_dir

CACHE = PROJECT_ROOT / "bench" / ".cache" / "upload-blocking"
QUESTIONS = (
    "What is a Climate City Contract?",
    "How does the twinning programme work?",
    "How large were the Pilot Cities grants?",
    "What did Lahti do about coal?",
    "What support does the Mission Platform give cities?",
    "How do cities finance their climate investment plan?",
    "What is the Mission Label?",
    "Which cities were selected for the Mission?",
)
BOUND = 2.0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def corpus_files(corpus: Path, subset: int) -> list[Path]:
    """The shipped corpus folder, or its first ``subset`` Markdown files."""
    return sorted(corpus.rglob("*.md"))[:subset] if subset else [corpus]


def big_pdf(path: Path, pages: int) -> Path:
    """A real PDF of ``pages`` text pages (fpdf2), each a different short report on a made-up district."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for page in range(pages):
        pdf.add_page()
        pdf.multi_cell(
            0,
            5,
            f"District {page} energy report. The district retrofitted {page % 97} buildings this year and "
            f"installed {page % 13} heat pumps. Its mobility plan adds {page % 7} kilometres of cycle lanes, and "
            f"the waste team sorted {page % 50} tonnes more than last year. Residents met {page % 5} times to "
            "discuss the neighbourhood's climate plan and the costs of insulation for older homes.",
        )
    pdf.output(str(path))
    return path


def long_title_md(path: Path, title_kb: int = 20) -> Path:
    """A 32 KB Markdown file whose front-matter title alone is ``title_kb`` KB (as in the attack on issue 20)."""
    title = ("Heat network expansion plan " * 2000)[: title_kb * 1000]
    body = "\n\n".join(
        f"## Part {i}\n\nThe heat network serves {i * 40} homes and the city plans a further extension." * 3
        for i in range(60)
    )
    path.write_text(f'---\ntitle: "{title}"\ndoc_type: guidance\n---\n# {title}\n\n{body}\n', encoding="utf-8")
    return path


def timed_questions(assistant: Assistant, rounds: int = 1, until: float | None = None) -> list[float]:
    """Seconds per answer, asking every question ``rounds`` times or until the ``until`` clock time."""
    times: list[float] = []
    while True:
        for question in QUESTIONS:
            started = time.perf_counter()
            assistant.ask(question)
            times.append(time.perf_counter() - started)
            if until is not None and time.monotonic() > until:
                return times
        rounds -= 1
        if until is None and rounds <= 0:
            return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=120.0, help="how long to ask questions during indexing")
    parser.add_argument("--models", default="minilm,e5")
    parser.add_argument("--subset", type=int, default=0, help="index only the corpus's first N files (0: all)")
    args = parser.parse_args()
    models = tuple(m.strip() for m in args.models.split(",") if m.strip())
    index = CACHE / ("-".join(models) + (f"-first{args.subset}" if args.subset else ""))
    with tempfile.TemporaryDirectory(prefix="netzero-blocking-") as scratch:
        root = Path(scratch)
        base = load_settings(index=root / "index", data_dir=root / "data", dense_models=models)
        if not (index / "manifest.json").is_file():
            print(f"indexing the shipped corpus into {index} (once)…", file=sys.stderr, flush=True)
            sync(corpus_files(base.corpus, args.subset), base.with_overrides(index=index))
        shutil.copytree(index, base.index_dir)
        assistant = Assistant(base)
        timed_questions(assistant)  # warm up: models loaded, caches filled
        idle = timed_questions(assistant, rounds=3)

        incoming = root / "incoming"
        incoming.mkdir()
        if args.pages:  # --pages 0: only the long-title Markdown, to time its embedding rather than a PDF's parsing
            started = time.perf_counter()
            pdf = big_pdf(incoming / "district-reports.pdf", args.pages)
            print(f"wrote a {args.pages}-page PDF in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            store(pdf, pdf.name, "bench", base)
        md = long_title_md(incoming / "heat-network.md")
        store(md, md.name, "bench", base)
        job = IndexingJob(base)
        job.start([uploads_dir(base)])
        busy = timed_questions(assistant, until=time.monotonic() + args.seconds)
        status = job.status()
        finished = (
            f"finished ({status.report.summary() if status.report else status.error})"
            if not status.running
            else f"still running ({status.describe()})"
        )

    idle_p95, busy_p95 = p95(idle), p95(busy)
    print(f"models: {', '.join(models)}; corpus files: {args.subset or 'all'}; questions: {len(QUESTIONS)}")
    print(f"idle:     {len(idle):3d} answers, p50 {statistics.median(idle):.3f} s, p95 {idle_p95:.3f} s")
    print(f"indexing: {len(busy):3d} answers, p50 {statistics.median(busy):.3f} s, p95 {busy_p95:.3f} s")
    print(f"p95 ratio: {busy_p95 / idle_p95:.2f}x (bound {BOUND:g}x); the upload sync was {finished}")
    return 0 if busy_p95 <= BOUND * idle_p95 else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # the upload sync may still run: leave without waiting for it
