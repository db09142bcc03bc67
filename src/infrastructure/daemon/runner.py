"""Runs a projection: reads the log in order, commits rows and position together.

Every batch of notifications is applied in one transaction that also records
the last position through the library's tracking recorder, so a crash anywhere
leaves either the whole batch or none of it, and a restart resumes from the
recorded position: exactly once. Events of topics a projection does not read
are not even decoded, but still advance its position. An event that cannot be
applied holds back its aggregate only (`parking`); the rest of the log goes on.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import psycopg
from eventsourcing.persistence import (
    ApplicationRecorder,
    InterfaceError,
    Notification,
    OperationalError,
)

from domain.envelope import Recorded
from infrastructure.daemon import parking
from infrastructure.daemon.parking import Parked
from infrastructure.mapper import MsgspecMapper
from infrastructure.read_store import ReadStore, Tx

log = logging.getLogger(__name__)

# The database being away is not the projection's fault: retry, never hold back.
TRANSIENT = (OperationalError, InterfaceError, psycopg.OperationalError)
_BUSY = ("database is locked", "database table is locked", "database is busy")


def transient(error: BaseException) -> bool:
    """Whether `error` says the database is away or busy (retry), not that the event or
    the projection is at fault (hold the aggregate back)."""
    if isinstance(error, TRANSIENT):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return any(busy in str(error) for busy in _BUSY)
    return isinstance(error, psycopg.errors.SerializationFailure | psycopg.errors.DeadlockDetected)


class Projection(Protocol):
    name: str
    topics: frozenset[str]  # the event topics it reads; others only advance its position

    def schema(self) -> list[str]:
        """CREATE TABLE/INDEX IF NOT EXISTS statements for this read model."""
        ...

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        """Apply events in log order inside `tx`; deterministic (no clock, no randomness).

        However the log is cut into batches, the rows must come out the same.
        """
        ...

    def tables(self) -> list[str]:
        """The tables this copy owns (dropped with it, compared by rebuild --compare)."""
        ...


@runtime_checkable
class RawProjection(Protocol):
    """A projection of the stored records themselves (every topic, bytes as stored)."""

    def apply_notifications(self, tx: Tx, notifications: Sequence[Notification]) -> None: ...


class ProjectionRunner:
    def __init__(
        self,
        projection: Projection,
        log_recorder: ApplicationRecorder,
        mapper: MsgspecMapper,
        store: ReadStore,
        *,
        batch_size: int = 1000,
    ) -> None:
        self.projection = projection
        self.log = log_recorder
        self.mapper = mapper
        self.store = store
        self.batch_size = batch_size
        parking.ensure_table(store)
        store.create(projection.schema())

    @property
    def name(self) -> str:
        return self.projection.name

    def position(self) -> int:
        return self.store.tracked_position(self.name)

    def parked(self) -> Parked | None:
        """The first aggregate this copy holds back, if any."""
        found = parking.parked(self.store, self.name)
        return found[0] if found else None

    def held(self) -> list[Parked]:
        return parking.parked(self.store, self.name)

    def run_once(self, stop: int | None = None) -> int:
        """Project the next batch; returns how many notifications it covered.

        A batch that fails for a reason other than the database being unreachable
        is replayed one event at a time, so the events around the culprit land and
        the culprit's aggregate is held back; the projection carries on.
        """
        notifications = self.log.select_notifications(
            start=self.position(), limit=self.batch_size, stop=stop, inclusive_of_start=False
        )
        if not notifications:
            return 0
        start = notifications[0].id
        held = parking.held_ids(self.store, self.name)
        try:
            self._apply(notifications, held)
        except Exception as error:
            if transient(error):
                raise
            if self._overtaken(start):
                return 0  # another runner recorded these first; ours rolled back
            self._apply_singly(notifications, held)  # a bug or bad data: find it, hold it
        return len(notifications)

    def _overtaken(self, position: int) -> bool:
        """Has another runner of this projection already covered `position`?"""
        return self.position() >= position

    def _apply(self, notifications: Sequence[Notification], held: frozenset[str]) -> None:
        projection, topics = self.projection, self.projection.topics
        kept = [n for n in notifications if str(n.originator_id) not in held] if held else None
        passing = notifications if kept is None else kept
        raw = isinstance(projection, RawProjection)
        events = [] if raw else [self.mapper.to_domain_event(n) for n in passing
                                 if n.topic in topics]  # fmt: skip
        with self.store.transaction(commit=True) as tx:
            if isinstance(projection, RawProjection):
                if passing:
                    projection.apply_notifications(tx, passing)
            elif events:
                projection.apply(tx, events)
            self.store.track(tx, self.name, notifications[-1].id)

    def _apply_singly(self, notifications: Sequence[Notification], held: frozenset[str]) -> None:
        for notification in notifications:
            try:
                self._apply([notification], held)
            except Exception as error:
                if transient(error):
                    raise
                if self._overtaken(notification.id):
                    return
                with self.store.transaction(commit=True) as tx:
                    found = parking.hold(tx, self.name, notification, error)
                    self.store.track(tx, self.name, notification.id)
                held = held | {found.originator_id}
                log.error("projection %s holds back %s from position %s: %s",
                          self.name, found.originator_id, found.position, found.error)  # fmt: skip

    def catch_up(
        self, stop: int | None = None, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Project until the head (or `stop`); `progress(position, target)` after each batch."""
        target = stop if stop is not None else self.store.head()
        done = 0
        while count := self.run_once(stop):
            done += count
            if progress is not None:
                progress(self.position(), max(target, self.position()))
        return done
