"""The content team's log of abstentions and feedback: the same behaviour on a SQLite file and on a real
PostgreSQL server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.core.config import Settings
from assistant.core.logbook import Logbook, database_url
from tests.support.launch import free_port


@pytest.fixture(params=["sqlite", "postgresql"])
def logbook(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Logbook]:
    """An empty logbook on each backend (PostgreSQL: the session's server, emptied before each test)."""
    if request.param == "sqlite":
        book = Logbook(tmp_path / "logs" / "assistant.sqlite")
    else:
        book = Logbook(request.getfixturevalue("postgres_url"))
        with book._engine.begin() as db:
            db.execute(text("TRUNCATE abstentions, feedback RESTART IDENTITY"))
    yield book
    book.close()


def test_an_abstention_comes_back_as_it_was_logged(logbook: Logbook) -> None:
    logbook.log_abstention(
        "What about paella?",
        "What about paella?",
        "explore",
        {"score": 0.05, "dense": 0.1, "coverage": 0.0, "off_topic": True},
    )
    [row] = logbook.rows("abstentions")
    assert row["question"] == "What about paella?" and row["mode"] == "explore"
    assert (row["best_score"], row["dense"], row["coverage"], row["off_topic"]) == (0.05, 0.1, 0.0, 1)
    assert row["at"][:2] == "20"


def test_feedback_keeps_its_sources_and_verdict(logbook: Logbook) -> None:
    sources = [{"n": 1, "title": "Malmö case study", "source": "https://example.org/malmo"}]
    logbook.log_feedback(
        "Is Malmö a Mission City?", "Yes [1].", sources, helpful=False, comment="too short", mode="draft"
    )
    [row] = logbook.rows("feedback")
    assert json.loads(row["sources"]) == sources and row["helpful"] == 0
    assert (row["answer"], row["comment"], row["mode"]) == ("Yes [1].", "too short", "draft")


def test_rows_are_newest_first_and_limited(logbook: Logbook) -> None:
    for n in range(5):
        logbook.log_abstention(f"question {n}", "", "start", {})
    assert [r["question"] for r in logbook.rows("abstentions", limit=3)] == ["question 4", "question 3", "question 2"]
    assert logbook.rows("feedback") == []


def test_a_second_logbook_on_the_same_database_sees_the_rows(logbook: Logbook) -> None:
    logbook.log_abstention("q", "q", "explore", {"off_topic": False})
    other = Logbook(logbook.path or logbook.url.render_as_string(hide_password=False))
    assert other.rows("abstentions")[0]["off_topic"] == 0
    other.close()


def test_replicas_writing_at_once_lose_no_row(logbook: Logbook) -> None:
    """Threads stand in for replicas' workers: every feedback row arrives once."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: logbook.log_feedback(f"q{n}", "a", [], helpful=n % 2 == 0), range(40)))
    assert sorted(r["question"] for r in logbook.rows("feedback")) == sorted(f"q{n}" for n in range(40))


def test_replicas_starting_together_on_an_empty_database_all_start(postgres_url: str) -> None:
    """Every replica creates the tables if missing; started at the same moment, none may fail on the others'."""
    with Logbook(postgres_url)._engine.begin() as db:
        db.execute(text("DROP TABLE abstentions, feedback"))
    with ThreadPoolExecutor(max_workers=6) as pool:
        books = list(pool.map(lambda _: Logbook(postgres_url), range(6)))
    books[0].log_feedback("q", "a", [], helpful=True)
    assert [r["question"] for r in books[-1].rows("feedback")] == ["q"]
    for book in books:
        book.close()


def test_a_bare_postgresql_url_goes_through_psycopg() -> None:
    assert database_url("postgresql://u:secret@db.example:5432/logs").drivername == "postgresql+psycopg"
    assert database_url("postgres://u@db/logs").drivername == "postgresql+psycopg"


def test_a_malformed_url_names_the_setting() -> None:
    with pytest.raises(ValueError, match="NETZERO_LOGBOOK_URL 'not a url' is not a database URL"):
        database_url("not a url")


def test_the_logbook_follows_the_settings(settings: Settings, postgres_url: str) -> None:
    assert Logbook.from_settings(settings).path == settings.logs_dir / "assistant.sqlite"
    remote = Logbook.from_settings(settings.with_overrides(logbook_url=postgres_url))
    assert remote.path is None and remote.url.get_backend_name() == "postgresql"
    remote.close()


def test_an_unreachable_server_is_named_without_its_password() -> None:
    url = f"postgresql://netzero:s3cret@127.0.0.1:{free_port()}/netzero"
    with pytest.raises(RuntimeError, match="NETZERO_LOGBOOK_URL .*127.0.0.1.*cannot reach the database") as caught:
        Logbook(url)
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("table", ["users", "abstentions; DROP TABLE feedback", "sqlite_master"])
def test_an_unknown_table_is_refused(logbook: Logbook, table: str) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        logbook.rows(table)
    assert logbook.rows("feedback") == []
