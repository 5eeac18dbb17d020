"""The sign-in guard: failures per user and per address lock both after the threshold, for the set time."""

from __future__ import annotations

import pytest

from assistant.server.signin import SignInGuard


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_fifth_failure_in_a_minute_locks_user_and_address(clock: Clock) -> None:
    guard = SignInGuard(max_failures=5, window_s=60, lock_s=300, clock=clock)
    for _ in range(4):
        guard.failed("alice", "10.0.0.1")
        clock.now += 1
    assert guard.retry_after("alice", "10.0.0.1") == 0
    guard.failed("alice", "10.0.0.1")
    assert guard.retry_after("alice", "10.0.0.1") == 300
    assert guard.retry_after("Alice", "10.0.0.9") == 300  # the user, from anywhere
    assert guard.retry_after("bob", "10.0.0.1") == 300  # anyone, from that address
    assert guard.retry_after("bob", "10.0.0.9") == 0
    clock.now += 300
    assert guard.retry_after("alice", "10.0.0.1") == 0


def test_failures_spread_beyond_the_window_do_not_lock(clock: Clock) -> None:
    guard = SignInGuard(max_failures=5, window_s=60, lock_s=300, clock=clock)
    for _ in range(20):
        guard.failed("alice", "10.0.0.1")
        clock.now += 16
    assert guard.retry_after("alice", "10.0.0.1") == 0


def test_success_clears_the_count(clock: Clock) -> None:
    guard = SignInGuard(max_failures=3, window_s=60, lock_s=300, clock=clock)
    guard.failed("alice", "10.0.0.1")
    guard.failed("alice", "10.0.0.1")
    guard.succeeded("alice", "10.0.0.1")
    guard.failed("alice", "10.0.0.1")
    guard.failed("alice", "10.0.0.1")
    assert guard.retry_after("alice", "10.0.0.1") == 0


def test_guessing_many_names_does_not_keep_stale_records(clock: Clock) -> None:
    guard = SignInGuard(max_failures=5, window_s=60, lock_s=300, clock=clock)
    for n in range(1000):
        guard.failed(f"user{n}", "")
    clock.now += 61
    guard.failed("last", "")
    assert len(guard._records) == 1


def test_a_threshold_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="signin_failures"):
        SignInGuard(max_failures=0)
