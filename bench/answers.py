"""Answer quality of the default (extractive) engine, every row in one run: the frozen test half of the real-document
set (held out: read it once, at the end), its development half, eight further contracts that the answer model is
not trained on, six fresh ones in two halves (one held out like the test half), six more for development
(eval/fresh4), seven sets of six held out whole (eval/fresh2, fresh3, fresh5 to fresh9) and eval/fresh10 (four
contracts), the gold set on the shipped corpus, and the older questions over five real contracts.

Prints per set: share of answerable questions answered with all expected facts and valid citations (and of those
in other languages); abstention on unanswerable questions; false abstentions; answers with an invalid citation;
latency p50/p95 per question.

    .venv/bin/python bench/answers.py                 # every row (real documents read from ../shared/realdocs)
    .venv/bin/python bench/answers.py --skip-test     # while tuning: never look at the held-out halves
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.api import Assistant  # noqa: E402
from assistant.core.config import PROJECT_ROOT, Settings, load_settings  # noqa: E402
from bench.gold import (
    DEV_QUESTIONS,
    FRESH_CONTRACTS,
    FURTHER_CONTRACTS,
    REALDOCS,
    REALDOCS_QUESTIONS,
    TEST_QUESTIONS,
    Question,
    citations_valid,
    doc_hit,
    eval_questions,
    facts_found,
    load_questions,
)  # noqa: E402
from ingest.indexer import sync  # noqa: E402

CONTRACTS = REALDOCS / "ccc_markdown"
# the fresh contracts split by document before any failure was read: these three are read for failures, the others not
FRESH_DEVELOPMENT = frozenset({"klagenfurt", "Vilnius", "Krakow"})
CACHE = PROJECT_ROOT / "bench" / ".cache"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def evaluate(assistant: Assistant, questions: list[Question], show_failures: bool) -> dict[str, float]:
    """Run every question once and return the issue's figures."""
    counts: dict[str, int] = defaultdict(int)
    latencies: list[float] = []
    assistant.engine.warm_up()
    for question in questions:
        started = time.perf_counter()
        reply = assistant.ask(question.q, mode=question.mode)
        latencies.append((time.perf_counter() - started) * 1000)
        valid = citations_valid(reply)
        counts["invalid_citation"] += int(not reply.abstained and not valid)
        group = "answerable" if question.answerable else "unanswerable"
        counts[group] += 1
        if question.answerable:
            good = not reply.abstained and valid and facts_found(reply, question)
            counts["correct"] += int(good)
            counts["false_abstention"] += int(reply.abstained)
            counts["doc_hit"] += int(not reply.abstained and doc_hit(reply, question))
            if question.lang != "en":
                counts["foreign"] += 1
                counts["foreign_correct"] += int(good)
            if show_failures and not good:
                print(
                    f"  MISS {question.id} ({'abstained' if reply.abstained else 'answered'}): {question.q}\n"
                    f"       facts {list(question.facts)}\n       {reply.answer[:300]!r}",
                    file=sys.stderr,
                )
        else:
            counts["abstained"] += int(reply.abstained)
            if show_failures and not reply.abstained:
                print(
                    f"  ANSWERED-UNANSWERABLE {question.id}: {question.q}\n       {reply.answer[:200]!r}",
                    file=sys.stderr,
                )
    answerable = max(counts["answerable"], 1)
    return {
        "questions": len(questions),
        "answered with facts and valid citations": counts["correct"] / answerable,
        "  of which in other languages": counts["foreign_correct"] / max(counts["foreign"], 1),
        "cites an expected document": counts["doc_hit"] / answerable,
        "abstention on unanswerable": counts["abstained"] / max(counts["unanswerable"], 1),
        "false abstentions": counts["false_abstention"] / answerable,
        "answers with an invalid citation": counts["invalid_citation"] / len(questions),
        "latency p50 ms": statistics.median(latencies),
        "latency p95 ms": percentile(latencies, 0.95),
    }


def print_table(title: str, figures: dict[str, float]) -> None:
    print(f"\n{title}")
    for name, value in figures.items():
        shown = f"{value:.0f}" if "ms" in name or name == "questions" else f"{value:.3f}"
        print(f"  {name:<42} {shown:>8}")


def corpus_settings() -> Settings:
    settings = load_settings()
    report = sync([settings.corpus], settings)
    if report.failed:
        raise SystemExit(f"corpus failed to index: {report.failed}")
    return settings


def contracts_settings(questions: list[Question]) -> Settings:
    settings = load_settings(index=CACHE / "realdocs-answers-index", dense_models=("minilm",))
    files = sorted({CONTRACTS / f"{d}.md" for q in questions for d in q.doc_ids})
    sync(files, settings)
    return settings


def realdocs_settings() -> Settings:
    """One index (default settings) over every document of the development and test halves, as a user's library
    of their own plans would be: a question must find its document among the others."""
    return library_settings("eval-index", load_questions([DEV_QUESTIONS, TEST_QUESTIONS]))


