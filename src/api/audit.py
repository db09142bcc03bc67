"""Audit routes: any aggregate's history and its state as of a past moment or version,
the log's running digest, and a full verification of the hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, Parameter

from api.audit_digests import verify_signed_digests
from api.reading import Offset, WaitFor, WaitTimeout, read_model
from api.runtime import Runtime, RuntimeDep
from application.intake import Aware
from domain.decider import Decider, topic_of
from domain.deciders import DECIDER_BY_TOPIC
from domain.envelope import Recorded, business_time
from infrastructure.read_store import Row, utc_text
from projections import audit_chain, audit_seals, audit_trail

AggregateId = Annotated[UUID, Parameter(description="Any aggregate's id (order, task, ...)")]


class EventOut(msgspec.Struct, kw_only=True):
    version: int
    position: int | None  # in the log (None while the audit chain has not reached it)
    topic: str
    business_time: datetime | None
    recorded_at: datetime
    actor: str
    command_id: str
    correlation_id: str
    causation_id: str
    event: Any


class HistoryOut(msgspec.Struct, kw_only=True):
    aggregate_id: UUID
    aggregate_type: str
    events: list[EventOut]


class StateOut(msgspec.Struct, kw_only=True):
    aggregate_id: UUID
    aggregate_type: str
    version: int
    as_of: datetime | None
    state: Any


class DigestOut(msgspec.Struct, kw_only=True):
    position: int
    digest: str


class FindingOut(msgspec.Struct, kw_only=True):
    position: int
    kind: str
    detail: str


class VerifyOut(msgspec.Struct, kw_only=True):
    intact: bool
    checked: int
    head: int
    digest: str
    unchained: int
    sealed: int  # commands whose writer's seal checks
    legacy: int  # commands recorded before sealing existed (covered by the chain)
    signed_digests: int  # period closes whose signed Merkle root was checked
    findings: list[FindingOut]


def history_of(runtime: Runtime, aggregate_id: UUID) -> tuple[Decider[Any, Any, Any],
                                                               list[Recorded[Any]]]:  # fmt: skip
    """The aggregate's type and every event of its stream; 404 for an unknown stream."""
    history = runtime.service.history(aggregate_id)
    if not history:
        raise NotFoundException(f"no aggregate {aggregate_id} in the log")
    return DECIDER_BY_TOPIC[topic_of(type(history[0].event))], history


def _chain(runtime: Runtime) -> str:
    """The audit chain's active copy."""
    return runtime.projections[audit_chain.NAME].copy


def version_as_of(history: list[Recorded[Any]], as_of: datetime) -> int:
    """The last version the log had recorded at `as_of` (as known then)."""
    return max((r.originator_version for r in history if r.timestamp <= as_of), default=0)


class AuditController(Controller):
    path = "/audit"
    tags = ["audit"]  # noqa: RUF012

    @get("/aggregates/{aggregate_id:uuid}/history", sync_to_thread=True)
    def history(self, runtime: RuntimeDep, aggregate_id: AggregateId) -> HistoryOut:
        """Every event of the aggregate: business time, recorded time, actor, command id,
        correlation and causation, position in the log, and the event itself."""
        decider, history = history_of(runtime, aggregate_id)
        positions = audit_chain.positions(runtime.storage.read_store, aggregate_id, _chain(runtime))
        return HistoryOut(
            aggregate_id=aggregate_id,
            aggregate_type=decider.name,
            events=[
                EventOut(
                    version=r.originator_version, position=positions.get(r.originator_version),
                    topic=topic_of(type(r.event)), business_time=business_time(r.event),
                    recorded_at=r.timestamp, actor=r.actor, command_id=r.command_id,
                    correlation_id=r.correlation_id, causation_id=r.causation_id, event=r.event,
                )
                for r in history
            ],
        )  # fmt: skip

    @get("/aggregates/{aggregate_id:uuid}/state", sync_to_thread=True)
    def state(
        self,
        runtime: RuntimeDep,
        aggregate_id: AggregateId,
        as_of: FromQuery[Aware | None] = None,
        version: FromQuery[Annotated[int, msgspec.Meta(ge=0)] | None] = None,
    ) -> StateOut:
        """The aggregate's state as the log knew it at `as_of` (recorded time), or at
        `version`; now, without either."""
        decider, history = history_of(runtime, aggregate_id)
        at = version if version is not None else len(history)
        if as_of is not None:
            at = min(at, version_as_of(history, as_of))
        state = runtime.service.load(decider, aggregate_id, at_version=at)
        return StateOut(aggregate_id=aggregate_id, aggregate_type=decider.name,
                        version=at, as_of=as_of, state=state)  # fmt: skip

    @get("/trail", sync_to_thread=True)
    def audit_trail(  # noqa: PLR0913 - the trail's filters
        self,
        *,
        runtime: RuntimeDep,
        order_id: FromQuery[UUID | None] = None,
        customer_id: FromQuery[str | None] = None,
        actor: FromQuery[str | None] = None,
        recorded_from: FromQuery[Aware | None] = None,
        recorded_to: FromQuery[Aware | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
        offset: Offset = 0,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> list[Row]:
        """Who changed what, across every aggregate: the events about an order (its own,
        its tasks, receivable, documents, alerts, stock reservations...) or a customer,
        or by an actor, recorded in `[recorded_from, recorded_to)`, oldest first."""
        with read_model(runtime, audit_trail.NAME, wait_for_position, wait_timeout) as (tx, table):
            return audit_trail.trail(
                tx, table, order_id=str(order_id) if order_id else None,
                customer_id=customer_id, actor=actor,
                recorded_from=utc_text(recorded_from) if recorded_from else None,
                recorded_to=utc_text(recorded_to) if recorded_to else None,
                limit=limit, offset=offset,
            )  # fmt: skip

    @get("/digest", sync_to_thread=True)
    def digest(self, runtime: RuntimeDep) -> DigestOut:
        """The log's running digest (the hash chain at its head): keep it elsewhere, and
        give it to `orderhub audit verify --digest` later."""
        position, value = audit_chain.digest(runtime.storage.read_store, _chain(runtime))
        return DigestOut(position=position, digest=value)

    @get("/verify", sync_to_thread=True)
    def verify(
        self,
        runtime: RuntimeDep,
        digest_position: FromQuery[Annotated[int, msgspec.Meta(ge=1)] | None] = None,
        digest: FromQuery[Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")] | None] = None,
    ) -> VerifyOut:
        """Re-check every stored record against the hash chain (and the chain against
        a digest kept elsewhere): which record was altered, moved, removed or inserted;
        and every command's seal: which event no command of this application wrote
        (orphan), or not as its writer sealed it (forged, unsealed); and every period's
        signed Merkle root against the log as it stands (digest_root, digest_signature)."""

        expected = (digest_position, digest) if digest_position and digest else None
        report = audit_chain.verify(runtime.storage.log, runtime.storage.read_store,
                                    table=_chain(runtime), expected=expected)  # fmt: skip
        seals = audit_seals.verify_seals(runtime.storage.log, runtime.storage.mapper,
                                         runtime.signing.checks)  # fmt: skip
        signed, digests = verify_signed_digests(runtime)
        found = sorted([*report.findings, *seals.findings, *digests])
        return VerifyOut(
            intact=not found, checked=report.checked, head=report.head,
            digest=report.digest, unchained=report.unchained,
            sealed=seals.sealed, legacy=seals.legacy, signed_digests=signed,
            findings=[FindingOut(position=f.position, kind=f.kind, detail=f.detail)
                      for f in found],
        )  # fmt: skip
