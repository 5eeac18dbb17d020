"""Exports belong to whoever made them, and expire; the guard answers 404 to anyone else on any file route."""

from __future__ import annotations

import os
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant.core.config import Settings
from assistant.ui.files import EXPORT_MARK, ExportGuard, expire, export_path, exports_dir, may_fetch


def test_an_export_is_for_its_owner_and_admins_only(settings: Settings) -> None:
    settings = settings.with_overrides(auth="alice:a,bob:b,carol:c:admin")
    path = export_path("conversation", ".md", "alice", settings)
    path.write_text("Alice's conversation", encoding="utf-8")
    assert path.parent == exports_dir(settings) and EXPORT_MARK in path.name
    assert may_fetch(settings, path.name, "alice") and may_fetch(settings, path.name, "carol")
    assert not may_fetch(settings, path.name, "bob") and not may_fetch(settings, path.name, None)
    assert may_fetch(settings, "theme.css", "bob")  # not an export: left to the web server's own rules


def test_exports_expire_and_then_nobody_gets_them(settings: Settings) -> None:
    settings = settings.with_overrides(export_ttl_s=60.0)
    old = export_path("feedback", ".csv", "alice", settings)
    old.write_text("id\n", encoding="utf-8")
    fresh = export_path("feedback", ".csv", "alice", settings)
    fresh.write_text("id\n", encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(settings.data_dir / "export-owners" / old.name, (an_hour_ago, an_hour_ago))
    assert not may_fetch(settings, old.name, "alice")
    assert expire(settings) == 1 and not old.exists() and fresh.exists()
    assert not may_fetch(settings, old.name, "alice") and may_fetch(settings, fresh.name, "alice")


def test_the_guard_refuses_others_exports_on_every_file_route(settings: Settings, tmp_path: Path) -> None:
    settings = settings.with_overrides(auth="alice:a,bob:b")
    path = export_path("conversation", ".md", "alice", settings)
    path.write_text("Alice's conversation", encoding="utf-8")

    def serve(request: Request) -> PlainTextResponse:
        return PlainTextResponse("served")

    app = Starlette(routes=[Route("/{rest:path}", serve)])

    def as_user(user: str) -> TestClient:
        guarded = ExportGuard(app, settings, user_of=lambda scope: user)
        return TestClient(guarded)

    cached = f"/tmp/gradio/0a1b2c/{path.name}"  # the web server's cache copy keeps the name
    for route in (f"/gradio_api/file={path}", f"/gradio_api/file={cached}", f"/file/{cached}"):
        assert as_user("alice").get(route).text == "served"
        refused = as_user("bob").get(route)
        assert refused.status_code == 404 and "Alice" not in refused.text
    assert as_user("bob").get("/gradio_api/file=/tmp/gradio/0a1b2c/logo.png").text == "served"
