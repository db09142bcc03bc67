"""Read answers are kept while the read model stands still, and never once it has moved."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from litestar.testing import TestClient

from api.read_cache import ReadCache
from api.runtime import Runtime
from tests.api.conftest import order_body


def body(cache: ReadCache, model: Any, asked: str, compute: Any) -> bytes:
    return bytes(cache.answer(model, asked, compute).content)


@dataclass
class Model:
    """Stands for a live projection: a copy and its position."""

    position_now: int = 7
    copy: str = "order_list"

    def position(self) -> int:
        return self.position_now


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
