"""What the content team reads: every abstention and every piece of feedback, in one SQLite file."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS abstentions (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, question TEXT NOT NULL, standalone TEXT, mode TEXT,
    best_score REAL, dense REAL, coverage REAL, off_topic INTEGER, filters TEXT
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, sources TEXT NOT NULL,
    helpful INTEGER NOT NULL, comment TEXT, mode TEXT
);
"""


class Logbook:
    """Appends rows with one short transaction each; safe to share between the UI's worker threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(abstentions)")}
            if "filters" not in columns:  # a logbook written before gaps recorded the filter they were asked under
                db.execute("ALTER TABLE abstentions ADD COLUMN filters TEXT")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    @staticmethod
    def _now() -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S%z")

    def log_abstention(
        self, question: str, standalone: str, mode: str, evidence: dict[str, Any], filters: str = ""
    ) -> None:
        """A question the sources could not answer, with the filter it was asked under (a gap may be the filter's)."""
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO abstentions (at, question, standalone, mode, best_score, dense, coverage, off_topic, "
                "filters) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._now(),
                    question,
                    standalone,
                    mode,
                    evidence.get("score"),
                    evidence.get("dense"),
                    evidence.get("coverage"),
                    int(bool(evidence.get("off_topic"))),
                    filters,
                ),
            )

    def log_feedback(
        self,
        question: str,
        answer: str,
        sources: list[dict[str, Any]],
        helpful: bool,
        comment: str = "",
        mode: str = "",
    ) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO feedback (at, question, answer, sources, helpful, comment, mode)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self._now(), question, answer, json.dumps(sources, ensure_ascii=False), int(helpful), comment, mode),
            )

    def rows(self, table: str, limit: int = 200) -> list[dict[str, Any]]:
        """The newest rows of ``abstentions`` or ``feedback``, as dicts."""
        if table not in {"abstentions", "feedback"}:
            raise ValueError(f"unknown table {table!r}")
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY id DESC LIMIT ?", (limit,))]
