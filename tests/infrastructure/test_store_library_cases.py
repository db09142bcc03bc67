"""Our read stores are tracking recorders: they pass the library's own test cases."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path

import pytest
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import TrackingRecorderTestCase

from infrastructure.read_store import PostgresReadStore, SQLiteReadStore
from tests.pg import fresh_datastore


class TestSQLiteReadStore(TrackingRecorderTestCase):
    def setUp(self) -> None:
        self.stack = ExitStack()
        directory = self.stack.enter_context(tempfile.TemporaryDirectory())
        self.datastore = SQLiteDatastore(str(Path(directory) / "t.db"))

    def tearDown(self) -> None:
        self.datastore.close()
        self.stack.close()

    def create_recorder(self) -> SQLiteReadStore:
        recorder = SQLiteReadStore(self.datastore)
        recorder.create_table()
        return recorder


@pytest.mark.postgres
class TestPostgresReadStore(TrackingRecorderTestCase):
    def setUp(self) -> None:
        self.stack = ExitStack()
        self.datastore = self.stack.enter_context(fresh_datastore())

    def tearDown(self) -> None:
        self.stack.close()

    def create_recorder(self) -> PostgresReadStore:
        recorder = PostgresReadStore(self.datastore)
        recorder.create_table()
        return recorder
