"""The cross-aggregate audit trail: who changed what, on which order or customer, when.

One row per event of every aggregate, with its business and recorded time, actor,
command, correlation and causation, and the order and customer it concerns. An
event names its order or customer itself (an order's own events, a task's
`order_id`, a receivable's `customer_id`...), or inherits them from the first
event of its stream (a receivable's payment concerns the order it was opened
for); an event about an order concerns that order's customer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import msgspec

from domain.decider import topic_of
from domain.deciders import DECIDER_BY_TOPIC, EVENT_TYPES
from domain.envelope import CommandHandled, Recorded, business_time
from infrastructure.read_store import Row, Tx, utc_text

NAME = "audit_trail"
COLUMNS = (
    "aggregate_id", "version", "aggregate_type", "topic", "recorded_at", "business_time",
    "actor", "command_id", "correlation_id", "causation_id", "order_id", "customer_id", "event",
)  # fmt: skip


class AuditTrailProjection:
    topics = frozenset(t for t in EVENT_TYPES if t != topic_of(CommandHandled))

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name
        self.subjects = f"{name}_subjects"

    def tables(self) -> list[str]:
        return [self.table, self.subjects]

    def schema(self) -> list[str]:
        cols = ", ".join(f"{c} {'BIGINT' if c == 'version' else 'TEXT'} NOT NULL" for c in COLUMNS)
        t = self.table
        return [
            f"CREATE TABLE IF NOT EXISTS {t} ({cols}, PRIMARY KEY (aggregate_id, version))",
            f"CREATE INDEX IF NOT EXISTS {t}_order ON {t} (order_id, recorded_at)",
            f"CREATE INDEX IF NOT EXISTS {t}_customer ON {t} (customer_id, recorded_at)",
            f"CREATE INDEX IF NOT EXISTS {t}_recorded ON {t} (recorded_at)",
            f"CREATE TABLE IF NOT EXISTS {self.subjects} (aggregate_id TEXT PRIMARY KEY, "
            "order_id TEXT NOT NULL, customer_id TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        rows = [self._row(tx, recorded) for recorded in events]
        tx.upsert(self.table, COLUMNS, "aggregate_id, version", rows)

    def _row(self, tx: Tx, recorded: Recorded[Any]) -> tuple[Any, ...]:
        event, stream = recorded.event, str(recorded.originator_id)
        topic = topic_of(type(event))
        decider = DECIDER_BY_TOPIC[topic]
        order_id, customer_id = self._subject(tx, stream, recorded.originator_version)
        if decider.name == "Order":
            order_id = stream
        named_order = getattr(event, "order_id", None)
        if isinstance(named_order, UUID):
            order_id = str(named_order)
        customer_id = str(getattr(event, "customer_id", "") or customer_id)
        if not customer_id and order_id:
            customer_id = self._subject(tx, order_id, 0)[1]  # the order's customer
        if recorded.originator_version == 1:
            tx.upsert(self.subjects, ("aggregate_id", "order_id", "customer_id"),
                      "aggregate_id", [(stream, order_id, customer_id)])  # fmt: skip
        when = business_time(event)
        return (stream, recorded.originator_version, decider.name, topic,
                utc_text(recorded.timestamp), utc_text(when) if when else "", recorded.actor,
                recorded.command_id, recorded.correlation_id, recorded.causation_id,
                order_id, customer_id, msgspec.json.encode(event).decode())  # fmt: skip

    def _subject(self, tx: Tx, stream: str, version: int) -> tuple[str, str]:
        """The order and customer a stream's first event named (none for a first event)."""
        if version == 1 or not stream:
            return "", ""
        tx.execute(f"SELECT order_id, customer_id FROM {self.subjects} "  # noqa: S608
                   "WHERE aggregate_id = ?", (stream,))  # fmt: skip
        found = tx.fetchone()
        return ("", "") if found is None else (found["order_id"], found["customer_id"])


def trail(  # noqa: PLR0913 - the trail's filters
    tx: Tx,
    table: str,
    *,
    order_id: str | None = None,
    customer_id: str | None = None,
    actor: str | None = None,
    recorded_from: str | None = None,
    recorded_to: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Row]:
    """Events in the order they were recorded; `recorded_to` is exclusive."""
    where: list[str] = []
    params: list[Any] = []
    for column, op, value in (("order_id", "=", order_id), ("customer_id", "=", customer_id),
                              ("actor", "=", actor), ("recorded_at", ">=", recorded_from),
                              ("recorded_at", "<", recorded_to)):  # fmt: skip
        if value:
            where.append(f"{column} {op} ?")
            params.append(value)
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    tx.execute(
        f"SELECT * FROM {table} {clause}"  # noqa: S608
        "ORDER BY recorded_at, aggregate_id, version LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return tx.fetchall()
