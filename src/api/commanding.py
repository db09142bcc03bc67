"""The command path: how every route turns a request into a command and answers.

The actor is the bearer token's user. `Idempotency-Key` makes a request safe to
retry: a retry of the same request with the same key is applied once and answered
with the first result, even where the server filled in the time. A client's key is
its own: the command id is a hash of the user and the key, in a namespace
(`client:`) no policy, clock job or natural key (a bank reference) uses, so no
client can predict or pre-empt their ids, nor another user's. A retry matches its
first request by method, path, query and body; the same key on another request is
refused (409 `command_id_reused`), as a client's bug should be.
`X-Correlation-Id` and `X-Causation-Id` travel on every event; a body's
`expected_version` makes the write conditional. Each of the three headers is at
most `MAX_HEADER` characters.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID, uuid4

import anyio.to_thread
import msgspec
import psycopg
from eventsourcing.persistence import IntegrityError
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState

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


MAX_HEADER = 200
CLIENT = "client:"


def _header(request: Req, name: str) -> str:
    value = request.headers.get(name) or ""
    if len(value) > MAX_HEADER:
        message = f"{name} is {len(value)} characters long; at most {MAX_HEADER} are kept"
        raise ValidationException(detail=message, extra=[{"key": name, "message": message}])
    return value


def client_command_id(user: str, key: str) -> str:
    """The command id of a client's `key`: its user's own, hashed (sha256 of user, NUL,
    key; 40 hex digits), so an auditor can tie a record to the key a client sent."""
    scoped = f"{user}\0{key}".encode()
    return CLIENT + hashlib.sha256(scoped).hexdigest()[:40]


def request_digest(request: Req, sent: object = None) -> str:
    """What identifies a request for its retries: method, path, query and body.

    The body is `sent` where the route says what the client sent (a multipart
    form's fields and its file's hash), else the JSON body as `api.strict` read it,
    with its keys sorted (so a retry serialised by another library matches), else
    its bytes.
    """
    digest = hashlib.sha256()
    digest.update(f"{request.method}\0{request.url.path}\0{request.url.query}\0".encode())
    if sent is None:
        sent = getattr(request.state, "json_body", None)
    if sent is not None:
        digest.update(msgspec.json.encode(sent, order="sorted"))
        return digest.hexdigest()
    body = ScopeState.from_scope(request.scope).body
    if body is not Empty and body:
        digest.update(body)
    return digest.hexdigest()


def command_meta(request: Req, expected_version: int | None, sent: object = None) -> CommandMeta:
    """The metadata of the command a request causes (see the module's docstring);
    `sent` is what the client sent, for a route whose body is not JSON."""
    key = _header(request, "idempotency-key")
    actor = acting_user(request)
    return CommandMeta(
        command_id=client_command_id(actor, key) if key else f"anon-{uuid4()}",
        actor=actor,
        correlation_id=_header(request, "x-correlation-id"),
        causation_id=_header(request, "x-causation-id"),
        expected_version=expected_version,
        request_digest=request_digest(request, sent) if key else "",
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
