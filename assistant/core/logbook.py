"""What the content team reads: every abstention and every piece of feedback, in one database.

One schema on SQLAlchemy Core: a SQLite file by default, or a PostgreSQL server (``NETZERO_LOGBOOK_URL``) that
several replicas write to at once.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, Table, Text, create_engine, insert, inspect, select, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from assistant.core.config import Settings

_METADATA = MetaData()
ABSTENTIONS = Table(
    "abstentions",
    _METADATA,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("standalone", Text),
    Column("mode", Text),
    Column("best_score", Float),
    Column("dense", Float),
    Column("coverage", Float),
    Column("off_topic", Integer),
    Column("filters", Text),
)
FEEDBACK = Table(
    "feedback",
    _METADATA,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("sources", Text, nullable=False),
    Column("helpful", Integer, nullable=False),
    Column("comment", Text),
    Column("mode", Text),
)
_TABLES = {table.name: table for table in (ABSTENTIONS, FEEDBACK)}
_SCHEMA_LOCK = 0x6E7A6C62  # "nzlb": the advisory lock key that serialises creating the tables


def database_url(target: Path | str) -> URL:
    """The SQLAlchemy URL of a SQLite file path or a database URL; a bare ``postgresql://`` goes through psycopg."""
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        return URL.create("sqlite", database=str(target))
    try:
        url = make_url(target)
    except ArgumentError as exc:
        raise ValueError(f"NETZERO_LOGBOOK_URL {target!r} is not a database URL ({exc})") from None
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    return url


class Logbook:
    """Appends rows with one short transaction each; safe to share between threads and between processes."""

    def __init__(self, target: Path | str) -> None:
        self.url = database_url(target)
        self.path = Path(self.url.database or "") if self.url.get_backend_name() == "sqlite" else None
        options: dict[str, Any] = {"pool_pre_ping": True}
        if self.path is not None:
            options["connect_args"] = {"timeout": 10}
        self._engine: Engine = create_engine(self.url, **options)
        try:
            self._create_tables()
        except OperationalError as exc:
            self._engine.dispose()
            setting = "" if self.path is not None else "NETZERO_LOGBOOK_URL "
            raise RuntimeError(f"{setting}{self}: cannot reach the database ({exc.orig})") from None

    def _create_tables(self) -> None:
        """Create the tables if missing, and the ``filters`` column in a logbook written before gaps recorded the
        filter they were asked under. On PostgreSQL, replicas starting together take turns (a transaction-scoped
        advisory lock), or two would both find no table and the second's CREATE would fail."""
        with self._engine.begin() as db:
            if db.dialect.name == "postgresql":
                db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
            _METADATA.create_all(db, checkfirst=True)
            if "filters" not in {column["name"] for column in inspect(db).get_columns("abstentions")}:
                db.execute(text("ALTER TABLE abstentions ADD COLUMN filters TEXT"))

    @classmethod
    def from_settings(cls, settings: Settings) -> "Logbook":
        """The server named by ``logbook_url`` when set, else the SQLite file in the logs folder."""
        return cls(settings.logbook_url or settings.logs_dir / "assistant.sqlite")

    def __str__(self) -> str:
        """The database, with any password masked (it is shown in logs and errors)."""
        return self.url.render_as_string(hide_password=True)

    @staticmethod
    def _now() -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S%z")

    def _insert(self, table: Table, **values: Any) -> None:
        with self._engine.begin() as db:
            db.execute(insert(table).values(at=self._now(), **values))

    def log_abstention(
        self, question: str, standalone: str, mode: str, evidence: dict[str, Any], filters: str = ""
    ) -> None:
        """A question the sources could not answer, with the filter it was asked under (a gap may be the filter's)."""
        self._insert(
            ABSTENTIONS,
            question=question,
            standalone=standalone,
            mode=mode,
            best_score=evidence.get("score"),
            dense=evidence.get("dense"),
            coverage=evidence.get("coverage"),
            off_topic=int(bool(evidence.get("off_topic"))),
            filters=filters,
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
        self._insert(
            FEEDBACK,
            question=question,
            answer=answer,
            sources=json.dumps(sources, ensure_ascii=False),
            helpful=int(helpful),
            comment=comment,
            mode=mode,
        )

    def rows(self, table: str, limit: int = 200) -> list[dict[str, Any]]:
        """The newest rows of ``abstentions`` or ``feedback``, as dicts."""
        if table not in _TABLES:
            raise ValueError(f"unknown table {table!r}")
        chosen = _TABLES[table]
        with self._engine.connect() as db:
            found = db.execute(select(chosen).order_by(chosen.c.id.desc()).limit(limit))
            return [dict(row._mapping) for row in found]

    def close(self) -> None:
        """Close the pooled connections (a server counts them)."""
        self._engine.dispose()
