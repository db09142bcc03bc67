"""Where read models live: the same database as the log, one dialect-neutral door.

Each store is the `eventsourcing` library's tracking recorder for its backend,
so a projection's rows and its tracking position commit in one transaction
(exactly once, restartable anywhere). Projections write plain SQL with `?`
placeholders and portable upserts; the store adapts it to the backend.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import OperationalError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Literal

Row = dict[str, Any]
DDL_LOCK = 0x0D0E_4B_0B  # any fixed bigint, ours alone
_MAX_PARAMS = 999  # bound parameters per statement that every SQLite build accepts


def utc_text(at: datetime) -> str:
    """A time as stored in read models: UTC ISO text, so text order is time order."""
    return at.astimezone(UTC).isoformat()


class Tx:
    """A transaction's cursor, speaking `?` placeholders on every backend."""

    def __init__(self, cursor: Any, *, backend: str) -> None:
        self.raw = cursor
        self.backend = backend  # "postgresql" or "sqlite", for the odd dialect-specific clause
        self._pyformat = backend == "postgresql"

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if self._pyformat else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.raw.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.raw.executemany(self._sql(sql), [tuple(r) for r in rows])

    def select_in(self, query: str, keys: Sequence[Any], order_by: str = "order_id") -> list[Row]:
        """`{query} order_id IN (keys) ORDER BY {order_by}`, for any number of keys."""
        found: list[Row] = []
        for i in range(0, len(keys), _MAX_PARAMS):
            chunk = keys[i : i + _MAX_PARAMS]
            marks = ", ".join("?" * len(chunk))
            self.execute(f"{query} order_id IN ({marks}) ORDER BY {order_by}", chunk)
            found.extend(self.fetchall())
        return found

    def upsert(
        self, table: str, columns: Sequence[str], key: str, rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert `rows`, or update every other column where `key` exists already.

        One prepared statement for all rows (pipelined on PostgreSQL: a round trip
        per batch, not per row); the rows must not repeat a key.
        """
        updated = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key.split(", "))
        self.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join('?' * len(columns))}) ON CONFLICT ({key}) DO UPDATE SET {updated}",
            rows,
        )

    def fetchall(self) -> list[Row]:
        rows = self.raw.fetchall()
        if not rows or isinstance(rows[0], dict):
            return list(rows)  # psycopg's dict rows
        # sqlite3.Row finds a column by name with a linear search: zip once with the names.
        names = [column[0] for column in getattr(self.raw, "sqlite_cursor", self.raw).description]
        return [dict(zip(names, row, strict=True)) for row in rows]

    @property
    def rowcount(self) -> int:
        """Rows the last UPDATE or DELETE touched (for conditional updates: did we win?)."""
        cursor = getattr(self.raw, "sqlite_cursor", self.raw)  # the library wraps SQLite's
        return int(cursor.rowcount)

    def fetchone(self) -> Row | None:
        row = self.raw.fetchone()
        return None if row is None else dict(row)


class ReadStore(ABC):
    """Backend-neutral part; subclasses mix in the library's tracking recorder."""

    backend: str
    events_table: str

    @abstractmethod
    def transaction(self, *, commit: bool) -> AbstractContextManager[Tx]:
        """A transaction on the read-model database (committed if `commit`)."""

    def reading(self) -> AbstractContextManager[Tx]:
        """Read-only statements, for reads that need no two of them to agree: each sees
        the database as it stands when it runs (on PostgreSQL a snapshot of its own,
        on the autocommit connection; here one transaction)."""
        return self.transaction(commit=False)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """The rows of one read-only statement."""
        with self.reading() as tx:
            tx.execute(sql, params)
            return tx.fetchall()

    @abstractmethod
    def create_table(self) -> None:
        """Create the tracking table."""

    @abstractmethod
    def max_tracking_id(self, application_name: str) -> int | None:
        """The last position recorded for a projection."""

    @abstractmethod
    def track(self, tx: Tx, name: str, position: int) -> None:
        """Record a projection's position inside `tx`."""

    @abstractmethod
    def forget(self, tx: Tx, name: str) -> None:
        """Delete a projection copy's tracking position inside `tx`."""

    def create(self, statements: list[str]) -> None:
        """Run CREATE ... IF NOT EXISTS statements, safe when processes start together."""
        with self.transaction(commit=True) as tx:
            self._serialise_ddl(tx)
            for statement in statements:
                tx.execute(statement)

    def _serialise_ddl(self, tx: Tx) -> None:  # noqa: B027 - a hook; SQLite needs none
        """SQLite writers are serialised already."""

    def announce(self, tx: Tx, payload: str) -> None:  # noqa: B027 - a hook; SQLite has none
        """Tell listening processes `payload` when `tx` commits (PostgreSQL's NOTIFY)."""

    def tracked_position(self, name: str) -> int:
        return self.max_tracking_id(name) or 0

    def position_of(self, originator_id: UUID, version: int) -> int:
        """The log position (notification id) of one stored event."""
        rows = self.query(
            f"SELECT {self.position_column} AS position FROM {self.events_table} "  # noqa: S608
            "WHERE originator_id = ? AND originator_version = ?",
            (self._key(originator_id), version),
        )
        if not rows:
            raise LookupError(f"no event {originator_id} v{version} in the log")
        return int(rows[0]["position"])

    def head(self) -> int:
        rows = self.query(f"SELECT MAX({self.position_column}) AS head FROM {self.events_table}")  # noqa: S608
        return int(rows[0]["head"] or 0) if rows else 0

    position_column = "rowid"

    def _key(self, originator_id: UUID) -> Any:
        return originator_id


class SQLiteReadStore(SQLiteTrackingRecorder, ReadStore):
    backend = "sqlite"
    events_table = "stored_events"
    position_column = "rowid"

    def __init__(self, datastore: SQLiteDatastore) -> None:
        super().__init__(datastore)

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Tx]:
        """A write transaction takes the write lock as it begins (BEGIN IMMEDIATE): one
        that read first and then wrote could not wait for another process's writer
        (in WAL mode SQLite refuses such an upgrade at once, whatever the busy
        timeout), while a lock asked for up front waits out the timeout."""
        if not commit:
            with self.datastore.transaction(commit=False) as cursor:
                yield Tx(cursor, backend=self.backend)
            return
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as busy:
                raise OperationalError(busy) from busy
            try:
                with cursor:
                    yield Tx(cursor, backend=self.backend)
            except BaseException:
                connection.rollback()
                raise
            try:
                connection.commit()
            except sqlite3.OperationalError as failed:
                raise OperationalError(failed) from failed

    def track(self, tx: Tx, name: str, position: int) -> None:
        raw: SQLiteCursor = tx.raw
        self._insert_tracking(raw, Tracking(application_name=name, notification_id=position))

    def forget(self, tx: Tx, name: str) -> None:
        tx.execute("DELETE FROM tracking WHERE application_name = ?", (name,))

    def _key(self, originator_id: UUID) -> Any:
        return originator_id.hex


