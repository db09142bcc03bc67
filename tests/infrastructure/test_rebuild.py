"""Blue/green rebuild: a fresh copy beside the live one, identical rows, one switch."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from api.runtime import service_over
from infrastructure.daemon import copies
from infrastructure.daemon.live import FOLLOW_EVERY, LiveProjection
from infrastructure.daemon.rebuild import compare, rebuild
from infrastructure.storage import Storage, open_storage
from projections.order_list import OrderListProjection
from tests.projections.scenario import write_scenario
from tests.projections.test_order_list import dump


@pytest.fixture
def storage(store_settings: tuple[str, str]) -> Iterator[Storage]:
    database_url, sqlite_path = store_settings
    store = open_storage(database_url, sqlite_path)
    write_scenario(service_over(store), orders=10)
    yield store
    store.close()


def live_order_list(storage: Storage) -> LiveProjection:
    return LiveProjection(
        "order_list", OrderListProjection, storage.log, storage.mapper, storage.read_store
    )


def _tables(storage: Storage) -> set[str]:
    with storage.read_store.transaction(commit=False) as tx:
        if storage.backend == "sqlite":
            tx.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            tx.execute("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
        return {row["name"] for row in tx.fetchall()}


def test_rebuild_switches_readers_to_an_identical_copy(storage: Storage) -> None:
    live = live_order_list(storage)
    live.runner.batch_size = 7
    live.catch_up()
    before = dump(storage, "order_list")
    progress: list[tuple[int, int]] = []
    assert (
        rebuild(live, progress=lambda done, total: progress.append((done, total)))
        == "order_list_g1"
    )
    assert copies.active(storage.read_store, "order_list") == "order_list_g1"
    assert live.copy == "order_list_g1"
    assert dump(storage, "order_list_g1") == before
    assert progress[-1][0] == storage.read_store.head()

    write_scenario(service_over(storage), orders=12)  # the new copy keeps following the log
    live.catch_up()
    assert live.position() == storage.read_store.head()
    reference = LiveProjection(
        "reference", OrderListProjection, storage.log, storage.mapper, storage.read_store
    )
    reference.catch_up()
    assert dump(storage, "order_list_g1") == dump(storage, "reference")


def test_a_process_that_does_not_run_the_projection_reads_the_new_copy_after_a_rebuild(
    storage: Storage,
) -> None:
    worker, reader = live_order_list(storage), live_order_list(storage)
    worker.catch_up()
    assert reader.copy == "order_list"
    rebuild(worker)
    time.sleep(FOLLOW_EVERY)
    assert reader.position() == worker.position()  # reading the position looks it up
    assert reader.copy == "order_list_g1"


def test_the_copy_before_last_is_dropped_on_the_next_rebuild(storage: Storage) -> None:
    live = live_order_list(storage)
    live.catch_up()
    rebuild(live)
    assert {"order_list", "order_list_g1"} <= _tables(storage)
    rebuild(live)
    tables = _tables(storage)
    assert "order_list" not in tables
    assert {"order_list_g1", "order_list_g2"} <= tables
    assert storage.read_store.tracked_position("order_list") == 0


def test_compare_finds_nothing_on_a_faithful_copy_and_names_a_tampered_row(
    storage: Storage,
) -> None:
    live = live_order_list(storage)
    live.catch_up()
    assert compare(live) == []
    with storage.read_store.transaction(commit=True) as tx:
        tx.execute("UPDATE order_list SET total = '0.00' WHERE external_ref = 'S-0'")
    differences = compare(live)
    assert [(d.table, d.only_live, d.only_rebuilt) for d in differences] == [("order_list", 1, 1)]
    assert any('"S-0"' in example for example in differences[0].examples)
    assert "order_list_compare" not in _tables(storage)
