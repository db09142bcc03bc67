"""The command path: how every route turns a request into a command and answers.

The actor is the bearer token's user; `Idempotency-Key` is the command id (a
retry with the same key is applied once and answered with the first result);
`X-Correlation-Id` and `X-Causation-Id` travel on every event; a body's
`expected_version` makes the write conditional.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import anyio.to_thread
import psycopg
from eventsourcing.persistence import IntegrityError
from litestar import Request

from api.auth import User
from api.order_dto import Accepted
from api.runtime import Runtime
from application.service import CommandMeta, Outcome
from domain.decider import Decider

Req = Request[Any, Any, Any]


def acting_user(request: Req) -> str:
    """The token's subject: recorded as the actor of everything the request causes."""
    user = request.scope.get("user")
    return user.name if isinstance(user, User) else "anonymous"


def command_meta(request: Req, expected_version: int | None) -> CommandMeta:
    headers = request.headers
    return CommandMeta(
        command_id=headers.get("idempotency-key") or f"anon-{uuid4()}",
        actor=acting_user(request),
        correlation_id=headers.get("x-correlation-id") or "",
        causation_id=headers.get("x-causation-id") or "",
        expected_version=expected_version,
    )


def run_command(
    runtime: Runtime,
    decider: Decider[Any, Any, Any],
    aggregate_id: UUID,
    command: Any,
    meta: CommandMeta,
) -> Accepted:
    """Execute through the service, wake the projections, answer with the outcome."""
    outcome = runtime.service.execute(decider, aggregate_id, command, meta)
    runtime.notify_written()
    return answered(outcome)


async def run_command_async(
    runtime: Runtime,
    decider: Decider[Any, Any, Any],
    aggregate_id: UUID,
    command: Any,
    meta: CommandMeta,
) -> Accepted:
    """`run_command` from the event loop. On PostgreSQL, a command on an aggregate
    this process keeps a state of is decided and appended from the loop (the events
    another process appended since are read first); anything else - no kept state,
    a refusal or nothing to do, a lost race, the store in trouble - goes to
    `run_command` in a worker thread, which decides afresh (and finds the command's
    record if the loop's append did land after all)."""
    log, service = runtime.async_log, runtime.service
    kept = service.cache.kept(decider, aggregate_id) if log is not None else None
    if log is not None and kept is not None:
        state, current = kept
        try:
            if not current:
                moved = await log.read_after(aggregate_id, state.version)
                state = service.caught_up(decider, aggregate_id, state, moved)
            decided = service.decide_on(decider, aggregate_id, command, meta, state)
            if decided is not None:
                ids = await log.append(decided.batch)
                runtime.notify_written()
                return answered(service.landed(decided, ids))
        except (IntegrityError, psycopg.Error):
            pass
    return await anyio.to_thread.run_sync(
        run_command, runtime, decider, aggregate_id, command, meta
    )


def answered(outcome: Outcome) -> Accepted:
    return Accepted(
        aggregate_id=outcome.aggregate_id,
        version=outcome.version,
        position=outcome.position,
        events=list(outcome.events),
        replayed=outcome.replayed,
    )
