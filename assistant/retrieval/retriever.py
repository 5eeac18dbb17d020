"""The search engine as a langchain ``BaseRetriever``, so that it plugs into any langchain chain."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever


class HybridRetriever(BaseRetriever):
    """The search engine as a langchain retriever; ``k`` set on it is the default, ``invoke(query, k=n)`` overrides
    it for one call, as LangChain's standard retriever tests require."""

    engine: Any
    k: int = 5
    search_filter: Any = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None, **_: Any
    ) -> list[Document]:
        results = self.engine.search(query, k=k or self.k, search_filter=self.search_filter)
        return [
            Document(
                page_content=r.text,
                id=r.chunk_id,
                metadata={**r.chunk.metadata, "chunk_id": r.chunk_id, "score": r.score, "rank": r.rank},
            )
            for r in results
        ]
