"""The webhook outbox: for each registered subscription, the message of every fact of
its kinds recorded since it was registered, numbered by its log position.

A read model like the others (deterministic, rebuilt byte-identical): a message's id
is the subscription and the position, and its body the fact as recorded, so a message
delivered again is the same message. Where delivery stands is not kept here but in
`webhook_cursors` (policies.webhook_delivery), so a rebuild never sends anything again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from eventsourcing.persistence import Notification

from domain.decider import topic_of
from domain.deciders import DECIDER_BY_TOPIC, EVENT_TYPES
from domain.envelope import CommandHandled, Recorded
from domain.webhook import SubscriptionRegistered, SubscriptionRemoved
from infrastructure.mapper import MsgspecMapper
from infrastructure.read_store import Row, Tx, utc_text

NAME = "webhook_outbox"
# Where delivery stands, per subscription: the deliverer's (never dropped by a rebuild).
CURSORS = "webhook_cursors"
CURSORS_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {CURSORS} (subscription_id TEXT PRIMARY KEY, "
    "delivered_through BIGINT NOT NULL, attempts BIGINT NOT NULL, next_at TEXT NOT NULL, "
    "last_error TEXT NOT NULL, claimed_by TEXT NOT NULL, claimed_until TEXT NOT NULL)"
)
_SKIPPED = topic_of(CommandHandled)
_REGISTRATION = {topic_of(SubscriptionRegistered), topic_of(SubscriptionRemoved)}


class Message(msgspec.Struct, kw_only=True):
    """What a receiver gets (the body of the POST)."""

    id: str  # stable: "<subscription id>:<position>"
    subscription: str
    position: int
    kind: str  # the fact's type, e.g. StageAdvanced
    aggregate: str  # e.g. Order
    aggregate_id: str
    aggregate_version: int  # facts of one aggregate come in this order
    recorded_at: str
    data: dict[str, Any]


class WebhookOutboxProjection:
    topics = frozenset(EVENT_TYPES)

    def __init__(self, name: str = NAME, *, mapper: MsgspecMapper) -> None:
        self.name = name
        self.mapper = mapper
        self.subscriptions, self.messages = f"{name}_subscriptions", f"{name}_messages"

    def tables(self) -> list[str]:
        return [self.subscriptions, self.messages]

    def schema(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.subscriptions} (subscription_id TEXT PRIMARY KEY, "
            "name TEXT NOT NULL, url TEXT NOT NULL, kinds TEXT NOT NULL, active BIGINT NOT NULL, "
            "since BIGINT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.messages} (subscription_id TEXT NOT NULL, "
            "position BIGINT NOT NULL, kind TEXT NOT NULL, aggregate_id TEXT NOT NULL, "
            "body TEXT NOT NULL, PRIMARY KEY (subscription_id, position))",
            CURSORS_SCHEMA,
        ]

    def apply(self, tx: Tx, events: Sequence[object]) -> None:  # noqa: ARG002
        """Never called: the runner gives a raw projection its records instead."""
        raise TypeError("the webhook outbox reads stored records with their positions")

    def apply_notifications(self, tx: Tx, notifications: Sequence[Notification]) -> None:
        active = self._active(tx)
        rows = []
        for n in notifications:
            if n.topic == _SKIPPED:
                continue
            if n.topic in _REGISTRATION:
                self._registration(tx, self.mapper.to_domain_event(n), n.id)
                active = self._active(tx)
                continue
            decider = DECIDER_BY_TOPIC.get(n.topic)
            aggregate = decider.name if decider else ""
            wanting = [s for s, kinds in active.items() if n.topic in kinds or aggregate in kinds]
            if not wanting:
                continue
            recorded = self.mapper.to_domain_event(n)
            for subscription in wanting:
                body = _message(subscription, n.id, n.topic, aggregate, recorded)
                rows.append((subscription, n.id, n.topic, str(recorded.originator_id),
                             msgspec.json.encode(body).decode()))  # fmt: skip
        if rows:
            tx.executemany(f"INSERT INTO {self.messages} VALUES (?, ?, ?, ?, ?)", rows)  # noqa: S608

    def _active(self, tx: Tx) -> dict[str, frozenset[str]]:
        tx.execute(f"SELECT subscription_id, kinds FROM {self.subscriptions} WHERE active = 1")  # noqa: S608
        return {r["subscription_id"]: frozenset(msgspec.json.decode(r["kinds"]))
                for r in tx.fetchall()}  # fmt: skip

    def _registration(self, tx: Tx, recorded: Recorded[Any], position: int) -> None:
        event, subscription = recorded.event, str(recorded.originator_id)
        if isinstance(event, SubscriptionRegistered):
            row = (subscription, event.name, event.url, msgspec.json.encode(event.kinds).decode(),
                   1, position)  # fmt: skip
            tx.upsert(self.subscriptions, ("subscription_id", "name", "url", "kinds", "active",
                                           "since"), "subscription_id", [row])  # fmt: skip
        else:
            tx.execute(f"UPDATE {self.subscriptions} SET active = 0 WHERE subscription_id = ?",  # noqa: S608
                       (subscription,))  # fmt: skip


def _message(
    subscription: str, position: int, kind: str, aggregate: str, recorded: Recorded[Any]
) -> Message:
    return Message(
        id=f"{subscription}:{position}", subscription=subscription, position=position,
        kind=kind, aggregate=aggregate, aggregate_id=str(recorded.originator_id),
        aggregate_version=recorded.originator_version, recorded_at=utc_text(recorded.timestamp),
        data=msgspec.to_builtins(recorded.event),
    )  # fmt: skip


def subscriptions(tx: Tx, table: str) -> list[Row]:
    tx.execute(f"SELECT * FROM {table}_subscriptions ORDER BY name")  # noqa: S608
    return tx.fetchall()


def messages_after(tx: Tx, table: str, subscription: str, position: int, limit: int) -> list[Row]:
    """The subscription's messages after `position`, in log order."""
    tx.execute(
        f"SELECT position, body FROM {table}_messages WHERE subscription_id = ? "  # noqa: S608
        "AND position > ? ORDER BY position LIMIT ?",
        (subscription, position, limit),
    )
    return tx.fetchall()


def count_after(tx: Tx, table: str, subscription: str, position: int) -> int:
    tx.execute(f"SELECT COUNT(*) AS n FROM {table}_messages WHERE subscription_id = ? "  # noqa: S608
               "AND position > ?", (subscription, position))  # fmt: skip
    row = tx.fetchone()
    return int(row["n"]) if row else 0
