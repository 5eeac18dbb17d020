"""Two real servers shared by the server tests: one open (no login), one with accounts and a configured origin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import write_sample_docs
from tests.support.netzero_server import Server, running_server

ALLOWED_ORIGIN = "https://helpdesk.example.org"
ACCOUNTS = {"alice": "wonder-land", "carol": "admin:with:colons"}


@pytest.fixture(scope="session")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("open-server")
    with running_server(root, write_sample_docs(root / "docs")) as server:
        yield server


@pytest.fixture(scope="session")
def login_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("login-server")
    users = root / "users.txt"
    users.write_text(f"alice:{ACCOUNTS['alice']}\ncarol:{ACCOUNTS['carol']}:admin\n", encoding="utf-8")
    env = {"NETZERO_AUTH_FILE": str(users), "NETZERO_CORS_ORIGINS": ALLOWED_ORIGIN, "NETZERO_SECRET": "test-secret"}
    with running_server(root, write_sample_docs(root / "docs"), **env) as server:
        yield server
