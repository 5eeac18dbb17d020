"""LangChain's own standard suite for retrievers (``langchain-tests``), run against HybridRetriever over an index of
the shipped corpus, plus what the suite does not check: filters and the default ``k`` still apply."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.core.config import Settings
from assistant.retrieval.engine import SearchEngine
from assistant.retrieval.filters import SearchFilter
from assistant.retrieval.retriever import HybridRetriever

QUERY = "How large were the grants of the Pilot Cities call?"


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    """The suite every LangChain retriever integration must pass."""

    engine: SearchEngine | None = None

    @pytest.fixture(autouse=True)
    def _engine(self, corpus_settings: Settings) -> None:
        if TestHybridRetrieverStandard.engine is None:
            TestHybridRetrieverStandard.engine = SearchEngine(corpus_settings)

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"engine": self.engine}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


def test_k_at_call_time_overrides_the_default_and_filters_still_apply(corpus_settings: Settings) -> None:
    engine = SearchEngine(corpus_settings)
    assert len(HybridRetriever(engine=engine, k=4).invoke(QUERY)) == 4
    lahti = HybridRetriever(engine=engine, k=4, search_filter=SearchFilter.from_pairs({"city": ["Lahti"]}))
    picked = lahti.invoke("sustainable commuting", k=1)
    assert len(picked) == 1 and picked[0].metadata["city"] == "Lahti"
    assert picked[0].id == picked[0].metadata["chunk_id"]