class PostgresReadStore(PostgresTrackingRecorder, ReadStore):
    """On PostgreSQL each tracked position is also announced on `channel_name`
    (`<copy> <position>`, delivered when its batch commits), and each switch of
    readers to another copy (`<copy>`): processes that read a model projected
    elsewhere listen instead of asking the store (see `infrastructure.daemon.live.Hearing`)."""

    backend = "postgresql"
    position_column = "notification_id"

    def __init__(self, datastore: PostgresDatastore) -> None:
        super().__init__(datastore)
        self.events_table = f'"{datastore.schema}".stored_events'
        self.channel_name = f"{datastore.schema}_{self.tracking_table_name}"
        if datastore.single_row_tracking:  # the library's upsert returns the row it wrote
            self.insert_tracking_statement = SQL(
                "WITH tracked AS ({0}) "
                "SELECT notification_id, pg_notify({1}, %(application_name)s || ' ' || "
                "notification_id) FROM tracked"
            ).format(self.insert_tracking_statement, Literal(self.channel_name))

    def announce(self, tx: Tx, payload: str) -> None:
        tx.execute("SELECT pg_notify(?, ?)", (self.channel_name, payload))

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            yield Tx(cursor, backend=self.backend)

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        # On the pool's autocommit connection: a statement is one round trip, not
        # BEGIN, it, ROLLBACK - each a wait for the GIL again in a busy API process.
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            yield Tx(cursor, backend=self.backend)

    def track(self, tx: Tx, name: str, position: int) -> None:
        raw: Cursor[DictRow] = tx.raw
        self._insert_tracking(raw, Tracking(application_name=name, notification_id=position))

    def _serialise_ddl(self, tx: Tx) -> None:
        # Concurrent CREATE ... IF NOT EXISTS can collide in PostgreSQL's catalog;
        # a transaction-scoped advisory lock makes them take turns.
        tx.execute("SELECT pg_advisory_xact_lock(?)", (DDL_LOCK,))

    def forget(self, tx: Tx, name: str) -> None:
        table = f'"{self.datastore.schema}"."{self.tracking_table_name}"'
        tx.execute(f"DELETE FROM {table} WHERE application_name = ?", (name,))  # noqa: S608
