"""OpenAI-compatible chat completions, so OpenAI clients and chat front ends (Open WebUI, LibreChat) can talk to the
assistant as the model ``netzero-assistant``. The earlier user messages are the follow-up context; the answer keeps
its ``[n]`` markers with a Sources list appended, and the citations also come as a structured ``sources`` field.
Unknown request parameters (temperature, max_tokens, ...) are ignored, and so are system messages: documents and
callers never change the assistant's instructions."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.answering.modes import sources_list
from assistant.answering.replies import Reply
from assistant.core.accounts import Account
from assistant.core.schema import Mode
from assistant.query.conversation import Conversation
from assistant.retrieval.filters import SearchFilter
from assistant.server.auth import caller
from assistant.server.rest import index_built
from assistant.server.service import Service, service

MODEL = "netzero-assistant"
CREATED = 1764979200  # when the model name was first served (2025-12-06); clients only display it

Svc = Annotated[Service, Depends(service)]
User = Annotated[Account | None, Depends(caller)]


class ChatMessage(BaseModel):
    """One message; content as a string or as OpenAI's list of parts, of which the text parts are read."""

    model_config = ConfigDict(extra="ignore")
    role: str
    content: str | list[dict[str, Any]] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text").strip()
        return (self.content or "").strip()


class ChatRequest(BaseModel):
    """The fields read from a chat completion request; ``mode`` is this server's own extension."""

    model_config = ConfigDict(extra="ignore")
    model: str = MODEL
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    mode: Mode = Mode.EXPLORE


def with_sources(reply: Reply) -> str:
    """The answer with its numbered Sources list appended (a draft already ends with one)."""
    if not reply.citations or "\n\nSources:\n" in reply.answer:
        return reply.answer
    return f"{reply.answer}\n\nSources:\n{sources_list(reply.citations)}"


def _question_and_history(request: ChatRequest) -> tuple[str, list[str]]:
    if request.model != MODEL:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"model {request.model!r} not found; use {MODEL!r}")
    asked = [m.text for m in request.messages if m.role == "user" and m.text]
    if not asked or request.messages[-1].role != "user":
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="messages: the last message must be a user question")
    return asked[-1], asked[:-1]


def _chunk(base: dict[str, Any], delta: dict[str, str], finish: str | None = None, **extra: Any) -> str:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    body = {**base, "object": "chat.completion.chunk", "choices": [choice], **extra}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def _streamed(replies: Iterator[Reply], base: dict[str, Any]) -> Iterator[str]:
    """The answer as it grows, in deltas, then the Sources list and the structured sources. Only partials that
    carry citations are sent: they are prefixes of the final answer (an LLM's unchecked draft has none)."""
    yield _chunk(base, {"role": "assistant", "content": ""})
    sent, final = "", None
    for final in replies:
        if final.citations and final.answer.startswith(sent) and len(final.answer) > len(sent):
            yield _chunk(base, {"content": final.answer[len(sent) :]})
            sent = final.answer
    text = with_sources(final)
    yield _chunk(base, {"content": text[len(sent) :]})
    yield _chunk(base, {}, "stop", sources=[c.to_dict() for c in final.citations], netzero=_extension(final))
    yield "data: [DONE]\n\n"


def _extension(reply: Reply) -> dict[str, Any]:
    """What an assistant-aware client may use besides the text: abstention, the searched query, the engine."""
    return {
        "abstained": reply.abstained,
        "standalone_question": reply.standalone_question,
        "mode": reply.mode,
        "engine": reply.engine,
        "suggestions": reply.suggestions,
    }


def router() -> APIRouter:
    """The /v1 routes."""
    api = APIRouter(prefix="/v1", tags=["openai-compatible"])
    card = {"id": MODEL, "object": "model", "created": CREATED, "owned_by": "netzero"}

    @api.get("/models", summary="The one model served: netzero-assistant")
    def models(_: User) -> dict[str, Any]:
        return {"object": "list", "data": [card]}

    @api.get("/models/{model}", summary="The model card")
    def model(model: str, _: User) -> dict[str, Any]:
        if model != MODEL:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"model {model!r} not found; use {MODEL!r}")
        return card

    @api.post(
        "/chat/completions",
        summary="A cited answer to the last user message, the earlier ones as context",
        dependencies=[Depends(index_built)],
    )
    def chat_completions(request: ChatRequest, svc: Svc, user: User) -> Any:
        question, history = _question_and_history(request)
        reader = SearchFilter().for_reader(user.user if user else None)  # one's own unreviewed uploads too
        replies = svc.assistant.stream(question, request.mode, Conversation.replayed(history), reader)
        base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": MODEL}
        if request.stream:
            return StreamingResponse(_streamed(replies, base), media_type="text/event-stream")
        reply = None
        for reply in replies:
            pass
        message = {"role": "assistant", "content": with_sources(reply)}
        return {
            **base,
            "object": "chat.completion",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "sources": [c.to_dict() for c in reply.citations],
            "netzero": _extension(reply),
        }

    return api
