"""The filter choices the index offers (country, city, doc type, topic), and the search filter chosen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.core.vocabulary import vocabulary
from assistant.retrieval.filters import SearchFilter


@dataclass(frozen=True)
class Facets:
    countries: list[str]
    cities: list[str]
    doc_types: list[str]
    topics: list[str]


def facets(library: list[dict[str, Any]]) -> Facets:
    """Countries, cities and doc types present in the index; topics from the corpus vocabulary."""

    def present(key: str) -> list[str]:
        return sorted({str(row[key]) for row in library if row.get(key)}, key=str.casefold)

    topics = list(vocabulary().get("topics", []))
    return Facets(present("country"), present("city"), present("doc_type"), topics)


def search_filter(
    countries: list[str] | None, cities: list[str] | None, doc_types: list[str] | None, topics: list[str] | None
) -> SearchFilter:
    """The filter for the chosen values; nothing chosen filters nothing."""
    pairs = {"country": countries, "city": cities, "doc_type": doc_types, "topic": topics}
    return SearchFilter.from_pairs({key: values for key, values in pairs.items() if values})