def further_settings() -> Settings:
    """One index over the eight further contracts (eval/contracts), kept apart from the halves' index so that the
    development and test halves are searched among the same 22 documents as before."""
    return library_settings("contracts-index", load_questions([FURTHER_CONTRACTS]))


def fresh_settings() -> Settings:
    """One index over the six fresh contracts (eval/fresh), written before the changes they measure."""
    return library_settings("fresh-index", load_questions([FRESH_CONTRACTS]))


# Sets of fresh contracts written before the changes they measure, each searched in a library of its own,
# ``<name>-index``: (title, eval/<name>, held out). A held-out set is printed only without --skip-test and never read
# for failures.
FRESH_SETS = (
    (
        "Six contracts for development (eval/fresh4: Thessaloniki, Amsterdam, Warsaw, Lyon, Antwerp, Marseille)",
        "fresh4",
        False,
    ),
    ("Six more fresh contracts (held out; eval/fresh2: Padova, Dijon, Rzeszów, Umeå, Sofia, Liberec)", "fresh2", True),
    (
        "Six further fresh contracts (held out; eval/fresh3: Leipzig, Turin, Rotterdam, Wrocław, Lappeenranta, Košice)",
        "fresh3",
        True,
    ),
    (
        "Six last fresh contracts (held out; eval/fresh5: Rome, Pécs, Trondheim, Gabrovo, Tauragė, Groningen)",
        "fresh5",
        True,
    ),
    (
        "Six more fresh contracts (held out; eval/fresh6: Bucharest 2, Suceava, Kozani, Kalamata, Miskolc, Velenje)",
        "fresh6",
        True,
    ),
    (
        "Six more fresh contracts (held out; eval/fresh7: Bergamo, Prato, Dunkirk, Münster, Trikala, Ioannina)",
        "fresh7",
        True,
    ),
    (
        "Six smaller contracts (held out; eval/fresh8: Gävle, Reykjavík, Glasgow, Istanbul, Angers, Łódź)",
        "fresh8",
        True,
    ),
    (
        "Six contracts of other sizes (held out; eval/fresh9: Paris, Parma, Bordeaux, Differdange, Athens, Dresden)",
        "fresh9",
        True,
    ),
    ("The last four unused contracts (held out; eval/fresh10: Aachen, Eilat, The Hague, Liepāja)", "fresh10", True),
)


def library_settings(index: str, questions: list[Question]) -> Settings:
    """Settings of a library (``bench/.cache/<index>``) holding the real documents ``questions`` ask about, synced."""
    settings = load_settings(index=CACHE / index)
    report = sync(sorted({REALDOCS / q.doc for q in questions}), settings)
    if report.failed:
        raise SystemExit(f"real documents failed to index: {report.failed}")
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-test", action="store_true", help="leave out the held-out test half (while tuning)")
    parser.add_argument("--failures", action="store_true", help="print every miss on stderr")
    args = parser.parse_args()
    if REALDOCS.is_dir():
        dev, test = load_questions([DEV_QUESTIONS]), load_questions([TEST_QUESTIONS])
        real = Assistant(realdocs_settings())
        if not args.skip_test:
            print_table("Real documents, test half (held out; eval/test)", evaluate(real, test, args.failures))
        print_table("Real documents, development half (eval/dev)", evaluate(real, dev, args.failures))
        further = load_questions([FURTHER_CONTRACTS])
        print_table(
            "Eight further contracts (never trained on; eval/contracts)",
            evaluate(Assistant(further_settings()), further, args.failures),
        )
        fresh_assistant = Assistant(fresh_settings())
        halves: dict[bool, list[Question]] = {True: [], False: []}
        for question in load_questions([FRESH_CONTRACTS]):
            halves[bool(set(question.doc_ids) & FRESH_DEVELOPMENT)].append(question)
        if not args.skip_test:
            print_table(
                "Six fresh contracts, held-out half (eval/fresh: Zaragoza, Cork, Ljubljana; read once, at the end)",
                evaluate(fresh_assistant, halves[False], args.failures),
            )
        print_table(
            "Six fresh contracts, development half (eval/fresh: Klagenfurt, Vilnius, Kraków; never trained on)",
            evaluate(fresh_assistant, halves[True], args.failures),
        )
        for title, name, held_out in FRESH_SETS:
            if held_out and args.skip_test:
                continue
            questions = load_questions([eval_questions(name)])
            print_table(
                title, evaluate(Assistant(library_settings(f"{name}-index", questions)), questions, args.failures)
            )
    else:
        print("\n(../shared/realdocs missing: the real-document rows are skipped)")
    print_table(
        "Shipped corpus, gold set (regression check)",
        evaluate(Assistant(corpus_settings()), load_questions(), args.failures),
    )
    if CONTRACTS.is_dir():
        contracts = load_questions([REALDOCS_QUESTIONS])
        print_table(
            "Real contracts, earlier set (eval/realdocs)",
            evaluate(Assistant(contracts_settings(contracts)), contracts, args.failures),
        )


if __name__ == "__main__":
    main()
