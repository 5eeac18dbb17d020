"""Metadata filters (city, country, doc type, topics, language, date range), applied identically to dense and BM25.

One object turns into a Chroma ``where`` clause for the dense side and a boolean mask for the BM25 side, so the two
candidate lists are always drawn from the same set of chunks. Every filter also carries who reads: an upload whose
``status`` is ``unreviewed`` is drawn only for its ``uploader``, never for anyone else (nor for an anonymous reader).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.core.schema import UNREVIEWED, date_number
from assistant.core.text import fold
from assistant.core.vocabulary import vocabulary

_KEYS = {
    "city": "city",
    "country": "country",
    "doc_type": "doc_type",
    "type": "doc_type",
    "topic": "topics",
    "topics": "topics",
    "lang": "lang",
    "language": "lang",
    "date_from": "date_from",
    "from": "date_from",
    "date_to": "date_to",
    "to": "date_to",
    "doc_id": "doc_id",
}


@lru_cache(maxsize=1)
def _canonical() -> dict[str, str]:
    vocab = vocabulary()
    names = (
        list(vocab.get("cities", {}))
        + list(vocab.get("countries", []))
        + list(vocab.get("topics", []))
        + list(vocab.get("doc_types", []))
    )
    return {re.sub(r"[^a-z0-9]", "", fold(n)): n for n in names}


def canonical(value: str) -> str:
    """The vocabulary's spelling of a city, country, topic or doc type typed loosely (``malmo`` → ``Malmö``)."""
    return _canonical().get(re.sub(r"[^a-z0-9]", "", fold(value)), value.strip())


@dataclass(frozen=True)
class SearchFilter:
    city: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    doc_type: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    doc_id: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    reader: str = ""  # the signed-in user asking: their own unreviewed uploads are searched too

    def for_reader(self, user: str | None) -> "SearchFilter":
        """The same filter read by ``user`` (``None``: an anonymous reader, who sees no unreviewed upload)."""
        return replace(self, reader=user or "")

    @classmethod
    def from_pairs(cls, pairs: dict[str, list[str]] | None) -> "SearchFilter":
        """Build from ``{"city": ["Lahti"], "date_from": ["2024"]}``; an unknown key is a ``ValueError``."""
        values: dict[str, Any] = {}
        for key, raw in (pairs or {}).items():
            name = _KEYS.get(key.strip().lower())
            if name is None:
                raise ValueError(
                    f"unknown filter {key!r}; use one of city, country, doc_type, topic, lang, date_from, date_to"
                )
            items = [v for item in raw for v in str(item).split(",") if v.strip()]
            if name in {"date_from", "date_to"}:
                if not items or date_number(items[-1]) is None:
                    raise ValueError(f"filter {key}: {raw!r} is not a date like 2024 or 2024-03-21")
                values[name] = items[-1].strip()
            elif name in {"lang", "doc_id"}:
                values[name] = tuple(v.strip().lower() if name == "lang" else v.strip() for v in items)
            else:
                values[name] = tuple(canonical(v) for v in items)
        return cls(**values)

    def is_empty(self) -> bool:
        """Whether nothing narrows the search besides who reads it."""
        return not any(getattr(self, f.name) for f in fields(self) if f.name != "reader")

    def _visible(self) -> dict[str, Any]:
        """Chunks the reader may draw on: everything but others' unreviewed uploads."""
        reviewed = {"status": {"$ne": UNREVIEWED}}
        return {"$or": [reviewed, {"uploader": self.reader}]} if self.reader else reviewed

    def _bounds(self) -> tuple[int | None, int | None]:
        low = date_number(self.date_from) if self.date_from else None
        high = date_number(self.date_to) if self.date_to else None
        if high is not None and len(re.sub(r"\D", "", self.date_to)) <= 6:
            high += 99 if len(re.sub(r"\D", "", self.date_to)) == 6 else 1299  # a year or month counts whole
        return low, high

    def to_where(self) -> dict[str, Any]:
        """The Chroma ``where`` clause: the reader's visibility and whatever else is filtered."""
        clauses: list[dict[str, Any]] = [self._visible()]
        for name in ("city", "country", "doc_type", "lang", "doc_id"):
            values = getattr(self, name)
            if values:
                clauses.append({name: {"$in": list(values)}})
        if self.topics:
            topic_clauses = [{"topics": {"$contains": t}} for t in self.topics]
            clauses.append(topic_clauses[0] if len(topic_clauses) == 1 else {"$or": topic_clauses})
        low, high = self._bounds()
        if low is not None:
            clauses.append({"date_num": {"$gte": low}})
        if high is not None:
            clauses.append({"date_num": {"$lte": high}})
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def mask(self, columns: dict[str, list[Any]]) -> np.ndarray | None:
        """A boolean mask over the BM25 index's per-chunk columns, or ``None`` when nothing is filtered out."""
        n = len(columns.get("doc_id", []))
        statuses, uploaders = columns.get("status", [""] * n), columns.get("uploader", [""] * n)
        keep = np.fromiter(
            (s != UNREVIEWED or bool(self.reader and u == self.reader) for s, u in zip(statuses, uploaders)),
            dtype=bool,
            count=n,
        )
        if self.is_empty() and keep.all():
            return None
        for name in ("city", "country", "doc_type", "lang", "doc_id"):
            values = set(getattr(self, name))
            if values:
                keep &= np.fromiter((v in values for v in columns[name]), dtype=bool, count=n)
        if self.topics:
            wanted = set(self.topics)
            keep &= np.fromiter((bool(wanted & set(t)) for t in columns["topics"]), dtype=bool, count=n)
        low, high = self._bounds()
        if low is not None or high is not None:
            dates = np.asarray(columns["date_num"], dtype=np.int64)
            if low is not None:
                keep &= dates >= low
            if high is not None:
                keep &= (dates <= high) & (dates > 0)
        return keep

    def describe(self) -> str:
        parts = [
            f"{f.name}={','.join(v) if isinstance(v, tuple) else v}"
            for f in fields(self)
            if f.name != "reader" and (v := getattr(self, f.name))
        ]
        return "; ".join(parts)
