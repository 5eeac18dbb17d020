"""The ``netzero`` command as a real process over the shipped corpus index: JSON contracts and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from assistant.core.config import PROJECT_ROOT, Settings, load_settings
from assistant.index.embeddings import get_embedder

pytestmark = pytest.mark.e2e

RESULT_KEYS = {"rank", "score", "doc_id", "chunk_id", "title", "source", "page", "section", "date", "text"}
CITATION_KEYS = {"n", "doc_id", "chunk_id", "title", "source", "page", "section", "date", "text"}
ASK_KEYS = {"id", "question", "mode", "answer", "abstained", "citations", "sources", "timings_ms"}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETZERO_")}
    env.update(
        NETZERO_INDEX=str(settings.index_dir),
        NETZERO_DATA_DIR=str(settings.data_dir),
        NETZERO_DENSE_MODELS="minilm",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return env


def start(args: list[str], settings: Settings) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=PROJECT_ROOT,
        env=environment(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout_s: float = 300) -> Run:
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    return Run(process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def runs(corpus_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """The model-loading commands, started together so their start-up costs overlap."""
    batch = tmp_path_factory.mktemp("cli") / "questions.jsonl"
    batch.write_text(
        'How large are the Pilot Cities grants?\n\n{"id": "paella", "q": "What is the best recipe for paella?"}\n',
        encoding="utf-8",
    )
    started = {
        "search": start(["search", "Pilot Cities grants", "--json", "-k", "3"], corpus_settings),
        "ask": start(["ask", "--batch", str(batch), "--json", "--mode", "draft"], corpus_settings),
    }
    return {name: finish(process) for name, process in started.items()}


def test_search_json_prints_one_object_with_the_contract_keys(runs: dict[str, Run]) -> None:
    run = runs["search"]
    assert run.returncode == 0, run.stderr
    [printed] = run.json_lines()
    assert printed["id"] == "1" and printed["query"] == "Pilot Cities grants"
    results = printed["results"]
    assert [r["rank"] for r in results] == [1, 2, 3]
    for result in results:
        assert RESULT_KEYS <= set(result)
        assert result["text"] and result["title"] and result["source"].startswith("http")
        assert result["chunk_id"].startswith(result["doc_id"] + "::")
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert any(r["doc_id"] == "guidance/pilot-cities-programme" for r in results)


def test_ask_batch_json_prints_one_line_per_question(runs: dict[str, Run]) -> None:
    run = runs["ask"]
    assert run.returncode == 0, run.stderr
    grants, paella = run.json_lines()
    assert (grants["id"], paella["id"]) == ("1", "paella")
    for reply in (grants, paella):
        assert ASK_KEYS <= set(reply) and reply["mode"] == "draft" and reply["timings_ms"]["total"] > 0
    assert not grants["abstained"] and "€1.5 million" in grants["answer"] and "Sources:" in grants["answer"]
    assert [c["n"] for c in grants["citations"]] == list(range(1, len(grants["citations"]) + 1))
    for citation in grants["citations"]:
        assert CITATION_KEYS <= set(citation) and citation["text"] and f"[{citation['n']}]" in grants["answer"]
    assert {c["chunk_id"] for c in grants["citations"]} <= {s["chunk_id"] for s in grants["sources"]}
    assert paella["abstained"] and paella["citations"] == [] and paella["question"].endswith("paella?")


@pytest.mark.parametrize(
    "args, message",
    [
        (["search"], "give a query"),
        (["ask", "--json"], "give a question"),
        (["ask", "Is Lahti a Mission City?", "--mode", "email"], "invalid choice"),
        (["search", "grants", "--filter", "region=Nordics"], "unknown filter 'region'"),
    ],
    ids=["search without a query", "ask without a question", "unknown mode", "unknown filter"],
)
def test_a_usage_error_exits_with_2_and_says_why(corpus_settings: Settings, args: list[str], message: str) -> None:
    run = finish(start(args, corpus_settings), timeout_s=120)
    assert run.returncode == 2 and message in run.stderr and run.stdout == ""


def test_logs_prints_the_feedback_as_csv_and_the_gaps_as_json_lines(settings: Settings) -> None:
    from assistant.core.logbook import Logbook

    logbook = Logbook(settings.logs_dir / "assistant.sqlite")
    logbook.log_feedback("How large are the grants?", "Up to €1.5 million [1].", [], True, "=HYPERLINK(1)", "explore")
    logbook.log_abstention("What is the best paella?", "What is the best paella?", "explore", {"off_topic": True})

    feedback = finish(start(["logs", "feedback"], settings), timeout_s=120)
    assert feedback.returncode == 0, feedback.stderr
    header, row = list(csv.reader(io.StringIO(feedback.stdout)))
    assert header[:3] == ["id", "at", "question"]
    assert dict(zip(header, row))["comment"] == "'=HYPERLINK(1)"  # a spreadsheet will not run it

    gaps = finish(start(["logs", "abstentions", "--format", "jsonl"], settings), timeout_s=120)
    assert gaps.returncode == 0, gaps.stderr
    [gap] = gaps.json_lines()
    assert gap["question"] == "What is the best paella?" and gap["off_topic"] == 1


def test_a_process_that_answers_loads_neither_torch_nor_transformers(corpus_settings: Settings) -> None:
    # questions, their words and the composer's sentences run on ONNX Runtime: torch (about 200 MB, and 200 more with
    # sentence-transformers) is loaded only by a process that embeds passages
    script = (
        "import sys\n"
        "from assistant.api import Assistant\n"
        "assistant = Assistant()\n"
        "assistant.engine.warm_up()\n"
        "asked = ('How large are the Pilot Cities grants?', 'Wie lange dauert Twinning?')\n"
        "replies = [assistant.ask(q) for q in asked]\n"
        "print([name for name in ('torch', 'transformers', 'sentence_transformers') if name in sys.modules])\n"
        "print([bool(reply.citations) for reply in replies])\n"
    )
    # the ONNX files are made here if missing: a first start exports them with torch, which is not what is checked
    cache = load_settings().model_cache
    get_embedder("minilm", cache=cache).embed_query("warm up")
    get_embedder("e5", cache=cache).embed_queries(["warm", "up"])
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env={**environment(corpus_settings), "NETZERO_MODEL_CACHE": str(cache)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["[]", "[True, True]"]
