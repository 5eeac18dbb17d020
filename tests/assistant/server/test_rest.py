"""The REST API v1 of the real running server: the CLI's JSON contracts, streaming, filters, follow-ups, feedback,
logs for admins only, and bearer tokens when login is configured."""

from __future__ import annotations

import json
import re
from importlib.metadata import version

import httpx
import pytest

from tests.assistant.server.conftest import ACCOUNTS
from tests.support.netzero_server import Server

pytestmark = pytest.mark.e2e

SEARCH_KEYS = {"rank", "score", "doc_id", "chunk_id", "title", "source", "page", "section", "date", "text"}
ASK_KEYS = {"question", "mode", "answer", "abstained", "citations", "sources", "timings_ms"}
GRANTS = "How large were the Pilot Cities grants?"


def token(server: Server, user: str) -> dict[str, str]:
    """The Authorization header of a fresh token for ``user``."""
    response = httpx.post(f"{server.url}/api/v1/token", auth=(user, ACCOUNTS[user]), timeout=30)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def markers(answer: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", answer)}


def test_health_reports_index_models_and_version(open_server: Server) -> None:
    health = httpx.get(f"{open_server.url}/api/v1/health", timeout=30).json()
    assert health["status"] == "ok" and health["version"] == version("netzero-assistant")
    assert health["index"]["ready"] and not health["index"]["syncing"] and health["index"]["passages"] >= 3
    assert health["models"]["indexed"] == ["minilm"] and "minilm" in health["models"]["loaded"]
    assert health["answers"] == "extractive" and health["login"] is False


def test_search_follows_the_cli_contract_with_its_filters(open_server: Server) -> None:
    found = httpx.get(f"{open_server.url}/api/v1/search", params={"q": "Lahti coal", "k": 2, "id": "s1"}, timeout=60)
    body = found.json()
    assert found.status_code == 200 and body["id"] == "s1" and body["query"] == "Lahti coal"
    assert 1 <= len(body["results"]) <= 2 and SEARCH_KEYS <= set(body["results"][0])
    assert body["results"][0]["title"] == "Lahti case study" and body["results"][0]["rank"] == 1

    filtered = httpx.get(f"{open_server.url}/api/v1/search", params={"q": "programme", "city": "Lahti"}, timeout=60)
    assert {r["city"] for r in filtered.json()["results"]} == {"Lahti"}

    bad = httpx.get(f"{open_server.url}/api/v1/search", params={"q": "grants", "date_from": "soon"}, timeout=60)
    assert bad.status_code == 422 and "date_from" in bad.json()["detail"]


def test_ask_follows_the_cli_contract(open_server: Server) -> None:
    response = httpx.post(f"{open_server.url}/api/v1/ask", json={"question": GRANTS, "id": "q7"}, timeout=120)
    reply = response.json()
    assert response.status_code == 200 and reply["id"] == "q7" and ASK_KEYS <= set(reply)
    assert not reply["abstained"] and "€1.5 million" in reply["answer"]
    assert markers(reply["answer"]) == {c["n"] for c in reply["citations"]} != set()
    assert reply["citations"][0]["title"] == "Pilot Cities Programme" and reply["citations"][0]["text"]


def test_ask_streams_partial_answers_then_the_reply(open_server: Server) -> None:
    events: list[tuple[str, dict]] = []
    with httpx.stream(
        "POST", f"{open_server.url}/api/v1/ask", json={"question": GRANTS, "stream": True}, timeout=120
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    assert [n for n, _ in events[:-1]] == ["partial"] * (len(events) - 1) and events[-1][0] == "reply"
    final = events[-1][1]
    assert ASK_KEYS <= set(final) and "€1.5 million" in final["answer"]
    assert all(final["answer"].startswith(data["answer"]) for _, data in events[:-1])


def test_ask_takes_earlier_questions_as_follow_up_context(open_server: Server) -> None:
    asked = {"question": "How long does it last?", "history": ["What is the Twinning Learning Programme?"]}
    reply = httpx.post(f"{open_server.url}/api/v1/ask", json=asked, timeout=120).json()
    assert "twinning" in reply["standalone_question"].lower()
    assert "12 months" in reply["answer"] and reply["citations"][0]["title"] == "Twinning Learning Programme"
    alone = httpx.post(f"{open_server.url}/api/v1/ask", json={"question": asked["question"]}, timeout=120).json()
    assert alone["abstained"] and not alone["citations"]


def test_bad_input_is_named(open_server: Server) -> None:
    wrong_mode = httpx.post(f"{open_server.url}/api/v1/ask", json={"question": GRANTS, "mode": "poem"}, timeout=30)
    assert wrong_mode.status_code == 422 and wrong_mode.json()["detail"][0]["loc"] == ["body", "mode"]
    wrong_filter = httpx.post(
        f"{open_server.url}/api/v1/ask", json={"question": GRANTS, "filters": {"colour": "green"}}, timeout=30
    )
    assert wrong_filter.status_code == 422 and "colour" in wrong_filter.json()["detail"]
    empty = httpx.post(f"{open_server.url}/api/v1/ask", json={"question": ""}, timeout=30)
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "question"]


def test_documents_lists_the_library(open_server: Server) -> None:
    library = httpx.get(f"{open_server.url}/api/v1/documents", timeout=30).json()
    assert library["count"] == 3
    titles = {d["title"] for d in library["documents"]}
    assert titles == {"Lahti case study", "Pilot Cities Programme", "Twinning Learning Programme"}
    assert all(d["chunks"] >= 1 for d in library["documents"])


def test_without_accounts_nobody_reads_the_logs(open_server: Server) -> None:
    assert httpx.get(f"{open_server.url}/api/v1/logs/feedback", timeout=30).status_code == 403


def test_login_requires_a_bearer_token_from_the_auth_file(login_server: Server) -> None:
    url = login_server.url
    for method, path in [
        ("GET", "/api/v1/search?q=grants"),
        ("POST", "/api/v1/ask"),
        ("GET", "/api/v1/documents"),
        ("POST", "/api/v1/feedback"),
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
    ]:
        refused = httpx.request(method, f"{url}{path}", json={}, timeout=30)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer", path
    forged = {"Authorization": "Bearer YWxpY2U.99999999999.forged"}
    assert httpx.get(f"{url}/api/v1/documents", headers=forged, timeout=30).status_code == 401
    wrong = httpx.post(f"{url}/api/v1/token", auth=("alice", "not-her-password"), timeout=30)
    assert wrong.status_code == 401
    issued = httpx.post(f"{url}/api/v1/token", auth=("alice", ACCOUNTS["alice"]), timeout=30).json()
    assert issued["token_type"] == "bearer" and issued["role"] == "user" and issued["expires_in"] == 12 * 3600
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    assert httpx.get(f"{url}/api/v1/documents", headers=headers, timeout=30).json()["count"] == 3
    assert httpx.get(f"{url}/api/v1/health", timeout=30).json()["login"] is True


def test_feedback_is_saved_and_only_admins_read_it(login_server: Server) -> None:
    alice, carol = token(login_server, "alice"), token(login_server, "carol")
    reply = httpx.post(f"{login_server.url}/api/v1/ask", json={"question": GRANTS}, headers=alice, timeout=120).json()
    rating = {
        "question": reply["question"],
        "answer": reply["answer"],
        "citations": reply["citations"],
        "helpful": True,
        "comment": "Rated through the REST API",
        "mode": reply["mode"],
    }
    saved = httpx.post(f"{login_server.url}/api/v1/feedback", json=rating, headers=alice, timeout=30)
    assert saved.status_code == 201
    assert httpx.get(f"{login_server.url}/api/v1/logs/feedback", headers=alice, timeout=30).status_code == 403
    rows = httpx.get(f"{login_server.url}/api/v1/logs/feedback", headers=carol, timeout=30).json()["rows"]
    assert rows[0]["comment"] == "Rated through the REST API" and rows[0]["helpful"] == 1
    assert json.loads(rows[0]["sources"])[0]["title"] == "Pilot Cities Programme"
    unknown = httpx.get(f"{login_server.url}/api/v1/logs/passwords", headers=carol, timeout=30)
    assert unknown.status_code == 422
