"""The coalescer serves requests that queue while it is busy as one batch, and each caller gets its own result."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from assistant.index.coalescing import Coalescer


class Doubler:
    """A batch server that holds its first batch until released, and records every batch it served."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = threading.Event()

    def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.release.wait(timeout=10)
        if -1 in items:
            raise ValueError("a bad item")
        return [2 * item for item in items]


def test_a_lone_request_is_served_alone() -> None:
    server = Doubler()
    server.release.set()
    assert Coalescer(server)(21) == 42
    assert server.batches == [[21]]


def busy_then(
    pool: ThreadPoolExecutor, first: int, waiting: list[int]
) -> tuple[Doubler, Coalescer[int, int], Future, list[Future]]:
    """``first`` holds the server busy while the ``waiting`` items queue behind it; then the server is released."""
    server = Doubler()
    coalescer = Coalescer(server)
    held = pool.submit(coalescer, first)
    while not server.batches:
        time.sleep(0.001)
    queued = [pool.submit(coalescer, item) for item in waiting]
    time.sleep(0.2)  # every waiting caller has queued behind the busy batch
    server.release.set()
    return server, coalescer, held, queued


def test_requests_queued_while_busy_are_served_in_one_batch() -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        server, _, first, waiting = busy_then(pool, 0, [1, 2, 3, 4, 5])
        assert first.result() == 0
        assert [future.result() for future in waiting] == [2, 4, 6, 8, 10]
    assert server.batches[0] == [0]
    assert sorted(server.batches[1]) == [1, 2, 3, 4, 5]
    assert len(server.batches) == 2


def test_an_error_reaches_every_caller_of_its_batch_and_no_other() -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        _, coalescer, first, (bad, good) = busy_then(pool, 1, [-1, 3])
        assert first.result() == 2
        with pytest.raises(ValueError, match="a bad item"):
            bad.result()
        with pytest.raises(ValueError, match="a bad item"):
            good.result()
    assert coalescer(4) == 8  # the next batch is served as usual


def test_an_exception_returned_for_one_item_reaches_its_caller_alone() -> None:
    coalescer = Coalescer(lambda items: [ValueError(f"no {n}") if n < 0 else n for n in items])
    with pytest.raises(ValueError, match="no -1"):
        coalescer(-1)
    assert coalescer(5) == 5
