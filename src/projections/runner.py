"""Runs a projection: reads the log in order, commits rows and position together.

Every batch of notifications is applied in one transaction that also records
the last position through the library's tracking recorder, so a crash anywhere
leaves either the whole batch or none of it, and a restart resumes from the
recorded position: exactly once. Events a projection does not care about still
advance its position.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

import psycopg
from eventsourcing.persistence import (
    ApplicationRecorder,
    InterfaceError,
    Notification,
    OperationalError,
)

from domain.codec import MsgspecMapper
from domain.envelope import Recorded
from projections import parking
from projections.parking import Parked
from projections.store import ReadStore, Tx

log = logging.getLogger(__name__)

# The database being away is not the projection's fault: retry, never park.
TRANSIENT = (OperationalError, InterfaceError, psycopg.OperationalError)


class Projection(Protocol):
    name: str

    def schema(self) -> list[str]:
        """CREATE TABLE/INDEX IF NOT EXISTS statements for this read model."""
        ...

    def apply(self, tx: Tx, recorded: Recorded[Any]) -> None:
        """Apply one event; must be deterministic (no clock, no randomness)."""
        ...


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
        self.wake = threading.Event()
        self.last_error: str | None = None
        parking.ensure_table(store)
        with store.transaction(commit=True) as tx:
            for statement in projection.schema():
                tx.execute(statement)

    @property
    def name(self) -> str:
        return self.projection.name

    def position(self) -> int:
        return self.store.tracked_position(self.name)

    def parked(self) -> Parked | None:
        found = parking.parked(self.store, self.name)
        return found[0] if found else None

    def status(self) -> str:
        if self.parked() is not None:
            return "degraded"
        return "failing" if self.last_error else "running"

    def run_once(self) -> int:
        """Project the next batch; returns how many notifications it covered.

        A batch that fails for a reason other than the database being unreachable
        is replayed one event at a time, so the events before the culprit land
        and the culprit is parked (the projection then stops there).
        """
        if self.parked() is not None:
            return 0
        notifications = self.log.select_notifications(
            start=self.position(), limit=self.batch_size, inclusive_of_start=False
        )
        if not notifications:
            return 0
        try:
            self._apply(notifications)
        except TRANSIENT:
            raise
        except Exception:  # a projection bug or bad data: find the event and park it
            return self._apply_singly(notifications)
        return len(notifications)

    def _apply(self, notifications: Sequence[Notification]) -> None:
        with self.store.transaction(commit=True) as tx:
            for notification in notifications:
                self.projection.apply(tx, self.mapper.to_domain_event(notification))
            self.store.track(tx, self.name, notifications[-1].id)

    def _apply_singly(self, notifications: Sequence[Notification]) -> int:
        for done, notification in enumerate(notifications):
            try:
                self._apply([notification])
            except TRANSIENT:
                raise
            except Exception as error:
                found = parking.park(self.store, self.name, notification, error)
                log.error("projection %s parked at %s: %s", self.name, found.position, found.error)
                return done
        return len(notifications)

    def catch_up(self) -> int:
        done = 0
        while count := self.run_once():
            done += count
        return done

    def run_forever(self, stop: threading.Event, poll_interval: float = 0.2) -> None:
        while not stop.is_set():
            try:
                if self.run_once():
                    self.last_error = None
                    continue
            except Exception as error:  # keep the thread alive; the error is reported
                self.last_error = f"{type(error).__name__}: {error}"
                log.exception("projection %s failed", self.name)
                stop.wait(1.0)
            self.wake.wait(poll_interval)
            self.wake.clear()

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until this projection has covered `position` (read-your-writes)."""
        deadline = time.monotonic() + timeout
        while self.position() < position:
            if time.monotonic() >= deadline:
                return False
            self.wake.set()
            time.sleep(0.01)
        return True
