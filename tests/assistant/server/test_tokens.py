"""API tokens (signed, expiring, tied to the password) and the UI's expiring session table."""

from __future__ import annotations

from assistant.core.accounts import Account, Role
from assistant.server.tokens import ExpiringSessions, TokenSigner

ALICE = Account("alice", "wonder-land")
CAROL = Account("carol.b", "admin:with:colons", Role.ADMIN)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_names_its_account_until_it_expires() -> None:
    clock = Clock()
    signer = TokenSigner("secret", lifetime_s=3600, clock=clock)
    token = signer.issue(CAROL)
    assert signer.verify(token, [ALICE, CAROL]) == CAROL
    clock.now += 3599
    assert signer.verify(token, [ALICE, CAROL]) == CAROL
    clock.now += 1
    assert signer.verify(token, [ALICE, CAROL]) is None


def test_tampered_foreign_or_revoked_tokens_are_refused() -> None:
    signer = TokenSigner("secret", lifetime_s=3600)
    token = signer.issue(ALICE)
    user, expiry, signature = token.split(".")
    assert signer.verify(f"{user}.{int(expiry) + 999}.{signature}", [ALICE]) is None
    assert signer.verify(token.replace(user, TokenSigner("x", 1).issue(CAROL).split(".")[0]), [ALICE, CAROL]) is None
    assert TokenSigner("another secret", lifetime_s=3600).verify(token, [ALICE]) is None
    assert signer.verify(token, [Account("alice", "a new password")]) is None  # a changed password revokes
    assert signer.verify(token, [CAROL]) is None  # the account was removed
    for junk in ("", "a.b", "a.b.c", "!!!.1.x", "ü.99999999999.ä"):
        assert signer.verify(junk, [ALICE]) is None


def test_without_a_secret_tokens_live_only_in_their_process() -> None:
    token = TokenSigner("", lifetime_s=3600).issue(ALICE)
    assert TokenSigner("", lifetime_s=3600).verify(token, [ALICE]) is None


def test_ui_sessions_end_after_their_lifetime() -> None:
    clock = Clock()
    sessions = ExpiringSessions(lifetime_s=60, clock=clock)
    sessions["t1"] = "alice"
    clock.now += 30
    sessions["t2"] = "carol"
    assert sessions.get("t1") == "alice" and "t2" in sessions and len(sessions) == 2
    clock.now += 30
    assert sessions.get("t1") is None and "t1" not in sessions and list(sessions) == ["t2"]
    del sessions["t2"]
    assert len(sessions) == 0
