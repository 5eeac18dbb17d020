"""REST API v1: ask, search, documents, feedback, logs, health and tokens, with the CLI's JSON contracts. Each
handler parses and checks its input and calls :class:`assistant.api.Assistant`; nothing else happens here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from assistant.core.accounts import Account
from assistant.core.schema import Mode
from assistant.index.embeddings import loaded_embedders
from assistant.query.conversation import Conversation
from assistant.retrieval.filters import SearchFilter
from assistant.server.auth import admin, caller, sign_in
from assistant.server.service import Service, service
from ingest.jobs import index_ready

Filters = dict[str, list[str] | str]

Svc = Annotated[Service, Depends(service)]
User = Annotated[Account | None, Depends(caller)]


def package_version() -> str:
    try:
        return version("netzero-assistant")
    except PackageNotFoundError:
        return "unknown"


def parse_filter(filters: Filters) -> SearchFilter:
    """The search filter from ``{"city": ["Lahti"], "date_from": "2024"}``; a bad key or value is a 422 naming it."""
    try:
        return SearchFilter.from_pairs({k: [v] if isinstance(v, str) else list(v) for k, v in filters.items()})
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=f"filters: {exc}") from None


class AskRequest(BaseModel):
    """A question, as ``netzero ask`` takes it, plus the earlier questions of the conversation for follow-ups."""

    question: str = Field(min_length=1, max_length=4000)
    mode: Mode = Mode.EXPLORE
    filters: Filters = Field(default_factory=dict, description="city, country, doc_type, topic, lang, date_from, …")
    history: list[str] = Field(default_factory=list, max_length=50, description="earlier questions, oldest first")
    id: str | None = None
    stream: bool = Field(False, description="server-sent events: `partial` answers, then the `reply`")


class FeedbackRequest(BaseModel):
    """A rating of an answer the API gave: send back its question, answer and citations."""

    question: str = Field(min_length=1, max_length=4000)
    answer: str = Field(min_length=1, max_length=100_000)
    helpful: bool
    comment: str = Field("", max_length=4000)
    mode: Mode = Mode.EXPLORE
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=50)


def index_built(svc: Svc, _: User) -> None:
    """Questions wait for the first index: until it is built, a 503 (after the sign-in check) says how far it got;
    later syncs do not block."""
    if not index_ready(svc.settings):
        progress = svc.job.status().describe() or "the index is empty: run `netzero ingest`"
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=progress, headers={"Retry-After": "5"})


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def router() -> APIRouter:
    """The /api/v1 routes."""
    api = APIRouter(prefix="/api/v1", tags=["netzero"])

    @api.post("/token", summary="Exchange an account's user name and password (HTTP basic) for a bearer token")
    def token(svc: Svc, account: Annotated[Account, Depends(sign_in)]) -> dict[str, Any]:
        return {
            "access_token": svc.signer.issue(account),
            "token_type": "bearer",
            "expires_in": int(svc.signer.lifetime_s),
            "user": account.user,
            "role": account.role.value,
        }

    @api.post(
        "/ask",
        summary="A cited answer (the `netzero ask --json` contract); stream=true for SSE",
        dependencies=[Depends(index_built)],
    )
    def ask(request: AskRequest, svc: Svc, user: User) -> Any:
        search_filter = parse_filter(request.filters).for_reader(user.user if user else None)
        conversation = Conversation.replayed(request.history)
        extra = {"id": request.id} if request.id is not None else {}
        replies = svc.assistant.stream(request.question, request.mode, conversation, search_filter)
        if not request.stream:
            reply = None
            for reply in replies:
                pass
            return {**extra, **reply.to_dict()}

        def events() -> Iterator[str]:
            reply = None
            for reply in replies:
                yield _event("partial", {"answer": reply.answer, "engine": reply.engine, "notice": reply.notice})
            yield _event("reply", {**extra, **reply.to_dict()})

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @api.get(
        "/search",
        summary="Hybrid search (the `netzero search --json` contract), with the same filters",
        dependencies=[Depends(index_built)],
    )
    def search(
        svc: Svc,
        user: User,
        q: Annotated[str, Query(min_length=1, max_length=4000, description="the query")],
        k: Annotated[int, Query(ge=1, le=100)] = 5,
        city: Annotated[list[str], Query()] = [],
        country: Annotated[list[str], Query()] = [],
        doc_type: Annotated[list[str], Query()] = [],
        topic: Annotated[list[str], Query()] = [],
        lang: Annotated[list[str], Query()] = [],
        date_from: str = "",
        date_to: str = "",
        id: str | None = None,
    ) -> dict[str, Any]:
        given = {"city": city, "country": country, "doc_type": doc_type, "topic": topic, "lang": lang}
        given |= {"date_from": date_from, "date_to": date_to}
        search_filter = parse_filter({key: value for key, value in given.items() if value})
        search_filter = search_filter.for_reader(user.user if user else None)  # one's own unreviewed uploads too
        results = svc.assistant.search(q, k=k, search_filter=search_filter)
        return {"id": id, "query": q, "results": [r.to_dict() for r in results]}

    @api.get("/documents", summary="The library: one row per indexed document")
    def documents(svc: Svc, _: User) -> dict[str, Any]:
        library = svc.assistant.library()
        return {"count": len(library), "documents": library}

    @api.post("/feedback", status_code=status.HTTP_201_CREATED, summary="Rate an answer for the content team")
    def feedback(request: FeedbackRequest, svc: Svc, _: User) -> dict[str, bool]:
        svc.assistant.logbook.log_feedback(
            request.question, request.answer, request.citations, request.helpful, request.comment, request.mode
        )
        return {"saved": True}

    @api.get("/logs/{table}", summary="Feedback or unanswered questions, newest first (admin only)")
    def logs(
        table: Literal["feedback", "abstentions"],
        svc: Svc,
        _: Annotated[Account, Depends(admin)],
        limit: Annotated[int, Query(ge=1, le=100_000)] = 200,
    ) -> dict[str, Any]:
        return {"table": table, "rows": svc.assistant.logbook.rows(table, limit=limit)}

    @api.get("/health", summary="Index state, models loaded, version (no sign-in needed)")
    def health(svc: Svc) -> dict[str, Any]:
        job, engine, ready = svc.job.status(), svc.assistant.engine, index_ready(svc.settings)
        if ready and not job.running:
            engine.refresh()
        return {
            "status": "indexing" if job.running else ("ok" if ready else "empty"),
            "version": package_version(),
            "index": {
                "ready": ready,
                "syncing": job.running,
                "progress": job.describe() if job.running or job.error else "",
                "passages": len(engine.bm25) if engine.bm25 is not None else 0,
            },
            "models": {"indexed": list(engine.models), "loaded": loaded_embedders()},
            "answers": "llm" if svc.assistant.llm is not None else "extractive",
            "login": svc.login,
        }

    return api
