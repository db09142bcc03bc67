"""A process hears the batches of read models projected elsewhere (PostgreSQL's NOTIFY),
so it knows their positions without asking the store - and never knows one it may have
missed news of."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.runtime import Runtime, service_over
from api.settings import Settings
from infrastructure.daemon.live import Hearing, LiveProjection
from infrastructure.daemon.rebuild import rebuild
from infrastructure.postgres.listener import Listener
from infrastructure.read_store import PostgresReadStore
from infrastructure.storage import Storage, open_storage
from projections.order_list import OrderListProjection
from tests.api.conftest import signed_in
from tests.projections.scenario import write_scenario


def _order_list(storage: Storage, hearing: Hearing | None = None) -> LiveProjection:
    return LiveProjection("order_list", OrderListProjection, storage.log, storage.mapper,
                          storage.read_store, hearing=hearing)  # fmt: skip


def _eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def listening(postgres_url: str) -> Iterator[tuple[Storage, LiveProjection, LiveProjection]]:
    """(storage, a worker's order list, a reader's that hears it), the reader listening."""
    storage = open_storage(postgres_url)
    read_store = storage.read_store
    assert isinstance(read_store, PostgresReadStore)
    hearing = Hearing(read_store.channel_name)
    worker, reader = _order_list(storage), _order_list(storage, hearing)
    listener = Listener(postgres_url, [hearing])
    stop = threading.Event()
    thread = threading.Thread(target=listener.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert listener.listening.wait(5)
        yield storage, worker, reader
    finally:
        stop.set()
        thread.join(5)
        storage.close()


@pytest.mark.postgres
def test_a_reader_hears_each_batch_committed_elsewhere_until_it_stops_listening(
    listening: tuple[Storage, LiveProjection, LiveProjection],
) -> None:
    storage, worker, reader = listening
    assert reader.position() == 0
    write_scenario(service_over(storage), orders=2)
    worker.catch_up()
    projected = worker.runner.position()
    assert projected > 0
    # max_age 0: no position read counts; only what was heard since listening began
    assert _eventually(lambda: reader.recent_position(max_age=0.0) == projected)
    assert reader.hearing is not None
    reader.hearing.deaf()  # as when the connection is lost
    assert reader.recent_position(max_age=0.0) is None
    assert reader.recent_position(max_age=60.0) == projected  # read a moment ago, as before


@pytest.mark.postgres
def test_a_reader_hears_of_a_rebuild_and_reads_the_new_copy_at_once(
    listening: tuple[Storage, LiveProjection, LiveProjection],
) -> None:
    storage, worker, reader = listening
    write_scenario(service_over(storage), orders=2)
    worker.catch_up()
    assert _eventually(lambda: reader.recent_position(max_age=60.0) is not None)
    assert rebuild(worker) == "order_list_g1"
    # the new copy's catch-up batches were not the copy in service: only the switch counts
    assert _eventually(lambda: reader.recent_position(max_age=60.0) is None)
    assert reader.copy == "order_list"
    assert reader.position() == worker.position()  # looked up now, not a second later
    assert reader.copy == "order_list_g1"
    write_scenario(service_over(storage), orders=1)
    worker.catch_up()
    assert _eventually(lambda: reader.recent_position(max_age=0.0) == worker.runner.position())


def test_what_a_reader_learnt_before_it_began_listening_it_reads_again(storage: Storage) -> None:
    hearing = Hearing("channel")
    reader = _order_list(storage, hearing)
    write_scenario(service_over(storage), orders=1)
    _order_list(storage).catch_up()
    stored = reader.position()
    assert reader.recent_position(max_age=0.0) is None  # not listening: as old as it is
    hearing.listening()
    assert reader.recent_position(max_age=0.0) is None  # news may have been missed
    assert reader.position() == stored
    assert reader.recent_position(max_age=0.0) == stored
    hearing.heard(f"order_list {stored - 1}")  # a late notification never sets it back
    hearing.heard(f"order_list_g1 {stored + 5}")  # a copy being built, not in service
    hearing.heard(f"reference {stored + 5}")  # a copy of no projection it reads
    assert reader.recent_position(max_age=0.0) == stored
    hearing.heard(f"order_list {stored + 5}")
    assert reader.recent_position(max_age=0.0) == stored + 5


@pytest.mark.postgres
def test_an_api_process_hears_the_batches_of_a_worker(postgres_url: str, tmp_path: Path) -> None:
    runtime = Runtime(Settings(database_url=postgres_url, data_dir=str(tmp_path),
                               run_projections=False, run_clock=False))  # fmt: skip
    try:
        with signed_in(runtime):  # the app's lifespan starts its loop, and the listener on it
            hearing = runtime.hearing
            assert hearing is not None
            assert _eventually(lambda: hearing.since is not None)
            served = runtime.projections["order_list"]
            assert served.position() == 0  # a first read, since listening: copy and position
            write_scenario(runtime.service, orders=2)
            worker = _order_list(runtime.storage)  # a worker's runner on the same store
            worker.catch_up()
            assert _eventually(lambda: served.recent_position(max_age=0.0) == worker.position())
    finally:
        runtime.stop()
