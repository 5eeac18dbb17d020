"""API bearer tokens and UI sessions that expire. A token is signed (HMAC-SHA256) over the user, its expiry and the
account's password, so it needs no storage, works on every replica that shares ``NETZERO_SECRET``, and dies when it
expires or the password changes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterator, MutableMapping

from assistant.core.accounts import Account


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Issues and checks ``<user>.<expiry>.<signature>`` tokens for the configured accounts."""

    def __init__(self, secret: str, lifetime_s: float, clock: Callable[[], float] = time.time) -> None:
        self._key = secret.encode("utf-8") if secret else secrets.token_bytes(32)
        self.lifetime_s = lifetime_s
        self._clock = clock

    def _signature(self, user_part: str, expiry: int, account: Account) -> str:
        password = hashlib.sha256(account.password.encode("utf-8")).hexdigest()
        message = f"{user_part}.{expiry}.{password}".encode()
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def issue(self, account: Account) -> str:
        """A token for ``account``, valid for ``lifetime_s`` seconds."""
        user_part = _b64(account.user.encode("utf-8"))
        expiry = int(self._clock() + self.lifetime_s)
        return f"{user_part}.{expiry}.{self._signature(user_part, expiry, account)}"

    def verify(self, token: str, accounts: list[Account]) -> Account | None:
        """The account a valid, unexpired token was issued to; None for anything else."""
        parts = token.strip().split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        user_part, expiry, signature = parts[0], int(parts[1]), parts[2]
        if expiry <= self._clock():
            return None
        try:
            user = _unb64(user_part).decode("utf-8")
        except ValueError:
            return None
        account = next((a for a in accounts if a.user == user), None)
        expected = self._signature(user_part, expiry, account) if account else ""
        if account is None or not hmac.compare_digest(signature.encode(), expected.encode()):
            return None
        return account


class ExpiringSessions(MutableMapping[str, str]):
    """Gradio's table of signed-in browser sessions (cookie token → user), where a session ends ``lifetime_s``
    after sign-in: gradio's own table keeps them for the life of the process."""

    def __init__(self, lifetime_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.lifetime_s = lifetime_s
        self._clock = clock
        self._sessions: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def __getitem__(self, token: str) -> str:
        with self._lock:
            user, started = self._sessions[token]
            if self._clock() - started >= self.lifetime_s:
                del self._sessions[token]
                raise KeyError(token)
            return user

    def __setitem__(self, token: str, user: str) -> None:
        with self._lock:
            self._sessions[token] = (user, self._clock())

    def __delitem__(self, token: str) -> None:
        with self._lock:
            del self._sessions[token]

    def __iter__(self) -> Iterator[str]:
        now = self._clock()
        with self._lock:
            live = [t for t, (_, started) in self._sessions.items() if now - started < self.lifetime_s]
        return iter(live)

    def __len__(self) -> int:
        return sum(1 for _ in self)
