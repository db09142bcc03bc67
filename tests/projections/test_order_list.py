"""The order list read model: expected rows, and identical rows however it is built."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.runtime import service_over
from domain.order import order_id_for
from domain.order.events import Channel
from infrastructure.daemon import parking
from infrastructure.daemon.runner import ProjectionRunner
from infrastructure.read_store import Tx
from infrastructure.storage import Storage, open_storage
from projections import order_list
from projections.order_list import OrderListProjection
from tests.projections.scenario import write_scenario

_names = itertools.count()


@pytest.fixture
def storage(store_settings: tuple[str, str]) -> Iterator[Storage]:
    database_url, sqlite_path = store_settings
    store = open_storage(database_url, sqlite_path)
    write_scenario(service_over(store))
    yield store
    store.close()


@pytest.fixture(scope="module")
def sqlite_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storage]:
    store = open_storage(sqlite_path=str(tmp_path_factory.mktemp("log") / "log.db"))
    write_scenario(service_over(store), orders=12)
    yield store
    store.close()


def runner(storage: Storage, projection: Any, batch_size: int = 1000) -> ProjectionRunner:
    return ProjectionRunner(
        projection, storage.log, storage.mapper, storage.read_store, batch_size=batch_size
    )


def dump(storage: Storage, table: str) -> list[dict[str, Any]]:
    with storage.read_store.transaction(commit=False) as tx:
        tx.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
        return tx.fetchall()


def test_rows_follow_each_order_life(storage: Storage) -> None:
    runner(storage, OrderListProjection()).catch_up()
    rows = {r["external_ref"]: r for r in dump(storage, "order_list")}
    assert len(rows) == 8
    pending = rows["S-1"]
    assert (pending["stage"], pending["status"], pending["signed_at"]) == (
        "pending_confirmation",
        "open",
        "",
    )
    big = rows["S-0"]
    assert big["pending_approvals"] == ""
    assert big["approvals"] == "sales_director"
    assert big["revision"] == 1
    assert big["total"] == "306900.00"  # 2 x 150,000 + 7,000 - 100
    assert rows["S-2"]["status"] == "on_hold"
    assert rows["S-3"]["status"] == "cancelled"
    assert rows["S-4"]["stage"] == "completed"
    assert rows["S-4"]["status"] == "completed"
    assert rows["S-4"]["closed_at"].endswith("+00:00")
    assert rows["S-4"]["order_id"] == str(order_id_for(Channel.PARTNER_PORTAL, "S-4"))


def test_rebuilt_copy_equals_the_live_one(storage: Storage) -> None:
    live = runner(storage, OrderListProjection(), batch_size=3)
    live.catch_up()
    write_scenario(service_over(storage), orders=10)  # more writes after the first catch-up
    live.catch_up()
    runner(storage, OrderListProjection("order_list_rebuild")).catch_up()
    assert dump(storage, "order_list_rebuild") == dump(storage, "order_list")
    assert dump(storage, "order_list_rebuild_stages") == dump(storage, "order_list_stages")
    assert storage.read_store.tracked_position("order_list") == storage.read_store.head()


class Crash(Exception):
    pass


class CrashingOnce:
    """The order list, failing once at the n-th event it is given (a crash mid-batch)."""

    def __init__(self, name: str, crash_at: int) -> None:
        self.inner = OrderListProjection(name)
        self.name = name
        self.topics = self.inner.topics
        self.crash_at = crash_at
        self.seen = 0

    def schema(self) -> list[str]:
        return self.inner.schema()

    def tables(self) -> list[str]:
        return self.inner.tables()

    def apply(self, tx: Tx, events: Sequence[Any]) -> None:
        before, self.seen = self.seen, self.seen + len(events)
        if before < self.crash_at <= self.seen:
            raise Crash
        self.inner.apply(tx, events)


@given(
    batch_sizes=st.lists(st.integers(1, 40), min_size=1, max_size=8), crash_at=st.integers(1, 120)
)
def test_any_batching_and_a_crash_anywhere_give_the_same_rows(
    sqlite_log: Storage, batch_sizes: list[int], crash_at: int
) -> None:
    reference = f"ol_ref_{next(_names)}"
    runner(sqlite_log, OrderListProjection(reference)).catch_up()
    name = f"ol_{next(_names)}"
    projection = CrashingOnce(name, crash_at)
    sizes = itertools.cycle(batch_sizes)
    while True:
        step = runner(sqlite_log, projection, batch_size=next(sizes))  # a restart, each time
        try:
            if not step.run_once():
                break
        except Crash:
            continue
    assert dump(sqlite_log, name) == dump(sqlite_log, reference)
    assert dump(sqlite_log, f"{name}_stages") == dump(sqlite_log, f"{reference}_stages")
    assert sqlite_log.read_store.tracked_position(name) == sqlite_log.read_store.head()


def test_unknown_rows_are_not_invented_for_non_order_streams(tmp_path: Path) -> None:
    store = open_storage(sqlite_path=str(tmp_path / "x.db"))
    write_scenario(service_over(store), orders=0)  # only the rulebook
    runner(store, OrderListProjection()).catch_up()
    assert dump(store, "order_list") == []
    store.close()


def test_runners_racing_on_one_projection_apply_each_event_once(storage: Storage) -> None:
    write_scenario(service_over(storage), orders=12)

    def race(_: int) -> None:
        runner(storage, OrderListProjection("raced"), batch_size=5).catch_up()

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(race, range(3)))
    runner(storage, OrderListProjection("alone")).catch_up()
    assert parking.parked(storage.read_store) == []
    assert dump(storage, "raced") == dump(storage, "alone")
    assert dump(storage, "raced_stages") == dump(storage, "alone_stages")


def test_a_page_reads_the_columns_asked_and_counts_every_match(storage: Storage) -> None:
    ProjectionRunner(
        OrderListProjection(), storage.log, storage.mapper, storage.read_store
    ).catch_up()
    store, columns = storage.read_store, ["order_id", "status"]
    rows, matching = order_list.query(store, {}, columns, limit=2, offset=0)
    assert [set(row) for row in rows] == [set(columns)] * 2  # not every column (lines...)
    everything = order_list.query(store, {}, columns, limit=500, offset=0)[0]
    assert matching == len(everything) > 2
    assert order_list.query(store, {}, columns, limit=2, offset=matching) == ([], matching)
