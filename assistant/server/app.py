"""The one server: a FastAPI app with the REST API (/api/v1), the OpenAI-compatible API (/v1), their description
(/docs) and the gradio UI mounted at /, behind protective headers, a sign-in back-off and CORS for configured
origins only. ``serve`` runs it with uvicorn on ``settings.host:port`` (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import threading
import time
from typing import Any

import gradio as gr
import swagger_ui_bundle
import uvicorn
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Mount

from assistant.core.config import Settings
from assistant.server import openai_compat, rest
from assistant.server.auth import may_read_docs
from assistant.server.security import LoginThrottle, SecurityHeaders
from assistant.server.service import Service
from assistant.ui.app import TITLE, build
from assistant.ui.files import ExportGuard, expire, exports_dir, gradio_user
from assistant.ui.theme import CSS, HEAD, THEME
from ingest.indexer import SyncReport
from ingest.jobs import index_ready
from ingest.uploads import discard_failed, repair, uploads_dir

DESCRIPTION = (
    "Cited answers about the EU Cities Mission from the indexed documents. With login configured, get a bearer "
    "token from `POST /api/v1/token` (HTTP basic, an account of the auth file) and send it as "
    "`Authorization: Bearer <token>`; the OpenAI-compatible API takes it as the API key."
)
DOCS_ASSETS = "/docs-assets"


def _docs(app: FastAPI) -> None:
    """/docs and /openapi.json, served without any CDN (Swagger UI from the swagger-ui-bundle package) and, with
    login configured, only to callers with a token or a signed-in UI session."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")
    guarded = [Depends(may_read_docs)]

    @app.get("/openapi.json", include_in_schema=False, dependencies=guarded)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=guarded)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{TITLE}: API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )


def _mount_ui(app: FastAPI, svc: Service) -> None:
    """The gradio UI at /, signing in with the configured accounts; its sessions expire after the set lifetime."""
    settings = svc.settings
    blocks = build(svc.assistant, svc.job, uploads_allowed=svc.login, logs_tab=svc.login).queue()
    # The UI's events are not an API (the REST API is): undocumented, so that no page, the login page included,
    # embeds their handler names and parameters.
    for event in blocks.fns.values():
        event.api_visibility = "undocumented"
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        server_name=settings.host,
        server_port=settings.port,
        auth=[(a.user, a.password) for a in svc.accounts] or None,
        auth_message="Sign in to the NetZero Cities assistant.",
        allowed_paths=[str(exports_dir(settings))],
        max_file_size=int(settings.upload_max_mb * 1e6),
        theme=THEME,
        css=CSS,
        head=HEAD,
        footer_links=[],
        run_history=False,
    )
    svc.ui = next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "" and hasattr(r.app, "tokens"))
    svc.ui.tokens = svc.sessions


def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    """The whole server as one ASGI app; raises ``ValueError`` for a malformed account entry."""
    svc = service or Service.create(settings)
    app = FastAPI(
        title=f"{TITLE} API",
        version=rest.package_version(),
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.service = svc
    app.include_router(rest.router())
    app.include_router(openai_compat.router())
    _docs(app)
    _mount_ui(app, svc)  # last: the UI at / takes every path the routes above do not
    # Starlette wraps in reverse order: the headers go on every response, the throttle's 429 included. CORS is
    # without credentials: the API's bearer token is a header a configured origin's script sends, never a cookie.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_credentials=False,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
    )
    app.add_middleware(LoginThrottle, guard=svc.guard)
    # exports go only to their owner (or an admin), whatever file route asks, the gradio cache copy included
    app.add_middleware(ExportGuard, settings=settings, user_of=lambda scope: gradio_user(scope, svc.ui))
    app.add_middleware(SecurityHeaders)
    return app


def _expire_exports(settings: Settings, every_s: float = 300.0) -> None:
    """Delete expired exports now and every ``every_s`` seconds, in a daemon thread."""

    def loop() -> None:
        while True:
            expire(settings)
            time.sleep(every_s)

    threading.Thread(target=loop, name="netzero-expire-exports", daemon=True).start()


def start_background(svc: Service) -> None:
    """Warm the query models, or fill an empty index from the shipped corpus and kept uploads, while the server
    starts; an index a killed sync left, or uploads it does not match, is repaired in the background."""
    settings = svc.settings

    def drop_failed(report: SyncReport) -> None:  # an upload that cannot be indexed is removed, not left half there
        discard_failed(settings, report)

    if index_ready(settings):
        threading.Thread(target=svc.assistant.engine.warm_up, name="netzero-warm-up", daemon=True).start()
        repairs = repair(settings)
        if repairs:
            svc.job.start(repairs, then=drop_failed)
    else:
        svc.job.start([settings.corpus, uploads_dir(settings)], then=drop_failed)
    _expire_exports(settings)


def serve(settings: Settings, **uvicorn_options: Any) -> None:
    """Run the server until interrupted. Access logs are off: query strings hold users' questions."""
    svc = Service.create(settings)
    app = create_app(settings, svc)
    start_background(svc)
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False, **uvicorn_options)
