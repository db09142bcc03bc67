"""Our PostgreSQL event log recorder passes the `eventsourcing` library's own test cases
for an application recorder, and keeps notification ids from interleaving; its
notifications say what moved, and the append watcher tells the state cache."""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from datetime import timedelta
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)

from api.runtime import service_over
from application.service import CommandMeta
from domain.deciders import ORDER
from domain.order import commands as cmd
from infrastructure.postgres.listener import Listener, MovedStreams, moved_heads
from infrastructure.postgres.recorder import PostgresLogRecorder
from infrastructure.storage import open_storage
from tests.pg import fresh_datastore
from tests.projections.scenario import START, write_scenario


class _OnAFreshDatabase:
    stack: ExitStack
    datastore: PostgresDatastore

    def setUp(self) -> None:
        self.stack = ExitStack()
        self.datastore = self.stack.enter_context(fresh_datastore())

    def tearDown(self) -> None:
        self.stack.close()

    def create_recorder(self) -> PostgresLogRecorder:
        recorder = PostgresLogRecorder(self.datastore)
        recorder.create_table()
        return recorder


@pytest.mark.postgres
class TestPostgresLogRecorder(_OnAFreshDatabase, ApplicationRecorderTestCase[PostgresLogRecorder]):
    pass


@pytest.mark.postgres
class TestPostgresLogRecorderNotificationIds(
    _OnAFreshDatabase, NonInterleavingNotificationIDsBaseCase
):
    pass


@pytest.mark.postgres
def test_an_append_notifies_each_stream_it_moved_and_its_new_version(postgres_url: str) -> None:
    storage = open_storage(postgres_url)
    recorder = storage.log
    assert isinstance(recorder, PostgresLogRecorder)
    a, b = uuid4(), uuid4()
    try:
        with psycopg.connect(postgres_url, autocommit=True) as listener:
            listener.execute(f'LISTEN "{recorder.channel_name}"')
            recorder.insert_events([_stored(a, 1), _stored(a, 2), _stored(b, 1)])
            many = [_stored(uuid4(), 1) for _ in range(300)]  # too many to name in 8,000 bytes
            recorder.insert_events(many)
            said = [n.payload for n in listener.notifies(timeout=5, stop_after=2)]
    finally:
        storage.close()
    assert moved_heads(said[0]) == {a: 2, b: 1}
    assert said[1] == ""
    assert moved_heads(said[1]) is None


def _stored(stream: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id=stream, originator_version=version, topic="t", state=b"{}")


@pytest.mark.postgres
def test_the_watcher_tells_the_cache_what_another_process_moved(postgres_url: str) -> None:
    ours, theirs = open_storage(postgres_url), open_storage(postgres_url)
    stop = threading.Event()
    try:
        service = service_over(ours)
        watcher = Listener(postgres_url, [MovedStreams(ours.log.channel_name, service.cache)])  # type: ignore[attr-defined]
        thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
        thread.start()
        order_id = write_scenario(service, orders=1)[0]
        state = service.load(ORDER, order_id)
        assert watcher.listening.wait(5)
        time.sleep(0.2)  # our own appends are heard back without making the state stale
        assert service.cache.get(ORDER, order_id) == state
        feedback = cmd.RecordFeedback(rating=4, comment="好", at=START + timedelta(days=3))
        meta = CommandMeta(command_id="x", actor="t")
        service_over(theirs).execute(ORDER, order_id, feedback, meta)
        deadline = time.monotonic() + 5
        while service.cache.get(ORDER, order_id) is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert service.cache.get(ORDER, order_id) is None
        assert service.cache.start(ORDER, order_id) == state
    finally:
        stop.set()
        thread.join(5)
        ours.close()
        theirs.close()
