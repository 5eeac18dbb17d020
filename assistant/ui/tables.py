"""Escaped HTML tables for the library tab and the content team's logs, and the library's filter box."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

from assistant.core.text import capped, fold

LIBRARY_COLUMNS = (
    ("title", "Title"),
    ("doc_type", "Type"),
    ("city", "City"),
    ("country", "Country"),
    ("date", "Date"),
    ("chunks", "Chunks"),
    ("uploader", "Uploaded by"),
    ("status", "Review"),
)


def _sources(raw: Any) -> str:
    """Titles of the cited sources stored with a feedback row (a JSON list of citation dicts)."""
    try:
        items = json.loads(raw or "[]")
    except (TypeError, ValueError):
        return ""
    return "; ".join(f"[{s.get('n')}] {s.get('title')}" for s in items if isinstance(s, dict))


FEEDBACK_COLUMNS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("at", "When", str),
    ("helpful", "Helpful", lambda v: "yes" if v else "no"),
    ("mode", "Mode", str),
    ("question", "Question", str),
    ("comment", "Comment", str),
    ("answer", "Answer", lambda v: str(v)[:300] + ("…" if len(str(v)) > 300 else "")),
    ("sources", "Sources", _sources),
)
ABSTENTION_COLUMNS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("at", "When", str),
    ("mode", "Mode", str),
    ("question", "Question", str),
    ("standalone", "Searched as", str),
    ("filters", "Filters", str),
    ("best_score", "Best score", lambda v: f"{v:.3f}"),
    ("off_topic", "Off topic", lambda v: "yes" if v else "no"),
)


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="nz-hint">{html.escape(empty)}</p>'
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="nz-table-wrap"><table class="nz-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def matching(rows: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """Library rows whose title, type, city, country, date or id hold every word of ``query``."""
    words = fold(query).split()
    if not words:
        return rows
    keys = ("title", "doc_type", "city", "country", "date", "doc_id")
    return [r for r in rows if all(w in fold(" ".join(str(r.get(k) or "") for k in keys)) for w in words)]


def library_html(rows: list[dict[str, Any]], query: str = "") -> str:
    """The indexed documents that match ``query``, with how many of all are shown."""
    shown = matching(rows, query)
    count = f'<p class="nz-count">{len(shown)} of {len(rows)} documents</p>'
    table = _table(
        [label for _, label in LIBRARY_COLUMNS],
        [[capped(str(r.get(key) or "")) for key, _ in LIBRARY_COLUMNS] for r in shown],
        "No documents match." if rows else "The index is empty.",
    )
    return count + table


def log_html(rows: list[dict[str, Any]], table: str) -> str:
    """The newest rows of the ``feedback`` or ``abstentions`` log as a table."""
    columns = FEEDBACK_COLUMNS if table == "feedback" else ABSTENTION_COLUMNS
    return _table(
        [label for _, label, _ in columns],
        [[show(row.get(key)) if row.get(key) is not None else "" for key, _, show in columns] for row in rows],
        "Nothing logged yet.",
    )
