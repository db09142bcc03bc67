"""A failing event is parked: the projection stops there, says so, and resumes on retry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from api.runtime import service_over
from domain.order.events import OrderCancelled
from infrastructure.daemon import parking
from infrastructure.daemon.runner import ProjectionRunner
from infrastructure.read_store import Tx
from infrastructure.storage import Storage, open_storage
from projections.order_list import OrderListProjection
from tests.projections.scenario import write_scenario
from tests.projections.test_order_list import dump


class BrokenOnCancel:
    """The order list with a bug that only cancelled orders reveal, until it is fixed."""

    def __init__(self) -> None:
        self.inner = OrderListProjection("order_list")
        self.name = self.inner.name
        self.topics = self.inner.topics
        self.fixed = False

    def schema(self) -> list[str]:
        return self.inner.schema()

    def tables(self) -> list[str]:
        return self.inner.tables()

    def apply(self, tx: Tx, events: Sequence[Any]) -> None:
        if any(isinstance(r.event, OrderCancelled) for r in events) and not self.fixed:
            raise ValueError("cannot handle a cancellation")
        self.inner.apply(tx, events)


@pytest.fixture
def storage(store_settings: tuple[str, str]) -> Iterator[Storage]:
    database_url, sqlite_path = store_settings
    store = open_storage(database_url, sqlite_path)
    write_scenario(service_over(store), orders=12)
    yield store
    store.close()


def _positions_of_cancellations(storage: Storage) -> list[int]:
    notes = storage.log.select_notifications(start=None, limit=100_000)
    return [n.id for n in notes if n.topic == "OrderCancelled"]


def test_the_failing_event_is_parked_and_the_projection_stops_before_it(storage: Storage) -> None:
    broken = BrokenOnCancel()
    runner = ProjectionRunner(
        broken, storage.log, storage.mapper, storage.read_store, batch_size=50
    )
    runner.catch_up()
    first_cancel = _positions_of_cancellations(storage)[0]
    assert runner.position() == first_cancel - 1
    found = runner.parked()
    assert found is not None
    assert (found.position, found.topic) == (first_cancel, "OrderCancelled")
    assert "cannot handle a cancellation" in found.error
    assert runner.run_once() == 0  # it waits for a retry, it does not skip

    broken.fixed = True
    assert parking.release(storage.read_store, "order_list")
    runner.catch_up()
    assert runner.parked() is None
    assert runner.position() == storage.read_store.head()
    ProjectionRunner(
        OrderListProjection("reference"), storage.log, storage.mapper, storage.read_store
    ).catch_up()
    assert dump(storage, "order_list") == dump(storage, "reference")


def test_releasing_a_projection_that_is_not_parked_says_so(storage: Storage) -> None:
    ProjectionRunner(OrderListProjection(), storage.log, storage.mapper, storage.read_store)
    assert not parking.release(storage.read_store, "order_list")
