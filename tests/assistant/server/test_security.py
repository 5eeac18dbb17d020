"""Security of the real running server: protective headers on every response, CORS only for configured origins,
the API description private under login, expiring sessions and tokens, and sign-in back-off against guessing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.assistant.server.conftest import ACCOUNTS, ALLOWED_ORIGIN
from tests.conftest import write_sample_docs
from tests.support.netzero_server import Server, running_server

pytestmark = pytest.mark.e2e

HEADERS = {
    "content-security-policy": "frame-ancestors 'self'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
}
SESSION_S = 4.0


def has_protective_headers(response: httpx.Response) -> bool:
    return all(response.headers.get(name) == value for name, value in HEADERS.items())


def test_every_response_carries_the_protective_headers(open_server: Server, login_server: Server) -> None:
    probes = [
        (open_server, "GET", "/", 200),
        (open_server, "GET", "/config", 200),
        (open_server, "GET", "/api/v1/health", 200),
        (open_server, "GET", "/docs", 200),
        (open_server, "GET", "/no-such-page", 404),
        (login_server, "GET", "/", 200),
        (login_server, "GET", "/config", 401),
        (login_server, "GET", "/api/v1/documents", 401),
        (login_server, "GET", "/openapi.json", 401),
        (login_server, "POST", "/v1/chat/completions", 401),
    ]
    for server, method, path, status in probes:
        response = httpx.request(method, f"{server.url}{path}", timeout=30)
        assert response.status_code == status, (path, response.status_code)
        assert has_protective_headers(response), (path, dict(response.headers))


def test_cors_only_for_configured_origins(open_server: Server, login_server: Server) -> None:
    for server in (open_server, login_server):
        stranger = f"http://127.0.0.1:{int(server.url.rsplit(':', 1)[1]) + 1}"
        for path in ("/config", "/api/v1/health", "/gradio_api/info"):
            simple = httpx.get(f"{server.url}{path}", headers={"Origin": stranger}, timeout=30)
            assert "access-control-allow-origin" not in simple.headers, path
            assert "access-control-allow-credentials" not in simple.headers, path
        preflight = httpx.options(
            f"{server.url}/api/v1/ask",
            headers={"Origin": stranger, "Access-Control-Request-Method": "POST"},
            timeout=30,
        )
        assert "access-control-allow-origin" not in preflight.headers
    allowed = httpx.options(
        f"{login_server.url}/api/v1/ask",
        headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


def test_the_api_description_is_public_only_without_login(open_server: Server, login_server: Server) -> None:
    described = httpx.get(f"{open_server.url}/openapi.json", timeout=30).json()
    assert {"/api/v1/ask", "/api/v1/search", "/v1/chat/completions"} <= set(described["paths"])
    page = httpx.get(f"{open_server.url}/docs", timeout=30).text
    assert "/docs-assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert httpx.get(f"{open_server.url}/docs-assets/swagger-ui-bundle.js", timeout=30).status_code == 200

    for path in ("/openapi.json", "/docs"):
        assert httpx.get(f"{login_server.url}{path}", timeout=30).status_code == 401
    issued = httpx.post(f"{login_server.url}/api/v1/token", auth=("alice", ACCOUNTS["alice"]), timeout=30).json()
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    assert httpx.get(f"{login_server.url}/openapi.json", headers=bearer, timeout=30).status_code == 200
    with httpx.Client(base_url=login_server.url, timeout=30) as browser:
        assert browser.post("/login", data={"username": "alice", "password": ACCOUNTS["alice"]}).status_code == 200
        assert browser.get("/docs").status_code == 200 and browser.get("/openapi.json").status_code == 200


def test_the_login_page_describes_no_endpoint(login_server: Server) -> None:
    page = httpx.get(f"{login_server.url}/", timeout=30).text
    assert '"auth_required":true' in page and '"named_endpoints":{}' in page and "on_ask" not in page


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Accounts, sessions and tokens that last a few seconds, and the default back-off (5 failures a minute)."""
    root = tmp_path_factory.mktemp("guarded-server")
    env = {"NETZERO_AUTH": f"alice:{ACCOUNTS['alice']}", "NETZERO_SESSION_HOURS": str(SESSION_S / 3600)}
    with running_server(root, write_sample_docs(root / "docs"), **env) as server:
        yield server


def test_sessions_and_tokens_expire_after_the_configured_lifetime(guarded_server: Server) -> None:
    with httpx.Client(base_url=guarded_server.url, timeout=30) as browser:
        assert browser.post("/login", data={"username": "alice", "password": ACCOUNTS["alice"]}).status_code == 200
        issued = browser.post("/api/v1/token", auth=("alice", ACCOUNTS["alice"])).json()
        bearer = {"Authorization": f"Bearer {issued['access_token']}"}
        assert browser.get("/config").status_code == 200
        assert browser.get("/api/v1/documents", headers=bearer).status_code == 200
        time.sleep(SESSION_S + 1.5)
        assert browser.get("/config").status_code == 401
        assert browser.get("/api/v1/documents", headers=bearer).status_code == 401


def test_password_guessing_is_locked_after_five_failures(guarded_server: Server) -> None:
    """Runs after the session test: the lock covers this address too, for every user."""
    statuses = []
    with httpx.Client(base_url=guarded_server.url, timeout=30) as guesser:
        for attempt in range(30):
            guess = guesser.post("/login", data={"username": "alice", "password": f"guess-{attempt}"})
            statuses.append(guess.status_code)
        right = guesser.post("/login", data={"username": "alice", "password": ACCOUNTS["alice"]})
        token = guesser.post("/api/v1/token", auth=("alice", ACCOUNTS["alice"]))
    assert statuses[:5] == [400] * 5 and statuses[5:] == [429] * 25
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 200
    assert "try again" in right.json()["detail"] and has_protective_headers(right)
    assert token.status_code == 429
