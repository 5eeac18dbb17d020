"""Files people take away: a conversation as Markdown with its sources, and the content team's logs as CSV.

Everything is written under ``data_dir/exports`` with an unguessable name, the one folder the UI may serve, and
belongs to the user who asked for it (``assistant.ui.files``).
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any, TextIO

from assistant.answering.replies import Citation
from assistant.core.config import Settings
from assistant.core.schema import shown_source, upload_label
from assistant.ui.cards import facts
from assistant.ui.files import export_path
from assistant.ui.session import Turn

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LOG_COLUMNS = {  # the logbook's columns, for the header of an empty export
    "feedback": ("id", "at", "question", "answer", "sources", "helpful", "comment", "mode"),
    "abstentions": (
        "id",
        "at",
        "question",
        "standalone",
        "mode",
        "best_score",
        "dense",
        "coverage",
        "off_topic",
        "filters",
    ),
}


def _citation_markdown(citation: Citation) -> str:
    web = citation.source.startswith(("http://", "https://"))
    origin = f"<{citation.source}>" if web else f"`{shown_source(citation.source)}`"
    quotes = "".join(f"\n   > {sentence}" for sentence in citation.sentences)
    label = upload_label(citation.result.chunk.metadata)
    shown = " · ".join([*facts(citation.result, citation.location), *([label] if label else [])])
    return f"{citation.n}. **{citation.title}** — {shown}  \n   {origin}{quotes}"


def conversation_markdown(turns: list[Turn]) -> str:
    """Every answered question with its reply and, for each ``[n]``, the source and the sentences it gave."""
    lines = [
        "# Conversation with the NetZero Cities assistant",
        "",
        f"Exported {time.strftime('%Y-%m-%d %H:%M')}. Answers are drawn only from the indexed "
        "documents; check the sources before relying on them.",
        "",
    ]
    number = 0
    for turn in turns:
        if not turn.done or turn.reply is None:
            continue
        number += 1
        context = f"Mode: {turn.mode}" + (f" · filters: {turn.filters}" if turn.filters else "")
        lines += [f"## {number}. {turn.question}", "", f"*{context}*", "", turn.reply.answer.strip(), ""]
        if turn.reply.citations:
            lines += ["### Sources", ""] + [_citation_markdown(c) for c in turn.reply.citations] + [""]
        else:
            lines += ["*No source was cited.*", ""]
    return "\n".join(lines)


def write_conversation(turns: list[Turn], settings: Settings, owner: str | None = None) -> Path:
    """Write the conversation to a new ``.md`` file under the exports folder, owned by ``owner``; its path."""
    path = export_path("conversation", ".md", owner, settings)
    path.write_text(conversation_markdown(turns), encoding="utf-8")
    return path


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def log_csv(rows: list[dict[str, Any]], table: str, handle: TextIO) -> None:
    """The rows of the ``feedback`` or ``abstentions`` log as CSV on ``handle``, with a header even when empty."""
    columns = list(rows[0]) if rows else list(_LOG_COLUMNS[table])
    writer = csv.writer(handle)
    writer.writerow(columns)
    writer.writerows([_cell(row.get(c)) for c in columns] for row in rows)


def write_log_csv(rows: list[dict[str, Any]], table: str, settings: Settings, owner: str | None = None) -> Path:
    """Write the rows of the ``feedback`` or ``abstentions`` log to a new CSV file owned by ``owner``; its path."""
    path = export_path(table, ".csv", owner, settings)
    with path.open("w", encoding="utf-8", newline="") as handle:
        log_csv(rows, table, handle)
    return path
