"""Read answers are kept while the read model stands still, and never once it has moved."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from litestar.testing import TestClient

from api.read_cache import ReadCache
from api.runtime import Runtime
from infrastructure.daemon.live import LiveProjection
from projections.order_list import OrderListProjection
from tests.api.conftest import order_body


def body(cache: ReadCache, model: Any, asked: str, compute: Any, wait: int | None = None) -> bytes:
    return bytes(asyncio.run(cache.answer(model, asked, compute, wait)).content)


@dataclass
class Model:
    """Stands for a live projection: a copy, its position and what was seen of it lately."""

    position_now: int = 7
    copy: str = "order_list"
    seen: int | None = None  # what recent_position answers (None: nothing seen lately)
    age: float = 0.0  # seconds since it was seen
    asked: int = 0  # how often the store was asked
    delay: float = 0.0  # how long the store takes to answer

    def position(self) -> int:
        self.asked += 1
        time.sleep(self.delay)
        return self.position_now

    def recent_position(self, max_age: float) -> int | None:
        return self.seen if self.age <= max_age else None


def test_an_answer_is_computed_once_per_position_and_per_copy() -> None:
    cache, model, computed = ReadCache(size=2), Model(), []

    def compute(position: int) -> dict[str, int]:
        computed.append(position)
        return {"at": position, "n": len(computed)}

    assert body(cache, model, "q", compute) == b'{"at":7,"n":1}'
    assert body(cache, model, "q", compute) == b'{"at":7,"n":1}'  # kept
    model.position_now = 8
    assert body(cache, model, "q", compute) == b'{"at":8,"n":2}'  # the model moved
    model.copy = "order_list_rebuilt"
    assert body(cache, model, "q", compute) == b'{"at":8,"n":3}'  # another copy
    body(cache, model, "other", compute)
    body(cache, model, "third", compute)  # "q" was the least recently used: dropped
    body(cache, model, "q", compute)
    assert computed == [7, 8, 8, 8, 8, 8]


def test_a_kept_answer_at_a_position_seen_lately_costs_no_query() -> None:
    cache, model, computed = ReadCache(), Model(), []

    def compute(position: int) -> int:
        computed.append(position)
        return position

    assert body(cache, model, "q", compute) == b"7"
    asked = model.asked
    model.seen = 7
    assert [body(cache, model, "q", compute) for _ in range(3)] == [b"7"] * 3
    assert (model.asked, computed) == (asked, [7])  # answered without asking the store
    model.position_now, model.seen = 8, 8
    assert body(cache, model, "q", compute) == b"8"  # seen to move: computed afresh
    model.position_now = 9
    assert body(cache, model, "q", compute, wait=9) == b"9"  # waits past what was seen
    assert computed == [7, 8, 9]


def test_an_answer_computed_afresh_is_computed_at_the_position_seen_lately() -> None:
    cache, model, computed = ReadCache(size=0), Model(seen=7), []  # size 0: nothing kept

    def compute(position: int) -> int:
        computed.append(position)
        return position

    assert [body(cache, model, "q", compute) for _ in range(3)] == [b"7"] * 3
    assert (model.asked, computed) == (0, [7, 7, 7])  # the store was not asked again
    model.position_now = 9
    assert body(cache, model, "q", compute, wait=9) == b"9"  # past what was seen: read
    assert model.asked > 0


def test_a_kept_answer_trails_its_moving_read_model_never_past_a_wait() -> None:
    cache, model, computed = ReadCache(trail=0.2), Model(seen=7), []

    def compute(position: int) -> int:
        computed.append(position)
        return position

    assert body(cache, model, "q", compute) == b"7"
    model.position_now = model.seen = 8
    assert body(cache, model, "q", compute) == b"7"  # computed just now: it may trail
    assert body(cache, model, "q", compute, wait=8) == b"8"  # never behind a wait
    model.position_now = model.seen = 9
    time.sleep(0.3)
    assert body(cache, model, "q", compute) == b"8"  # past its trail: given while one
    assert body(cache, model, "q", compute) == b"9"  # thread computes the next
    model.position_now = model.seen = 10
    time.sleep(0.5)
    assert body(cache, model, "q", compute) == b"10"  # past twice its trail: waited for
    assert computed == [7, 8, 9, 10]


def test_a_position_half_its_allowance_old_is_read_again_while_the_kept_answer_serves() -> None:
    cache, model = ReadCache(position_max_age=0.05), Model()
    assert body(cache, model, "q", lambda position: position) == b"7"
    model.seen, model.position_now, asked = 7, 8, model.asked
    model.age = 0.01
    assert body(cache, model, "q", lambda position: position) == b"7"
    assert model.asked == asked  # fresh enough: nothing asked
    model.age = 0.03
    assert body(cache, model, "q", lambda position: position) == b"7"  # still within 50 ms
    assert model.asked == asked + 1  # but a thread asked meanwhile
    model.age = 0.06
    assert body(cache, model, "q", lambda position: position) == b"8"  # too old: asked first


def test_requests_finding_the_position_old_wait_together_for_one_read_of_it() -> None:
    cache, model = ReadCache(), Model(delay=0.05)
    assert body(cache, model, "q", lambda position: position) == b"7"
    asked = model.asked

    async def at_once() -> list[bytes]:
        answers = [cache.answer(model, "q", lambda position: position) for _ in range(8)]
        return [bytes(a.content) for a in await asyncio.gather(*answers)]

    assert asyncio.run(at_once()) == [b"7"] * 8
    assert model.asked == asked + 1


def test_questions_asked_at_once_are_computed_once() -> None:
    cache, model, computed = ReadCache(), Model(), []

    def slow(position: int) -> int:
        computed.append(position)
        time.sleep(0.05)
        return position

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: body(cache, model, "board", slow), range(8)))
    assert (answers, computed) == ([b"7"] * 8, [7])


def test_a_cached_answer_never_hides_a_newer_write(
    client: TestClient[Any], runtime: Runtime
) -> None:
    head = runtime.storage.read_store.head()
    settled = {"limit": 5, "wait_for_position": head}
    page = client.get("/orders", params=settled).json()
    board = client.get("/dashboards/in-progress", params={"wait_for_position": head}).json()
    assert client.get("/orders", params=settled).json()["items"] == page["items"]
    placed = client.post("/orders", json=order_body("CACHE-1")).json()
    after = {"wait_for_position": placed["position"]}
    newer = client.get("/orders", params={"limit": 5, **after}).json()
    assert (newer["total"], newer["position"] >= placed["position"]) == (page["total"] + 1, True)
    moved = client.get("/dashboards/in-progress", params=after).json()
    assert sum(moved["by_stage"].values()) == sum(board["by_stage"].values()) + 1


def test_a_projection_run_here_is_seen_at_its_new_position_at_once(
    client: TestClient[Any], runtime: Runtime
) -> None:
    storage = runtime.storage
    live = LiveProjection("order_list", OrderListProjection, storage.log, storage.mapper,
                          storage.read_store)  # fmt: skip
    assert live.recent_position(max_age=1.0) is None  # nothing seen yet
    placed = client.post("/orders", json=order_body("CACHE-2")).json()
    live.catch_up()
    stored = live.runner.position()  # asks the store, notes nothing
    assert live.recent_position(max_age=1.0) == stored >= placed["position"]
    assert live.recent_position(max_age=0.0) is None  # too old for a zero allowance
