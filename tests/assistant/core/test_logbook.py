"""The content team's log of abstentions and feedback, in one SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.logbook import Logbook


@pytest.fixture
def logbook(tmp_path: Path) -> Logbook:
    return Logbook(tmp_path / "logs" / "assistant.sqlite")


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


def test_a_second_logbook_on_the_same_file_sees_the_rows(logbook: Logbook) -> None:
    logbook.log_abstention("q", "q", "explore", {"off_topic": False})
    assert Logbook(logbook.path).rows("abstentions")[0]["off_topic"] == 0


@pytest.mark.parametrize("table", ["users", "abstentions; DROP TABLE feedback", "sqlite_master"])
def test_an_unknown_table_is_refused(logbook: Logbook, table: str) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        logbook.rows(table)
    assert logbook.rows("feedback") == []
