"""The chunk: the unit that is embedded, stored, retrieved and cited, with the metadata every citation needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from assistant.core.text import capped

# Metadata keys a chunk may carry; Chroma stores scalars and lists of strings, and drops empty values.
METADATA_KEYS = (
    "doc_id",
    "title",
    "source",
    "page",
    "section",
    "date",
    "date_num",
    "doc_type",
    "city",
    "country",
    "topics",
    "audience",
    "lang",
    "summary",
    "position",
    "path",
    "uploader",
    "status",
    "file_name",
)
# An uploaded document stays ``unreviewed`` until an admin approves it: until then it answers only its uploader.
UNREVIEWED = "unreviewed"
APPROVED = "approved"


@dataclass
class Chunk:
    """A passage of one document, with a stable id: doc id, position and a hash of its text."""

    chunk_id: str
    doc_id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return capped(str(self.metadata.get("title") or self.doc_id))

    @property
    def unreviewed(self) -> bool:
        """An upload no admin has approved yet (see ``UNREVIEWED``)."""
        return self.metadata.get("status") == UNREVIEWED

    def embedding_text(self) -> str:
        """What the dense models read: the title and heading path give a passage the context it lost when cut (a
        passage opening with its own heading is read without it: the path already says it)."""
        section = str(self.metadata.get("section") or "")
        head = " — ".join(capped(p) for p in (self.title, section) if p)
        text = self.text
        if section and text.startswith("#"):
            first, _, rest = text.partition("\n")
            if first.lstrip("#").strip() == section.split(" > ")[-1]:
                text = rest.lstrip("\n")
        return f"{head}\n{text}" if head else text

    def to_store_metadata(self) -> dict[str, Any]:
        """Metadata as the store keeps it: known keys only, no empty values."""
        meta: dict[str, Any] = {"doc_id": self.doc_id}
        for key in METADATA_KEYS:
            value = self.metadata.get(key)
            if value in (None, "", [], ()):
                continue
            meta[key] = list(value) if isinstance(value, (list, tuple)) else value
        return meta

    @classmethod
    def from_store(cls, chunk_id: str, text: str, metadata: dict[str, Any] | None) -> "Chunk":
        meta = dict(metadata or {})
        return cls(chunk_id=chunk_id, doc_id=str(meta.get("doc_id", "")), text=text, metadata=meta)


def date_number(iso_date: str) -> int | None:
    """``2024-03-21`` → ``20240321`` (a year or year-month pads with zeros), for range filters in the store."""
    digits = "".join(ch for ch in str(iso_date) if ch.isdigit())
    if len(digits) < 4:
        return None
    return int(digits[:8].ljust(8, "0"))


@dataclass
class SearchResult:
    """One retrieved passage with its fused score and the raw signal of each retriever that found it."""

    chunk: Chunk
    score: float
    rank: int = 0
    signals: dict[str, float] = field(default_factory=dict)
    merged_ids: list[str] = field(default_factory=list)

    chunk_id = property(lambda self: self.chunk.chunk_id)
    doc_id = property(lambda self: self.chunk.doc_id)
    text = property(lambda self: self.chunk.text)
    title = property(lambda self: self.chunk.title)
    source = property(lambda self: str(self.chunk.metadata.get("source") or ""))
    page = property(lambda self: self.chunk.metadata.get("page"))
    section = property(lambda self: self.chunk.metadata.get("section"))
    date = property(lambda self: self.chunk.metadata.get("date"))

    @property
    def location(self) -> str:
        """Page or section, as citations show it."""
        return location(self.page, self.section)

    def to_dict(self) -> dict[str, Any]:
        """The search result as the CLI's JSON contract names it."""
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "doc_id": self.doc_id,
            "chunk_id": self.chunk_id,
            "title": self.title,
            "source": self.source,
            "page": self.page,
            "section": self.section,
            "date": self.date,
            "text": self.text,
            "doc_type": self.chunk.metadata.get("doc_type"),
            "city": self.chunk.metadata.get("city"),
            "country": self.chunk.metadata.get("country"),
        }


class Mode(StrEnum):
    """How a reply is shaped: the same engine answers, each mode for one kind of user (see docs/users)."""

    START = "start"
    EXPLORE = "explore"
    DRAFT = "draft"

    @property
    def label(self) -> str:
        """The mode as the UI's choice names it."""
        return _MODE_LABELS[self]

    @classmethod
    def help(cls) -> str:
        """One line on every mode, for usage errors and ``--help``."""
        return "; ".join(f"{mode.value}: {mode.label.split(': ', 1)[1]}" for mode in cls)


_MODE_LABELS = {
    Mode.START: "Start: first steps for a city",
    Mode.EXPLORE: "Explore: overview and next questions",
    Mode.DRAFT: "Draft: a reply to an email",
}


def location(page: Any, section: Any) -> str:
    """Where in its document a passage is, as every citation shows it: "p. 12", or the last heading of its section
    path as "section “Call 1”"; empty when neither is known."""
    if page:
        return f"p. {page}"
    if section:
        return f"section “{str(section).split(' > ')[-1]}”"
    return ""


def shown_source(source: str) -> str:
    """What a person is shown of a source: a web address whole, a file only by its name (never a server path)."""
    if source.startswith(("http://", "https://")):
        return source
    return PurePath(source.replace("\\", "/")).name


def upload_label(metadata: dict[str, Any]) -> str:
    """How an uploaded document is marked wherever it is cited: who uploaded it, and "unreviewed upload" until an
    admin approves it; empty for any other document."""
    uploader = metadata.get("uploader")
    if not uploader:
        return ""
    return ("unreviewed upload, " if metadata.get("status") == UNREVIEWED else "") + f"uploaded by {uploader}"
