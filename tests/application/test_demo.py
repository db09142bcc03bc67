"""The demo data set: realistic coverage, idempotent loading, deterministic content."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import get_args
from uuid import UUID

import msgspec
import pytest

from api.runtime import service_over
from application.demo import DemoSummary, load_demo
from application.demo_data import CST
from application.service import ApplicationService
from application.state_cache import StateCache
from domain.decider import topic_of
from domain.deciders import DECIDER_BY_TOPIC, ORDER
from domain.order import OrderEvent
from domain.order.events import Channel
from infrastructure.storage import Storage, open_storage

TODAY = date(2025, 12, 20)
ORDERS = 60


@dataclass
class Loaded:
    storage: Storage
    summary: DemoSummary
    service: ApplicationService  # the one that wrote it, its state cache warm


def _load(path: Path) -> Loaded:
    storage = open_storage(sqlite_path=str(path))
    service = service_over(storage)
    summary = load_demo(service, orders=ORDERS, today=TODAY)
    return Loaded(storage=storage, summary=summary, service=service)


def _topics(storage: Storage) -> list[tuple[str, UUID]]:
    notifications = storage.log.select_notifications(start=1, limit=1_000_000)
    return [(n.topic, UUID(str(n.originator_id))) for n in notifications]


def _order_ids(storage: Storage) -> list[UUID]:
    return [oid for topic, oid in _topics(storage) if topic == "OrderPlaced"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    loaded = _load(tmp_path_factory.mktemp("demo") / "demo.db")
    yield loaded
    loaded.storage.close()


def test_demo_covers_every_channel_and_order_type(demo: Loaded) -> None:
    assert set(demo.summary.by_channel) == {c.value for c in Channel}
    assert set(demo.summary.by_order_type) == {"equipment", "standard_parts", "software"}
    assert demo.summary.orders == ORDERS
    assert len(_order_ids(demo.storage)) == ORDERS + demo.summary.orders_from_quotes


def test_demo_orders_are_spread_over_the_stages(demo: Loaded) -> None:
    by_stage = demo.summary.by_stage
    assert len(set(by_stage) - {"cancelled"}) >= 5
    assert by_stage.get("completed", 0) > 0
    assert by_stage.get("pending_confirmation", 0) > 0
    assert sum(by_stage.values()) == ORDERS


def test_demo_exercises_approvals_and_counts_its_events(demo: Loaded) -> None:
    topics = [topic for topic, _ in _topics(demo.storage)]
    assert topics.count("OrderApproved") > 0
    order_topics = {topic_of(cls) for cls in get_args(OrderEvent)}
    order_events = [t for t in topics if t in order_topics]
    assert demo.summary.events == len(order_events)


def test_demo_never_dates_a_fact_after_today(demo: Loaded) -> None:
    service = service_over(demo.storage)
    start_of_today = datetime.combine(TODAY, datetime.min.time(), CST)
    for order_id in _order_ids(demo.storage):
        for recorded in service.history(order_id):
            facts = msgspec.structs.asdict(recorded.event).values()
            assert all(v < start_of_today for v in facts if isinstance(v, datetime))


def test_loading_again_writes_nothing(demo: Loaded) -> None:
    service = service_over(demo.storage)
    head = demo.storage.read_store.head()
    again = load_demo(service, orders=ORDERS, today=TODAY)
    # Without a date, the set keeps the day it was first loaded on.
    later = load_demo(service, orders=ORDERS)
    assert demo.storage.read_store.head() == head
    assert again == later == demo.summary


def test_a_different_today_on_the_same_database_is_refused(demo: Loaded) -> None:
    with pytest.raises(ValueError, match="as of 2025-12-20"):
        load_demo(service_over(demo.storage), orders=1, today=date(2026, 1, 5))


def test_same_seed_gives_the_same_orders(demo: Loaded, tmp_path: Path) -> None:
    other = _load(tmp_path / "again.db")
    try:
        ids = _order_ids(demo.storage)
        assert sorted(ids) == sorted(_order_ids(other.storage))
        first, second = service_over(demo.storage), service_over(other.storage)
        for order_id in ids:
            assert first.load(ORDER, order_id) == second.load(ORDER, order_id)
        assert other.summary == demo.summary
    finally:
        other.storage.close()


def test_every_cached_state_equals_the_state_replayed_from_the_log(demo: Loaded) -> None:
    """The states the writer kept in memory (evolved from the events it decided) are the
    states the stored events give: the cache and the mapper's round trip lose nothing."""
    storage, cached = demo.storage, demo.service
    fresh = ApplicationService(cached.events, None, storage.position_of, cached.clock,
                               cache=StateCache(size=0))  # fmt: skip
    streams = {oid: DECIDER_BY_TOPIC[topic] for topic, oid in _topics(storage)
               if topic in DECIDER_BY_TOPIC}  # fmt: skip
    assert len(streams) > 100
    for stream, decider in streams.items():
        assert cached.cache.get(decider, stream) is not None
        assert cached.load(decider, stream) == fresh.load(decider, stream), decider.name
