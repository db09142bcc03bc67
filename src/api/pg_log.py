"""The PostgreSQL event log's recorder: the library's, with each append one round trip.

The `eventsourcing` library's `PostgresApplicationRecorder` appends in a
pipelined transaction - lock the table, notify, insert, sync to surface a
conflict, commit - that costs two round trips and dumps each row as a composite
value in Python. This recorder sends one statement instead: a function that
takes the rows as four plain arrays (binary-dumped by psycopg) and, inside the
statement's own transaction on the pool's autocommit connection, takes the same
EXCLUSIVE table lock, notifies, inserts and returns the notification ids. The
commit is the statement's end, so the round trip includes it.

The notification says what moved: each stream appended to and its new last
version, `<uuid> <version>` joined by commas (empty when that would not fit in a
notification's 8,000 bytes: then anything may have moved). A `Listener` hears
it in each process and `MovedStreams` tells the service's state cache, so a
command on an aggregate another process changed reads it first instead of
having its append refused (the library's own listeners only need the wake-up).

Everything else - the table, its indexes, reads, subscriptions - is the
library's. The lock is what keeps notification ids in commit order (a reader
never passes a gap that fills in later): it is taken before the sequence hands
out ids and held until commit, as in the library. A conflict on
(originator_id, originator_version) raises the library's `IntegrityError` and
writes nothing. The library's own recorder test cases run against this class in
tests/api/test_pg_log.py.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import threading
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, Self
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import pq
from psycopg.abc import AdaptContext, Buffer
from psycopg.adapt import Dumper
from psycopg.sql import SQL, Identifier, Literal
from psycopg_pool import AsyncConnectionPool

from domain.codec import MsgspecMapper
from domain.envelope import Recorded
from domain.service import StateCache

log = logging.getLogger(__name__)


class PostgresLogRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema, table = datastore.schema, self.events_table_name
        function = Identifier(f"orderhub_append_{table}"[:63])
        id_type = datastore.originator_id_type
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}("
                "ids {id_type}[], versions bigint[], topics text[], states bytea[]) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ BEGIN "
                "SET LOCAL lock_timeout = '{timeout}s'; "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "PERFORM pg_notify({channel}, CASE WHEN length(heads) < 8000 THEN heads "
                "ELSE '' END) FROM (SELECT string_agg(i::text || ' ' || v::text, ',') heads "
                "FROM (SELECT i, max(v) v FROM unnest(ids, versions) t(i, v) GROUP BY i) s) h; "
                "RETURN QUERY INSERT INTO {schema}.{table} "
                "(originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(ids, versions, topics, states) "
                "RETURNING notification_id; "
                "END; $BODY$"
            ).format(
                schema=Identifier(schema),
                function=function,
                id_type=SQL(id_type),
                timeout=SQL(str(int(datastore.lock_timeout))),
                table=Identifier(table),
                channel=Literal(self.channel_name),
            )
        )
        self.append_statement = SQL(
            "SELECT * FROM {schema}.{function}(%s::{id_type}[], %s::bigint[], %s::text[], "
            "%s::bytea[])"
        ).format(schema=Identifier(schema), function=function, id_type=SQL(id_type))
        self.id_type = id_type

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.append_statement, self.columns(stored_events), prepare=True)
            return [next(iter(row.values())) for row in curs.fetchall()]

    def columns(self, stored_events: Sequence[StoredEvent]) -> tuple[BinaryArray, ...]:
        """The append statement's four arrays, encoded here in PostgreSQL's binary
        format (psycopg's own list dumper inspects every list and element on each
        call: 74 us for an append of two rows, against 13 here)."""
        ids = [e.originator_id for e in stored_events]
        return (
            TextArray.of([str(i).encode() for i in ids]) if self.id_type == "text"
            else UuidArray.of([i.bytes for i in ids]),  # type: ignore[union-attr]
            Int8Array.of([_INT8.pack(e.originator_version) for e in stored_events]),
            TextArray.of([e.topic.encode() for e in stored_events]),
            ByteaArray.of([e.state for e in stored_events]),
        )  # fmt: skip


_HEADER = struct.Struct("!iiIii")  # dimensions, has nulls, element type, length, lower bound
_LENGTH = struct.Struct("!i")
_INT8 = struct.Struct("!q")


class BinaryArray(bytes):
    """A one-dimensional array of non-null elements in PostgreSQL's binary format."""

    element_oid: ClassVar[int]
    array_oid: ClassVar[int]  # what the server reads the parameter as

    @classmethod
    def of(cls, elements: Sequence[bytes]) -> Self:
        encoded = [_HEADER.pack(1, 0, cls.element_oid, len(elements), 1)]
        for element in elements:
            encoded += (_LENGTH.pack(len(element)), element)
        return cls(b"".join(encoded))


