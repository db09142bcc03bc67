"""The event log from an API process's event loop: reads and appends without a thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    StoredEvent,
)
from psycopg.sql import SQL, Identifier
from psycopg_pool import AsyncConnectionPool

from domain.envelope import Recorded
from infrastructure.mapper import MsgspecMapper
from infrastructure.postgres.recorder import PostgresLogRecorder

log = logging.getLogger(__name__)

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
