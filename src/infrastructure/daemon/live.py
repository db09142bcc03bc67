"""The copy of a projection in service, kept up to date in the background.

It follows the active copy (see `copies`): when a rebuild switches readers to
a new copy, the next poll picks it up and carries on from that copy's position.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from eventsourcing.persistence import ApplicationRecorder

from infrastructure.daemon import copies
from infrastructure.daemon.lease import Lease
from infrastructure.daemon.parking import Parked
from infrastructure.daemon.runner import Projection, ProjectionRunner
from infrastructure.mapper import MsgspecMapper
from infrastructure.read_store import ReadStore

log = logging.getLogger(__name__)

# How soon a process that does not run a projection (an API process beside
# workers, or one standing by) reads from the new copy after a rebuild elsewhere,
# unless it hears of the switch (see `Hearing`).
FOLLOW_EVERY = 1.0


class Hearing:
    """What a process hears of read models projected elsewhere, as their batches
    commit: on PostgreSQL each batch's tracked position and each switch of readers
    to another copy are announced on the read store's channel
    (`infrastructure.postgres.listener.Listener` listens for them on a connection of
    its own).

    While it listens, the position of a read model heard or read since it began
    listening is the position now - no process has to ask the store again (nor
    wait for a worker thread to) however long ago that was. Not listening (not yet,
    or its connection was lost), positions are read and kept for a moment, as on
    SQLite; once listening again, a position seen before is read afresh.
    """

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.since: float | None = None  # when it began listening (monotonic); None: deaf
        self.lives: dict[str, LiveProjection] = {}  # by projection name

    def listening(self) -> None:
        self.since = time.monotonic()

    def deaf(self) -> None:
        self.since = None

    def heard(self, payload: str) -> None:
        """`<copy> <position>`: a batch committed; `<copy>`: readers were switched to it."""
        copy, _, position = payload.partition(" ")
        live = self.lives.get(copies.projection_of(copy))
        if live is not None:
            live.heard(copy, int(position) if position else None)


class LiveProjection:
    def __init__(  # noqa: PLR0913 - log, mapper, store and lease are separate ports
        self,
        name: str,
        make: Callable[[str], Projection],
        log_recorder: ApplicationRecorder,
        mapper: MsgspecMapper,
        store: ReadStore,
        *,
        lease: Lease | None = None,
        hearing: Hearing | None = None,
    ) -> None:
        self.name = name
        self.lease = lease
        self.hearing = hearing
        self.standing_by = False  # True while another process holds the lease
        self.make = make
        self.log = log_recorder
        self.mapper = mapper
        self.store = store
        self.wake = threading.Event()
        self.last_error: str | None = None
        self._seen: tuple[str, int, float] | None = None  # copy, position, when (monotonic)
        self._seen_lock = threading.Lock()
        self._followed = time.monotonic()  # when the active copy was last looked up
        copies.ensure_table(store)
        self.runner = self.runner_for(copies.active(store, name))
        if hearing is not None:
            hearing.lives[name] = self

    def runner_for(self, copy: str) -> ProjectionRunner:
        return ProjectionRunner(self.make(copy), self.log, self.mapper, self.store)

    @property
    def copy(self) -> str:
        """The table (and tracking key) readers should use now."""
        return self.runner.name

    def follow(self, max_age: float = 0.0) -> None:
        """Serve the copy readers should use, looked up now - or only if last looked up
        more than `max_age` seconds ago (a rebuild may switch it from another process)."""
        now = time.monotonic()
        if max_age and now - self._followed < max_age and not self._missed(self._followed):
            return
        self._followed = now
        copy = copies.active(self.store, self.name)
        if copy != self.runner.name:
            self.runner = self.runner_for(copy)

    def run_once(self) -> int:
        self.follow()
        worked = self.runner.run_once()
        if worked:
            self.position()  # readers in this process see the batch at once
        return worked

    def catch_up(self) -> int:
        self.follow()
        done = self.runner.catch_up()
        self.position()
        return done

    def position(self) -> int:
        """The position the copy in service has covered, as the store has it now."""
        self.follow(max_age=FOLLOW_EVERY)
        copy = self.copy
        asked = time.monotonic()  # what was committed before this, the answer covers
        found = self.runner.position()
        self._see(copy, found, asked)
        return found

    def _see(self, copy: str, position: int, when: float) -> None:
        with self._seen_lock:
            seen = self._seen
            if seen is not None and seen[0] == copy:
                position = max(position, seen[1])  # a copy's position only grows: a slower
            self._seen = (copy, position, when)  # reader must not set it back

    def heard(self, copy: str, position: int | None) -> None:
        """A batch of `copy` committed up to `position`, or readers were switched to
        `copy` (`position` None): the next read of the position looks the copy up."""
        if position is None:
            with self._seen_lock:
                self._followed, self._seen = float("-inf"), None
        elif copy == self.copy:
            self._see(copy, position, time.monotonic())

    def recent_position(self, max_age: float) -> int | None:
        """The position last seen, without asking the store, if seen within `max_age`
        seconds (by a reader or by this process's own runner after a batch) - or,
        while this process hears the read model's batches, since it began to."""
        seen = self._seen
        if seen is None or seen[0] != self.copy:
            return None
        _, position, when = seen
        if time.monotonic() - when <= max_age:
            return position
        listening = self.hearing is not None and self.hearing.since is not None
        if listening and not self._missed(when) and not self._missed(self._followed):
            return position
        return None

    def _missed(self, learnt: float) -> bool:
        """Might this process have missed news since `learnt`? Yes if it listens and
        began to after then (the time between, it was not listening)."""
        began = self.hearing.since if self.hearing is not None else None
        return began is not None and learnt < began

    def parked(self) -> Parked | None:
        return self.runner.parked()

    def held(self) -> list[Parked]:
        return self.runner.held()

    def status(self) -> str:
        if self.parked() is not None:
            return "degraded"
        if self.last_error:
            return "failing"
        return "standby" if self.standing_by else "running"

    def run_forever(self, stop: threading.Event, poll_interval: float = 0.2) -> None:
        """Project as the log grows, while holding the lease; stand by while another does."""
        try:
            self._run(stop, poll_interval)
        finally:
            if self.lease is not None:
                self.lease.release()
            self.standing_by = False

    def _run(self, stop: threading.Event, poll_interval: float) -> None:
        while not stop.is_set():
            try:
                if self.lease is not None:
                    self.standing_by = not self.lease.try_acquire()
                    if self.standing_by:
                        stop.wait(poll_interval * 5)
                        continue
                worked = self.run_once()
                self.last_error = None
                if worked:
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