class UuidArray(BinaryArray):
    element_oid, array_oid = 2950, 2951


class Int8Array(BinaryArray):
    element_oid, array_oid = 20, 1016


class TextArray(BinaryArray):
    element_oid, array_oid = 25, 1009


class ByteaArray(BinaryArray):
    element_oid, array_oid = 17, 1001


class _BinaryArrayDumper(Dumper):
    format = pq.Format.BINARY

    def __init__(self, cls: type[BinaryArray], context: AdaptContext | None = None) -> None:
        super().__init__(cls, context)
        self.oid = cls.array_oid

    def dump(self, obj: BinaryArray) -> Buffer:
        return obj


for _array in (UuidArray, Int8Array, TextArray, ByteaArray):
    psycopg.adapters.register_dumper(_array, _BinaryArrayDumper)


Appended = asyncio.Future[list[int]]  # a batch's notification ids, once it is appended


class AsyncLog:
    """The log from the event loop, for commands on aggregates this process keeps a
    state of: the events after a kept state, and the recorder's one-statement
    append, on an asyncio connection pool of its own - without handing the request
    to a worker thread (the hop, and the threads' contention for the interpreter,
    cost an API process more than the command itself). A conflict raises the
    library's `IntegrityError`, as the recorder does; anything else the store says
    is psycopg's error.

    Appends commit in groups: while one is on its way, the batches of commands
    that arrive meanwhile wait and then go together, in one statement - one table
    lock, one commit and one flush of the write-ahead log for all of them (each
    append holds the table's lock until its commit is on disk, so appends one by
    one also flush one by one). A group is all or nothing; if it is refused, its
    batches are appended again one at a time, so one conflict refuses only its own
    command.
    """

    def __init__(self, url: str, recorder: PostgresLogRecorder, mapper: MsgspecMapper) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.select_after = SQL(
            "SELECT originator_version, topic, state FROM {schema}.{table} "
            "WHERE originator_id = %s AND originator_version > %s ORDER BY originator_version"
        ).format(schema=Identifier(recorder.datastore.schema),
                 table=Identifier(recorder.events_table_name))  # fmt: skip
        self.pool = AsyncConnectionPool(url, min_size=2, max_size=10, open=False,
                                        kwargs={"autocommit": True})  # fmt: skip
        self._waiting: list[tuple[list[StoredEvent], Appended]] = []
        self._appending: asyncio.Task[None] | None = None

    async def open(self) -> None:
        await self.pool.open(wait=True)

    async def close(self) -> None:
        await self.pool.close()

    async def read_after(self, aggregate_id: UUID, version: int) -> list[Recorded[Any]]:
        """The aggregate's events after `version`, in order."""
        async with self.pool.connection() as conn:
            cursor = await conn.execute(self.select_after, (aggregate_id, version), prepare=True)
            rows = await cursor.fetchall()
        return [
            self.mapper.to_domain_event(
                StoredEvent(originator_id=aggregate_id, originator_version=v, topic=t, state=s)
            )
            for v, t, s in rows
        ]

    async def append(self, batch: Sequence[Recorded[Any]]) -> list[int]:
        """Append the batch (with those waiting beside it); the notification ids it
        was given, in order."""
        stored = [self.mapper.to_stored_event(event) for event in batch]
        appended: Appended = asyncio.get_running_loop().create_future()
        self._waiting.append((stored, appended))
        if self._appending is None or self._appending.done():
            self._appending = asyncio.create_task(self._append_waiting())
        return await appended

    async def _append_waiting(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            try:
                await self._append_group(group)
            except Exception as error:  # not the store's answer: it is the group's alone
                for _, appended in group:
                    _set(appended, error)
            except BaseException as error:  # the loop is closing: nobody is left waiting
                for _, appended in group + self._waiting:
                    if not appended.done():
                        appended.set_exception(error)
                raise

    async def _append_group(self, group: list[tuple[list[StoredEvent], Appended]]) -> None:
        if len(group) > 1:
            try:
                ids = await self._insert([event for stored, _ in group for event in stored])
            except IntegrityError:
                pass  # one of them conflicts: each on its own, so only that one fails
            except psycopg.Error as error:
                for _, appended in group:
                    _set(appended, error)
                return
            else:
                start = 0
                for stored, appended in group:
                    _set(appended, ids[start : start + len(stored)])
                    start += len(stored)
                return
        for stored, appended in group:
            try:
                _set(appended, await self._insert(stored))
            except (IntegrityError, psycopg.Error) as error:
                _set(appended, error)

    async def _insert(self, stored: list[StoredEvent]) -> list[int]:
        async with self.pool.connection() as conn:
            try:
                cursor = await conn.execute(
                    self.recorder.append_statement, self.recorder.columns(stored), prepare=True
                )
            except psycopg.IntegrityError as error:
                raise IntegrityError(str(error)) from error
            return [row[0] for row in await cursor.fetchall()]


def _set(appended: Appended, outcome: list[int] | Exception) -> None:
    """Answer a waiting append, unless its request has gone (cancelled) meanwhile."""
    if appended.done():
        return
    if isinstance(outcome, Exception):
        appended.set_exception(outcome)
    else:
        appended.set_result(outcome)


def moved_heads(payload: str) -> dict[UUID, int] | None:
    """The streams an append moved and their new last versions, as the append's
    notification tells them; None when it does not say (anything may have moved)."""
    if not payload:
        return None
    heads = {}
    for pair in payload.split(","):
        stream, version = pair.split(" ")
        heads[UUID(stream)] = int(version)
    return heads


class Subscriber(Protocol):
    """What a `Listener` tells of one channel."""

    channel: str

    def listening(self) -> None:
        """It listens from now on (what was notified before, it did not hear)."""

    def deaf(self) -> None:
        """It stopped listening (the connection was lost, or it was stopped)."""

    def heard(self, payload: str) -> None:
        """A notification on the channel."""


class MovedStreams:
    """Tells the state cache which aggregates the log's appends moved (from every
    process), so decisions are not taken on states known to be old. Appends made
    while not listening go unheard, so once listening the cache keeps nothing as
    current."""

    def __init__(self, channel: str, cache: StateCache) -> None:
        self.channel = channel
        self.cache = cache

    def listening(self) -> None:
        self.cache.forget()

    def deaf(self) -> None:
        """The cache learns nothing meanwhile; it forgets once listening again."""

    def heard(self, payload: str) -> None:
        heads = moved_heads(payload)
        if heads is None:
            self.cache.forget()
        else:
            self.cache.moved(heads)


class Listener:
    """Listens for the subscribers' channels on a connection of its own, in a thread
    (`run`), or as a task on an API process's event loop (`run_async`: no thread
    contending with the requests for the interpreter)."""

    def __init__(self, url: str, subscribers: Sequence[Subscriber]) -> None:
        self.url = url
        self.subscribers = {s.channel: s for s in subscribers}
        self.listen = [SQL("LISTEN {}").format(Identifier(c)) for c in self.subscribers]
        self.listening = threading.Event()

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    for statement in self.listen:
                        conn.execute(statement)
                    self._started()
                    while not stop.is_set():
                        for notice in conn.notifies(timeout=0.5):
                            self._heard(notice)
            except psycopg.Error:
                log.warning("listener: the store is unavailable; retrying", exc_info=True)
            finally:
                self._stopped()
            stop.wait(1.0)

    async def run_async(self) -> None:
        """Until cancelled."""
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
                async with conn:
                    for statement in self.listen:
                        await conn.execute(statement)
                    self._started()
                    async for notice in conn.notifies():
                        self._heard(notice)
            except psycopg.Error:
                log.warning("listener: the store is unavailable; retrying", exc_info=True)
            finally:
                self._stopped()
            await asyncio.sleep(1.0)

    def _started(self) -> None:
        for subscriber in self.subscribers.values():
            subscriber.listening()
        self.listening.set()

    def _stopped(self) -> None:
        self.listening.clear()
        for subscriber in self.subscribers.values():
            subscriber.deaf()

    def _heard(self, notice: psycopg.Notify) -> None:
        self.subscribers[notice.channel].heard(notice.payload)
