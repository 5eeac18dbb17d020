"""ASGI middleware around the whole server: protective headers on every response, and the sign-in back-off on the
UI's login form (gradio's ``POST /login``), which the guard cannot reach from inside gradio."""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.server.signin import SignInGuard

# Only this app may frame its pages (X-Frame-Options for browsers that ignore CSP); no content-type sniffing.
SECURITY_HEADERS = (
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
)
LOGIN_PATHS = {"/login", "/login/"}
MAX_LOGIN_FORM = 64 * 1024


class SecurityHeaders:
    """Adds the protective headers to every HTTP response, replacing any earlier value of the same header."""

    def __init__(self, app: ASGIApp, headers: Iterable[tuple[bytes, bytes]] = SECURITY_HEADERS) -> None:
        self.app = app
        self.headers = list(headers)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _respond(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": detail}).encode("utf-8")
    start = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": start + list(headers)})
    await send({"type": "http.response.body", "body": body})


class LoginThrottle:
    """Refuses the UI's sign-in with 429 while the user name or the address is locked, and tells the guard how
    each attempt ended (gradio answers 200 for a right password, 400 for a wrong one)."""

    def __init__(self, app: ASGIApp, guard: SignInGuard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in LOGIN_PATHS:
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_LOGIN_FORM:
                await _respond(send, 413, "the sign-in form is too large")
                return

        def replay() -> Receive:
            sent = False

            async def receive_again() -> Message:
                nonlocal sent
                if sent:
                    return await receive()
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}

            return receive_again

        form = await Request(scope, replay()).form()
        user = str(form.get("username") or "").strip()
        address = scope["client"][0] if scope.get("client") else ""
        wait = self.guard.retry_after(user, address)
        if wait > 0:
            retry = [(b"retry-after", str(int(wait) + 1).encode())]
            await _respond(send, 429, f"Too many failed sign-ins: try again in {wait:.0f} s.", retry)
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, replay(), watch)
        if status and status[0] == 200:
            self.guard.succeeded(user, address)
        elif status and status[0] in {400, 401}:
            self.guard.failed(user, address)
