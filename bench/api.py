"""What the HTTP layer costs: the same questions asked one at a time in process (Python API), through the REST API
and through the OpenAI-compatible API of a real server on loopback. Each path first answers every question once
untimed (the passage caches warm up, as they do in a running server), then once timed. Prints p50/p95 per path,
and for REST the part spent outside the assistant (wall time minus the reply's own ``timings_ms.total``).

    .venv/bin/python bench/api.py             # 40 gold questions over the shipped corpus (MiniLM index in bench/.cache)
    .venv/bin/python bench/api.py --n 100
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.api import Assistant  # noqa: E402
from assistant.core.config import load_settings  # noqa: E402
from bench.answers import percentile  # noqa: E402
from bench.gold import load_questions  # noqa: E402
from ingest.indexer import sync  # noqa: E402
from tests.support.netzero_server import running_server  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache" / "api"


def timed(ask: Callable[[str], object], questions: list[str]) -> list[float]:
    """Milliseconds per question, asked one after another, after an untimed pass over them all."""
    for question in questions:
        ask(question)
    spent = []
    for question in questions:
        started = time.perf_counter()
        ask(question)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def report(name: str, spent: list[float]) -> None:
    print(f"{name:<28} p50 {statistics.median(spent):7.1f} ms   p95 {percentile(spent, 0.95):7.1f} ms   n={len(spent)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="how many gold questions")
    args = parser.parse_args()
    settings = load_settings(data_dir=CACHE / "data", index=CACHE / "index", dense_models=("minilm",), threads=1)
    sync([settings.corpus], settings)
    questions = [q.q for q in load_questions()][: args.n]

    assistant = Assistant(settings)
    report("Python API (in process)", timed(assistant.ask, questions))

    with running_server(CACHE, settings.corpus) as server, httpx.Client(timeout=120) as client:
        inside: list[float] = []

        def rest(question: str) -> object:
            reply = client.post(f"{server.url}/api/v1/ask", json={"question": question}).raise_for_status().json()
            inside.append(reply["timings_ms"]["total"])
            return reply

        def chat(question: str) -> object:
            body = {"model": "netzero-assistant", "messages": [{"role": "user", "content": question}]}
            return client.post(f"{server.url}/v1/chat/completions", json=body).raise_for_status()

        spent = timed(rest, questions)
        report("REST POST /api/v1/ask", spent)
        report("  of which outside assistant", [wall - own for wall, own in zip(spent, inside[len(questions) :])])
        report("OpenAI /v1/chat/completions", timed(chat, questions))


if __name__ == "__main__":
    main()
