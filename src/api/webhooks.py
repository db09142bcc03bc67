"""Outward webhook routes (admin only): subscriptions that post the order hub's facts to
ERP, WMS or finance software, what was queued for each, and replaying from a position.

A subscription names a URL and kinds of facts (a fact's type such as `OrderSigned`,
or an aggregate such as `Order` for all of its facts). Its signing secret is derived
from the installation's key, never stored, and shown by `GET /webhooks/{id}/secret`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.order_dto import Accepted
from api.reading import WaitFor, WaitTimeout, waited
from api.runtime import Runtime, RuntimeDep
from application.intake import Name
from domain.decider import topic_of
from domain.deciders import DECIDERS, EVENT_TYPES, WEBHOOK
from domain.envelope import CommandHandled
from domain.webhook import RegisterSubscription, RemoveSubscription, subscription_id
from policies import webhook_delivery
from projections import webhook_outbox

Req = Request[Any, Any, Any]
SubscriptionId = Annotated[UUID, Parameter(description="The subscription's id")]
KNOWN_KINDS = frozenset(
    {t for t in EVENT_TYPES if t != topic_of(CommandHandled)} | {d.name for d in DECIDERS}
)


class SubscriptionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    url: Annotated[str, msgspec.Meta(max_length=2000)]
    kinds: Annotated[tuple[str, ...], msgspec.Meta(max_length=200)]
    expected_version: int | None = None


class ReplayIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    from_position: Annotated[int, msgspec.Meta(ge=1)]


def _table(runtime: Runtime, wait_for_position: int | None, timeout: float) -> str:
    return waited(runtime, webhook_outbox.NAME, wait_for_position, timeout).copy


def _known(runtime: Runtime, sid: UUID) -> None:
    if not runtime.service.load(WEBHOOK, sid).active:
        raise NotFoundException(f"no webhook subscription {sid}")


class WebhookController(Controller):
    path = "/webhooks"
    tags = ["webhooks"]  # noqa: RUF012

    @post("/", sync_to_thread=True, status_code=201)
    def register(
        self, request: Req, data: JSONBody[SubscriptionIn], runtime: RuntimeDep
    ) -> Accepted:
        """Register (or change) the subscription named `name`: every fact of `kinds`
        recorded from now on is posted to `url` as signed JSON, in order, at least once."""
        command = RegisterSubscription(name=data.name, url=data.url, kinds=data.kinds,
                                       at=datetime.now(UTC), known_kinds=KNOWN_KINDS)  # fmt: skip
        meta = command_meta(request, data.expected_version)
        return run_command(runtime, WEBHOOK, subscription_id(data.name), command, meta)

    @get("/", sync_to_thread=True)
    def listed(
        self,
        runtime: RuntimeDep,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> list[dict[str, Any]]:
        """Each subscription with where its delivery stands: delivered through which
        position, how many messages wait, the last error and the next attempt."""
        table = _table(runtime, wait_for_position, wait_timeout)
        with runtime.storage.read_store.reading() as tx:
            found = []
            for row in webhook_outbox.subscriptions(tx, table):
                sid = row["subscription_id"]
                cursor = webhook_delivery.cursor(tx, sid)
                through = int(cursor["delivered_through"]) if cursor else int(row["since"])
                found.append({
                    "subscription_id": sid, "name": row["name"], "url": row["url"],
                    "kinds": msgspec.json.decode(row["kinds"]), "active": bool(row["active"]),
                    "since_position": int(row["since"]), "delivered_through": through,
                    "waiting": webhook_outbox.count_after(tx, table, sid, through),
                    "attempts": int(cursor["attempts"]) if cursor else 0,
                    "last_error": (cursor["last_error"] or None) if cursor else None,
                    "next_attempt_at": (cursor["next_at"] or None) if cursor else None,
                })  # fmt: skip
        return found

    @get("/{subscription:uuid}/secret", sync_to_thread=True)
    def secret(self, subscription: FromPath[SubscriptionId], runtime: RuntimeDep) -> dict[str, str]:
        """The secret the receiver checks each message's signature with."""
        _known(runtime, subscription)
        return {"secret": runtime.signing.derive(f"webhook:{subscription}")}

    @get("/{subscription:uuid}/messages", sync_to_thread=True)
    def messages(  # noqa: PLR0913, PLR0917 - one query parameter each
        self,
        subscription: FromPath[SubscriptionId],
        runtime: RuntimeDep,
        after: FromQuery[Annotated[int, Parameter(ge=0)]] = 0,
        limit: FromQuery[Annotated[int, Parameter(ge=1, le=500)]] = 100,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> list[dict[str, Any]]:
        """The messages queued for the subscription after a position, as they are posted."""
        table = _table(runtime, wait_for_position, wait_timeout)
        with runtime.storage.read_store.reading() as tx:
            rows = webhook_outbox.messages_after(tx, table, str(subscription), after, limit)
        return [msgspec.json.decode(r["body"]) for r in rows]

    @post("/{subscription:uuid}/replay", sync_to_thread=True, status_code=200)
    def replay(
        self, subscription: FromPath[SubscriptionId], data: JSONBody[ReplayIn], runtime: RuntimeDep
    ) -> dict[str, Any]:
        """Post the subscription's messages again from `from_position` on, in order."""
        _known(runtime, subscription)
        webhook_delivery.replay(runtime.storage.read_store, str(subscription), data.from_position)
        return {"subscription_id": str(subscription), "from_position": data.from_position}

    @delete("/{subscription:uuid}", sync_to_thread=True, status_code=200)
    def remove(
        self, request: Req, subscription: FromPath[SubscriptionId], runtime: RuntimeDep
    ) -> Accepted:
        """Stop the subscription: nothing more is queued or posted for it."""
        meta = command_meta(request, None)
        command = RemoveSubscription(at=datetime.now(UTC))
        return run_command(runtime, WEBHOOK, subscription, command, meta)
