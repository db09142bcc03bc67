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
from psycopg.conninfo import conninfo_to_dict

from api.pg_log import PostgresLogRecorder
from tests.pg import fresh_database


class _OnAFreshDatabase:
    stack: ExitStack
    datastore: PostgresDatastore

    def setUp(self) -> None:
        self.stack = ExitStack()
        info = conninfo_to_dict(self.stack.enter_context(fresh_database()))
        self.datastore = PostgresDatastore(
            dbname=str(info["dbname"]), host=str(info["host"]),
            port=str(info.get("port") or 5432), user=str(info["user"]), password="",
        )  # fmt: skip

    def tearDown(self) -> None:
        self.datastore.close()
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
