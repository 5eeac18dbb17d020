"""The scaled shape end to end, all real processes on loopback: a Chroma server, a PostgreSQL logbook, and two app
replicas sharing them and one index folder. An upload through one replica is answered from by the other; feedback
through both lands in PostgreSQL; a replica killed mid-question leaves the other answering.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path

import httpx
import pytest

from assistant.core.logbook import Logbook
from tests.conftest import write_md
from tests.support.app_client import Answer, AppClient, answer_of
from tests.support.cluster import add_replicas, ingest, running_cluster

pytestmark = pytest.mark.e2e

EDITOR = ("editor", "replica-test-pw")
QUESTION = "What does Quixotown paint on every school street?"


def lost_answer(job: Future[Answer]) -> str:
    """What a question on a killed replica got: an error, or at most the part sent before it died."""
    try:
        return answer_of(job, timeout_s=30).text
    except (httpx.HTTPError, TimeoutError):
        return ""


def test_two_replicas_share_one_store_one_index_and_one_logbook(
    tmp_path: Path, docs_folder: Path, postgres_url: str
) -> None:
    folder = tmp_path / "cluster"
    auth = f"{EDITOR[0]}:{EDITOR[1]}"
    with running_cluster(folder, postgres_url, NETZERO_DENSE_MODELS="minilm", NETZERO_AUTH=auth) as cluster:
        written = ingest(cluster.env, docs_folder)  # the single writer fills the shared index first
        assert written.returncode == 0, written.stderr
        replica_a, replica_b = add_replicas(cluster, folder, 2)
        via_a, via_b = AppClient(replica_a.url, EDITOR), AppClient(replica_b.url, EDITOR)

        assert "€1.5 million per pilot" in via_b.ask("How large were the pilot city grants?").text
        assert via_b.ask(QUESTION).abstained  # not in the sources yet

        # Upload through A: the call returns once A's sync has finished; B answers from it within 10 s.
        upload = write_md(
            tmp_path / "upload",
            "quixotown",
            "Quixotown street safety",
            "Quixotown paints zebra crossings on every school street. The city began the programme in 2024 "
            "and measures traffic speed before and after each crossing is painted.",
        )
        assert "Indexed: quixotown.md" in via_a.upload(upload)
        synced = time.monotonic()
        fresh = AppClient(replica_b.url, EDITOR)
        asked = time.monotonic()
        answer = fresh.ask(QUESTION)
        while answer.abstained and time.monotonic() - synced < 10:
            asked = time.monotonic()
            answer = fresh.ask(QUESTION)
        assert not answer.abstained and "zebra crossings" in answer.text, answer.text
        assert asked - synced < 10  # the question that got it was asked within 10 s of the sync

        # Feedback through both replicas: every row is in PostgreSQL.
        tag = f"replica-test-{time.time_ns()}"
        assert "zebra crossings" in via_a.ask(QUESTION).text
        assert "saved" in via_a.rate(True, f"{tag} from A")
        assert "saved" in fresh.rate(False, f"{tag} from B")
        logbook = Logbook(postgres_url)
        rows = [r for r in logbook.rows("feedback", limit=1000) if str(r["comment"]).startswith(tag)]
        logbook.close()
        assert sorted((r["comment"], r["helpful"]) for r in rows) == [(f"{tag} from A", 1), (f"{tag} from B", 0)]
        assert any("zebra crossings" in r["answer"] for r in rows if r["comment"].endswith("from B"))

        # Kill A mid-question: B keeps answering. A dozen questions at once keep A busy for well over the moment
        # between its first answer and the kill, on any machine, so some are still in flight when it dies.
        twinning = "How long does the Twinning Learning Programme last?"
        jobs = [via_a.ask_async(twinning) for _ in range(12)]
        first, in_flight = wait(jobs, return_when=FIRST_COMPLETED)
        replica_a.kill()
        assert "12 months" in next(iter(first)).result().text  # A was answering
        lost = [job for job in in_flight if "12 months" not in lost_answer(job)]
        assert lost  # questions in flight on A went down with it
        for _ in range(3):
            assert "12 months" in via_b.ask(twinning).text
