"""Sign-in back-off: repeated failures lock a user name and the address they came from for a while, so passwords
cannot be guessed at the speed of the network. One guard serves the UI's login form and the API's token endpoint."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0


class SignInGuard:
    """Counts failed sign-ins per user and per address; ``max_failures`` within ``window_s`` lock both for
    ``lock_s`` seconds, during which even the right password is refused. Thread-safe."""

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 60.0,
        lock_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_failures < 1:
            raise ValueError("signin_failures: must be at least 1")
        self.max_failures, self.window_s, self.lock_s = max_failures, window_s, lock_s
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(user: str, address: str) -> list[str]:
        return [f"user:{user.strip().lower()}"] * bool(user.strip()) + [f"address:{address}"] * bool(address)

    def retry_after(self, user: str, address: str) -> float:
        """Seconds until ``user`` from ``address`` may try again; 0 when neither is locked."""
        now = self._clock()
        with self._lock:
            waits = [self._records[k].locked_until - now for k in self._keys(user, address) if k in self._records]
        return max([0.0, *waits])

    def failed(self, user: str, address: str) -> None:
        """Count a failed attempt; the one that reaches the threshold starts the lock."""
        now = self._clock()
        with self._lock:
            self._forget_stale(now)
            for key in self._keys(user, address):
                record = self._records.setdefault(key, _Record())
                record.failures.append(now)
                while record.failures and record.failures[0] <= now - self.window_s:
                    record.failures.popleft()
                if len(record.failures) >= self.max_failures:
                    record.locked_until = now + self.lock_s
                    record.failures.clear()

    def succeeded(self, user: str, address: str) -> None:
        """A right password outside a lock clears the user's and the address's failures."""
        with self._lock:
            for key in self._keys(user, address):
                self._records.pop(key, None)

    def _forget_stale(self, now: float) -> None:
        """Drop records with no recent failure and no lock, so guessing many names does not grow memory forever."""
        stale = [
            k
            for k, r in self._records.items()
            if r.locked_until <= now and (not r.failures or r.failures[-1] <= now - self.window_s)
        ]
        for key in stale:
            del self._records[key]
