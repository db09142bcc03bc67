"""The application service: the command API over the event log.

It takes an aggregate's state (kept in memory from the last command, else the
latest snapshot + later events), lets the pure `decide` judge the command, and
appends the new events together with a `CommandHandled` record in one atomic
write. That record makes commands idempotent: the same command id, sent twice or
twice at once, is applied once and answered with the first result. Optimistic
concurrency comes from the log's unique (stream, version) key: an append on a
state someone has moved on from is refused and decided again on the new state;
a stale `expected_version` is refused with the current version, and nothing is
written.

The service does no I/O of its own; it drives the event store, snapshot recorder
and position lookup that the composition root hands it, and reads time from the
injected clock (the recorded-at time of the envelope, never business time).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.persistence import AggregateRecorder, EventStore, IntegrityError, StoredEvent

from application.admission import admit
from application.state_cache import StateCache
from domain.decider import Decider
from domain.envelope import CommandHandled, Recorded, command_stream, seal_message
from domain.shared import DomainError

C = TypeVar("C")
S = TypeVar("S", bound=msgspec.Struct)
E = TypeVar("E")


class CommandMeta(msgspec.Struct, frozen=True, kw_only=True):
    command_id: str
    actor: str
    correlation_id: str = ""
    causation_id: str = ""
    expected_version: int | None = None
    # What a retry must match to get the first answer: the request as the client sent
    # it (set for client keys, whose commands may carry a time or a seal the server
    # filled in afresh); empty, the command itself.
    request_digest: str = ""


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    aggregate_id: UUID
    version: int
    position: int
    events: tuple[str, ...]
    replayed: bool = False


class VersionConflict(DomainError):
    rule = "version_conflict"


class CommandIdReused(DomainError):
    rule = "command_id_reused"


class OtherAggregateType(DomainError):
    """An id that names an aggregate of another type (a task's id given as an order's)."""

    rule = "other_aggregate_type"


class PositionLookup(Protocol):
    def __call__(self, originator_id: UUID, version: int) -> int: ...


SNAPSHOT_EVERY = 50
MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class Decided:
    """A command decided on a state: the batch to append (its events at the next
    versions, then its record), and the state once they are appended."""

    decider: Decider[Any, Any, Any]
    state: Any
    handled: CommandHandled
    batch: list[Recorded[Any]]
    snapshot_due: bool


class ApplicationService:
    def __init__(  # noqa: PLR0913 - what the composition root hands over
        self,
        events: EventStore[UUID],
        snapshots: AggregateRecorder | None,
        position_of: PositionLookup,
        clock: Callable[[], datetime],
        backoff: Callable[[int], None] = lambda _attempt: None,
        *,
        cache: StateCache | None = None,
        seal: Callable[[bytes], str] | None = None,
    ) -> None:
        self.events = events
        self.cache = cache or StateCache()
        self.snapshots = snapshots
        self.position_of = position_of
        self.clock = clock
        self.backoff = backoff
        self.seal = seal  # the installation's MAC: each command's record seals its events

    # -- reading -----------------------------------------------------------------

    def load(
        self, decider: Decider[Any, S, Any], aggregate_id: UUID, *, at_version: int | None = None
    ) -> S:
        state = decider.initial
        after: int | None = None
        start = self.cache.start(decider, aggregate_id) if at_version is None else None
        if start is None:
            start = self._latest_snapshot(decider, aggregate_id, at_version)
        if start is not None:
            state = start
            after = start.version  # type: ignore[attr-defined]
        for recorded in self.events.get(aggregate_id, gt=after, lte=at_version):
            event = recorded.event  # type: ignore[attr-defined]
            if after is None:  # a stream holds one type: its first event says which
                _own(decider, aggregate_id, event)
                after = 0
            state = decider.evolve(state, event)
        if at_version is None and state.version:  # type: ignore[attr-defined]
            self.cache.put(decider, aggregate_id, state)
        return state

    def history(self, aggregate_id: UUID) -> list[Recorded[Any]]:
        return list(self.events.get(aggregate_id))  # type: ignore[arg-type]

    def previous_outcome(self, command_id: str) -> CommandHandled | None:
        for recorded in self.events.get(command_stream(command_id), lte=1):
            event = recorded.event  # type: ignore[attr-defined]
            assert isinstance(event, CommandHandled)
            return event
        return None

    def handled_by(self, command_id: str) -> str | None:
        """Who issued the command recorded under `command_id` (None: no such record)."""
        for recorded in self.events.get(command_stream(command_id), lte=1):
            actor: str = recorded.actor  # type: ignore[attr-defined]
            return actor
        return None

    def done_before(self, refused: CommandIdReused, meta: CommandMeta) -> None:
        """For a caller whose ids say "once per fact" (the clock's jobs): a command id
        already used is fine if the same caller used it; anyone else's use of it is
        raised again, never taken for "done"."""
        if self.handled_by(meta.command_id) != meta.actor:
            raise refused

    # -- writing -----------------------------------------------------------------

    def execute(
        self, decider: Decider[C, S, E], aggregate_id: UUID, command: C, meta: CommandMeta
    ) -> Outcome:
        """Decide `command` on the aggregate and append what it decides, once.

        Optimistic all the way: the decision is taken on the cached state if it is
        current (no read at all), and the append at the next version is the check -
        the log's unique (stream, version) key refuses it if anyone wrote since,
        and then the aggregate is read afresh and the command decided again. A
        refusal or a decision to do nothing is only given on a fresh state. The
        command's record (in its own stream, at version 1) commits with its
        events, so a command id seen before is found when its append is refused,
        or when deciding again refuses or does nothing, and answered with its
        first result; a new command costs no lookup.
        """
        state: S | None = self.cache.get(decider, aggregate_id)
        fresh = state is None
        for attempt in range(MAX_ATTEMPTS):
            if state is None:
                state, fresh = self.load(decider, aggregate_id), True
            decided = self._decide(decider, aggregate_id, command, meta, state)
            if isinstance(decided, Decided):
                try:
                    recordings = self.events.put(decided.batch)
                except IntegrityError:
                    # Someone wrote first: this very command (answer with its result), or
                    # another one on this aggregate (decide again on what is there now).
                    done = self.previous_outcome(meta.command_id)
                    if done is not None:
                        return self._replay(done, decided.handled.command_digest)
                    if fresh:
                        self.backoff(attempt)
                    state = None
                    continue
                return self.landed(decided, [r.notification.id for r in recordings])
            # Refused, or nothing to do: only ever said on a fresh state.
            if not fresh:
                state = None
                continue
            done = self.previous_outcome(meta.command_id)
            if done is not None:
                digest = meta.request_digest or command_digest(decider.name, aggregate_id, command)
                return self._replay(done, digest)
            if decided is not None:
                decided.details.setdefault("aggregate_id", str(aggregate_id))
                raise decided
            # Nothing happened (a fact seen before, nothing due yet): nothing to record.
            version: int = state.version  # type: ignore[attr-defined]
            position = self.position_of(aggregate_id, version) if version else 0
            return Outcome(aggregate_id=aggregate_id, version=version, position=position,
                           events=())  # fmt: skip
        raise VersionConflict(
            f"the aggregate kept changing; gave up after {MAX_ATTEMPTS} attempts",
            aggregate_id=str(aggregate_id),
        )

    def decide_on(
        self, decider: Decider[C, S, E], aggregate_id: UUID, command: C, meta: CommandMeta, state: S
    ) -> Decided | None:
        """`command` decided on `state`, ready to append (for callers that read and
        append by other means, then call `landed`); None when it refuses or does
        nothing, or a snapshot falls due - `execute` is then the way (it gives those
        answers on a fresh state only, and takes snapshots)."""
        decided = self._decide(decider, aggregate_id, command, meta, state)
        if not isinstance(decided, Decided) or decided.snapshot_due:
            return None
        return decided

    def caught_up(
        self, decider: Decider[Any, S, Any], aggregate_id: UUID, state: S, recorded: list[Any]
    ) -> S:
        """`state` with the aggregate's events recorded after it (read by other means)
        applied, and kept."""
        for event in recorded:
            state = decider.evolve(state, event.event)
        self.cache.put(decider, aggregate_id, state)
        return state

    def _decide(
        self, decider: Decider[C, S, E], aggregate_id: UUID, command: C, meta: CommandMeta, state: S
    ) -> Decided | DomainError | None:
        """What `command` decides on `state`: events to append with its record, a
        refusal, or nothing to do."""
        version: int = state.version  # type: ignore[attr-defined]
        try:
            if meta.expected_version is not None and meta.expected_version != version:
                raise _conflict(meta.expected_version, version)
            new_events = decider.decide(command, state)
            admit(new_events)
        except DomainError as error:
            return error
        if not new_events:
            return None
        handled = CommandHandled(
            command_id=meta.command_id,
            command_digest=meta.request_digest
            or command_digest(decider.name, aggregate_id, command),
            aggregate_type=decider.name,
            aggregate_id=aggregate_id,
            version=version + len(new_events),
            events=tuple(type(e).__name__ for e in new_events),
        )
        for event in new_events:
            state = decider.evolve(state, event)
        batch = self._batch(aggregate_id, version, new_events, handled, meta)
        if self.seal is not None:
            handled = msgspec.structs.replace(
                handled, seal=self.seal(seal_message(meta.command_id, batch[:-1]))
            )
            batch[-1] = msgspec.structs.replace(batch[-1], event=handled)
        return Decided(
            decider=decider,
            state=state,
            handled=handled,
            batch=batch,
            snapshot_due=self.snapshots is not None
            and handled.version // SNAPSHOT_EVERY != version // SNAPSHOT_EVERY,
        )

    def landed(self, decided: Decided, notification_ids: Sequence[int]) -> Outcome:
        """The outcome of a decision whose batch the log took (these notification ids)."""
        handled = decided.handled
        self.cache.put(decided.decider, handled.aggregate_id, decided.state)
        if decided.snapshot_due:
            self._snapshot(decided.decider, handled.aggregate_id, decided.state)
        return Outcome(
            aggregate_id=handled.aggregate_id,
            version=handled.version,
            position=notification_ids[-2],  # the last event's; the record comes after it
            events=handled.events,
        )

    def _batch(
        self,
        aggregate_id: UUID,
        version: int,
        new_events: Sequence[Any],
        handled: CommandHandled,
        meta: CommandMeta,
    ) -> list[Recorded[Any]]:
        now = self.clock()

        def envelope(stream: UUID, stream_version: int, event: Any) -> Recorded[Any]:
            return Recorded(
                originator_id=stream,
                originator_version=stream_version,
                timestamp=now,
                actor=meta.actor,
                command_id=meta.command_id,
                correlation_id=meta.correlation_id or meta.command_id,
                causation_id=meta.causation_id or meta.command_id,
                event=event,
            )

        batch = [envelope(aggregate_id, version + i, e) for i, e in enumerate(new_events, 1)]
        batch.append(envelope(command_stream(meta.command_id), 1, handled))
        return batch

    def _replay(self, done: CommandHandled, digest: str) -> Outcome:
        if done.command_digest != digest:
            raise CommandIdReused(
                f"command id {done.command_id!r} was already used for a different command",
                field="command_id",
            )
        return Outcome(
            aggregate_id=done.aggregate_id,
            version=done.version,
            position=self.position_of(done.aggregate_id, done.version),
            events=done.events,
            replayed=True,
        )

    # -- snapshots ---------------------------------------------------------------

    def _snapshot_topic(self, decider: Decider[Any, Any, Any]) -> str:
        return f"snapshot:{decider.name}:{decider.snapshot_schema}"

    def _latest_snapshot(
        self, decider: Decider[Any, S, Any], aggregate_id: UUID, at_version: int | None
    ) -> S | None:
        if self.snapshots is None:
            return None
        found = self.snapshots.select_events(aggregate_id, lte=at_version, desc=True, limit=1)
        if not found or found[0].topic != self._snapshot_topic(decider):
            return None
        return msgspec.json.decode(found[0].state, type=type(decider.initial))

    def _snapshot(self, decider: Decider[Any, S, Any], aggregate_id: UUID, state: S) -> None:
        """Keep `state` as the aggregate's snapshot (taken on each 50th version)."""
        assert self.snapshots is not None
        stored = StoredEvent(
            originator_id=aggregate_id,
            originator_version=state.version,  # type: ignore[attr-defined]
            topic=self._snapshot_topic(decider),
            state=msgspec.json.encode(state),
        )
        # Another process may have taken the same snapshot: it is identical.
        with contextlib.suppress(IntegrityError):
            self.snapshots.insert_events([stored])


def _conflict(expected: int, current: int) -> VersionConflict:
    return VersionConflict(
        f"expected version {expected}, but the current version is {current}",
        field="expected_version",
        current_version=current,
    )


def _own(decider: Decider[Any, Any, Any], aggregate_id: UUID, event: Any) -> None:
    if not isinstance(event, decider.event_types()):
        other = type(event).__name__
        raise OtherAggregateType(
            f"{aggregate_id} is not a {decider.name}: its history starts with {other}",
            aggregate_id=str(aggregate_id),
        )


def command_digest(aggregate_type: str, aggregate_id: UUID, command: Any) -> str:
    payload = msgspec.json.encode([aggregate_type, str(aggregate_id), command])
    return hashlib.sha256(payload).hexdigest()
