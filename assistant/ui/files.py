"""Files the UI hands out (conversation and log exports) belong to the signed-in user who made them: each is
served only to its owner or an admin, and only until it expires (``export_ttl_s``), whatever path it is asked by
(the exports folder or the web server's cache copy, which keeps the file's unguessable name).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.core.accounts import is_admin
from assistant.core.config import Settings

EXPORT_MARK = "-nzx"  # in every export's name, so a copy of one is recognised wherever it is asked for
FILE_ROUTES = ("/file=", "/file/")


def exports_dir(settings: Settings) -> Path:
    """The folder exports are written to (created on first use)."""
    folder = settings.data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _owners_dir(settings: Settings) -> Path:
    """Who owns each export: one small file per export, outside every folder the web server may serve."""
    folder = settings.data_dir / "export-owners"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_path(stem: str, suffix: str, owner: str | None, settings: Settings) -> Path:
    """A new, unguessable export path owned by ``owner`` (None: no login configured); stale exports go first."""
    expire(settings)
    name = f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}{EXPORT_MARK}{secrets.token_hex(16)}{suffix}"
    (_owners_dir(settings) / name).write_text(owner or "", encoding="utf-8")
    return exports_dir(settings) / name


def _expired(record: Path, settings: Settings, now: float) -> bool:
    return now - record.stat().st_mtime > settings.export_ttl_s


def expire(settings: Settings, now: float | None = None) -> int:
    """Delete every export older than ``export_ttl_s`` with its owner record; returns how many went."""
    now = time.time() if now is None else now
    gone = 0
    for record in _owners_dir(settings).iterdir():
        if _expired(record, settings, now):
            (exports_dir(settings) / record.name).unlink(missing_ok=True)
            record.unlink(missing_ok=True)
            gone += 1
    return gone


def may_fetch(settings: Settings, name: str, user: str | None) -> bool:
    """Whether the file called ``name`` may be served to ``user``: an export only to its owner or an admin, while
    it lasts; any other file is not an export and is left to the web server's own rules."""
    if EXPORT_MARK not in name:
        return True
    record = _owners_dir(settings) / PurePosixPath(name).name
    if not record.is_file() or _expired(record, settings, time.time()):
        return False
    owner = record.read_text(encoding="utf-8")
    return owner == (user or "") or is_admin(settings, user)


def gradio_user(scope: Scope, app: object | None = None) -> str | None:
    """The user signed in to the gradio ``app`` (default: the one serving this request), from its session cookie."""
    app = app if app is not None else scope.get("app")
    tokens = getattr(app, "tokens", None)
    if not tokens:
        return None
    cookies = Request(scope).cookies
    cookie_id = getattr(app, "cookie_id", "")
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
    return tokens.get(token)


class ExportGuard:
    """ASGI middleware: a file route asked for someone else's (or an expired) export answers 404."""

    def __init__(self, app: ASGIApp, settings: Settings, user_of: Callable[[Scope], str | None] = gradio_user) -> None:
        self.app = app
        self.settings = settings
        self.user_of = user_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        route = next((r for r in FILE_ROUTES if r in path), None)
        if route is not None:
            name = PurePosixPath(path.split(route, 1)[1]).name
            if not may_fetch(self.settings, name, self.user_of(scope)):
                await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
                return
        await self.app(scope, receive, send)
