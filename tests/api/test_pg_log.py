"""Our PostgreSQL event log recorder passes the `eventsourcing` library's own test cases
for an application recorder, and keeps notification ids from interleaving."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)

from api.pg_log import PostgresLogRecorder
from tests.pg import fresh_datastore


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
