"""What every route of the server shares: the settings, the one Assistant, the indexing job, the accounts and the
sign-in guard, the token signer and the UI's session table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from assistant.api import Assistant
from assistant.core.accounts import Account, accounts
from assistant.core.config import Settings
from assistant.server.signin import SignInGuard
from assistant.server.tokens import ExpiringSessions, TokenSigner
from ingest.jobs import IndexingJob


@dataclass
class Service:
    """One per server process; routes reach it through ``request.app.state.service``."""

    settings: Settings
    assistant: Assistant
    job: IndexingJob
    accounts: list[Account]
    guard: SignInGuard
    signer: TokenSigner
    sessions: ExpiringSessions
    ui: Any = field(default=None)  # the mounted gradio App, for its session cookie's name

    @classmethod
    def create(cls, settings: Settings, assistant: Assistant | None = None) -> "Service":
        """The service for ``settings``; a malformed account entry is a ``ValueError`` naming where it is."""
        lifetime_s = settings.session_hours * 3600
        return cls(
            settings=settings,
            assistant=assistant or Assistant(settings),
            job=IndexingJob(settings),
            accounts=accounts(settings),
            guard=SignInGuard(settings.signin_failures, settings.signin_window_s, settings.signin_lock_s),
            signer=TokenSigner(settings.secret, lifetime_s),
            sessions=ExpiringSessions(lifetime_s),
        )

    @property
    def login(self) -> bool:
        """Whether sign-in is configured: then the UI asks for it and the API wants a bearer token."""
        return bool(self.accounts)

    def ui_user(self, request: Request) -> str | None:
        """The user signed in to the UI in this browser (its session cookie), if any."""
        if self.ui is None:
            return None
        cookie_id = self.ui.cookie_id
        token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
            f"access-token-unsecure-{cookie_id}"
        )
        return self.sessions.get(token) if token else None


def service(request: Request) -> Service:
    """The route dependency that hands a handler the shared service."""
    return request.app.state.service
