"""The ``netzero`` command: ingest, search, ask, serve, logs and eval, as thin shells over the Python API.

Exit codes: 0 success; 1 some inputs failed (each named on stderr with its reason, the rest done); 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.core.config import Settings, load_settings
from assistant.core.schema import Mode

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(index=getattr(args, "index", None))


def _progress_printer() -> Any:
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def show(progress: Any) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(
                total=progress.files_total,
                unit="file",
                desc="indexing",
                file=sys.stderr,
                dynamic_ncols=True,
                disable=progress.files_total == 0,
            )
        current = bar["bar"]
        current.update(progress.files_done - current.n)
        elapsed = current.format_dict.get("elapsed") or 0
        rate = progress.chunks_done / elapsed if elapsed else 0.0
        current.set_postfix_str(f"{progress.chunks_done} chunks, {rate:.1f} chunks/s", refresh=False)
        if progress.files_done >= progress.files_total:
            current.close()

    return show


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.indexer import sync
    from ingest.manifest import IndexFormatError

    settings = _settings(args)
    paths = [Path(p) for p in (args.paths or [settings.corpus])]
    for path in paths:
        if not path.exists():
            print(f"netzero ingest: {path}: no such file or folder", file=sys.stderr)
            return EXIT_USAGE
    try:
        report = sync(paths, settings, rebuild=args.rebuild, progress=_progress_printer())
    except IndexFormatError as exc:
        print(f"netzero ingest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for path in report.skipped:
        print(f"skipped {path}: unsupported file type", file=sys.stderr)
    for path, reason in report.failed:
        print(f"failed {path}: {reason}", file=sys.stderr)
    print(report.summary())
    return EXIT_PARTIAL if report.failed else EXIT_OK


def _read_batch(path: str) -> Iterator[tuple[str, str]]:
    """(id, text) pairs from a JSONL file of {"id", "q"} objects or a file of one question a line."""
    handle = sys.stdin if path == "-" else open(path, encoding="utf-8")
    with handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line:
                continue
            if line.startswith("{"):
                item = json.loads(line)
                yield str(item.get("id", number)), str(item.get("q") or item.get("query") or item.get("question"))
            else:
                yield str(number), line


def _emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _parse_filters(pairs: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ValueError(f"--filter {pair!r}: expected KEY=VALUE")
        key, value = pair.split("=", 1)
        filters.setdefault(key.strip(), []).append(value.strip())
    return filters


def _prepare(args: argparse.Namespace, text: str | None) -> tuple[Any, Any, list[tuple[str, str]]]:
    """The assistant, the parsed filters and the (id, text) inputs of a search or ask run.

    Raises ValueError for a bad --filter, which the caller reports as a usage error.
    """
    from assistant.api import Assistant
    from assistant.retrieval.filters import SearchFilter

    search_filter = SearchFilter.from_pairs(_parse_filters(args.filter))
    inputs = list(_read_batch(args.batch)) if args.batch else [("1", str(text))]
    return Assistant(_settings(args)), search_filter, inputs


def cmd_search(args: argparse.Namespace) -> int:
    try:
        assistant, search_filter, queries = _prepare(args, args.query)
    except ValueError as exc:
        print(f"netzero search: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for query_id, query in queries:
        results = assistant.search(query, k=args.k, search_filter=search_filter)
        if args.json or args.batch:
            _emit({"id": query_id, "query": query, "results": [r.to_dict() for r in results]})
            continue
        for r in results:
            where = r.location
            print(
                f"{r.rank:>2}. [{r.score:.3f}] {r.title} ({where}) {r.date or ''}\n    {r.source}\n"
                f"    {r.text[:240].replace(chr(10), ' ')}…\n"
            )
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    try:
        assistant, search_filter, questions = _prepare(args, args.question)
    except ValueError as exc:
        print(f"netzero ask: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for question_id, question in questions:
        reply = assistant.ask(question, mode=args.mode, search_filter=search_filter)
        if args.json or args.batch:
            _emit({"id": question_id, **reply.to_dict()})
            continue
        print(reply.answer)
        if reply.citations and args.mode != Mode.DRAFT:  # a draft carries its own Sources list
            print("\nSources:")
            for c in reply.citations:
                where = c.location
                print(f"[{c.n}] {c.title}{f' ({where})' if where else ''}, {c.date or 'undated'}: {c.source}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.server.app import serve

    try:
        serve(load_settings(host=args.host, port=args.port, index=args.index))
    except ValueError as exc:  # a bad setting, such as a malformed NETZERO_AUTH entry
        print(f"netzero serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def cmd_logs(args: argparse.Namespace) -> int:
    from assistant.core.logbook import Logbook
    from assistant.ui.export import log_csv

    settings = _settings(args)
    rows = Logbook(settings.logs_dir / "assistant.sqlite").rows(args.table, limit=args.limit)
    if args.format == "jsonl":
        for row in rows:
            _emit(row)
    else:
        log_csv(rows, args.table, sys.stdout)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.retrieval.evaluation import evaluate_beir

    figures = evaluate_beir(Path(args.dir), _settings(args), split=args.split)
    for name, value in figures.items():
        print(f"{name}: {value:.4f}" if isinstance(value, float) else f"{name}: {value}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netzero", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="index files (default: the shipped corpus), touching only what changed")
    ingest.add_argument("paths", nargs="*")
    ingest.add_argument("--index", help="index folder (default: data/index, or NETZERO_INDEX)")
    ingest.add_argument("--rebuild", action="store_true", help="drop the index and build it again")
    ingest.set_defaults(func=cmd_ingest)

    search = sub.add_parser("search", help="hybrid search over the index")
    search.add_argument("query", nargs="?")
    search.add_argument("-k", type=int, default=5)
    search.add_argument(
        "--filter",
        action="append",
        metavar="KEY=VALUE",
        help="city, country, doc_type, topic, lang, date_from, date_to (repeatable)",
    )
    search.add_argument("--index")
    search.add_argument("--json", action="store_true")
    search.add_argument("--batch", metavar="FILE", help="JSONL {id, q} or one query a line ('-' for stdin)")
    search.set_defaults(func=cmd_search)

    ask = sub.add_parser("ask", help="a cited answer, or an honest 'not in my sources'")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.EXPLORE.value, help=Mode.help())
    ask.add_argument("--filter", action="append", metavar="KEY=VALUE")
    ask.add_argument("--index")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--batch", metavar="FILE")
    ask.set_defaults(func=cmd_ask)

    serve = sub.add_parser("serve", help="serve the UI, the REST API and the OpenAI-compatible API (as python app.py)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--index")
    serve.set_defaults(func=cmd_serve)

    logs = sub.add_parser(
        "logs", help="the content team's logs (personal data, read on the server): feedback or unanswered questions"
    )
    logs.add_argument("table", choices=["feedback", "abstentions"])
    logs.add_argument("--format", choices=["csv", "jsonl"], default="csv", help="CSV (default) or JSON lines")
    logs.add_argument("--limit", type=int, default=1_000_000, help="the newest N rows (default: all)")
    logs.set_defaults(func=cmd_logs)

    evaluate = sub.add_parser("eval", help="retrieval metrics on a BEIR-format folder")
    evaluate.add_argument("kind", choices=["beir"])
    evaluate.add_argument("dir")
    evaluate.add_argument("--split", default="test")
    evaluate.add_argument("--index")
    evaluate.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `netzero search ... | head` ends quietly
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in {"search", "ask"} and not (
        getattr(args, "batch", None) or getattr(args, "query", None) or getattr(args, "question", None)
    ):
        parser.error(f"{args.command}: give a {'query' if args.command == 'search' else 'question'} or --batch FILE")
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
