"""When an order's reservation finds its key component short, warn the order and tell
purchasing: below the safety threshold, warn and suggest a later date or an
alternative.

Each reservation is checked as it is made: a shortfall, or stock left below the
safety level, becomes a warning on the order with the day the expected receipts
bring the part in, the delivery date that allows (that day plus the days of the
stages after material preparation on the order's route, never before the date
promised) and the alternative parts configured; a reservation without a problem
clears the part's warning. The purchasing manager is told of every problem. The
order's command and the message are keyed by the reservation event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec

from domain.decider import topic_of
from domain.deciders import ORDER
from domain.directory import ContactRemoved, ContactSet
from domain.envelope import Recorded
from domain.order.commands import RecordStockCheck
from domain.order.events import OrderPlaced, StockWarning
from domain.rulebook import DEFAULT_STAGE_DAYS, StageDeadlinesPublished
from domain.stages import Stage
from domain.stock import StockReserved, suggested_delivery
from infrastructure.read_store import Tx
from policies import notifications, outbox
from policies.notifications import ContactBook, Message

NAME = "when_stock_runs_short_warn_order"
PURCHASING = "purchasing_manager"
_days = msgspec.json.Decoder(dict[Stage, int])


class WarnOrderPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (OrderPlaced, StockReserved, StageDeadlinesPublished, ContactSet, ContactRemoved)
    )

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders, self.deadlines = f"{name}_orders", f"{name}_deadlines"
        self.contacts = ContactBook(f"{name}_contacts")

    def tables(self) -> list[str]:
        return [self.orders, self.deadlines, self.contacts.table]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            *notifications.SCHEMA,
            *self.contacts.schema,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "order_ref TEXT NOT NULL, stages TEXT NOT NULL, promised TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.deadlines} (id BIGINT PRIMARY KEY, "
            "days TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event = recorded.event
            if self.contacts.track(tx, event):
                continue
            match event:
                case StageDeadlinesPublished(days=days):
                    tx.upsert(self.deadlines, ("id", "days"), "id",
                              [(1, msgspec.json.encode(days).decode())])  # fmt: skip
                case OrderPlaced():
                    stages = ",".join(event.route.stages)
                    row = (str(recorded.originator_id), event.external_ref, stages,
                           event.promised_delivery.isoformat())  # fmt: skip
                    tx.upsert(self.orders, ("order_id", "order_ref", "stages", "promised"),
                              "order_id", [row])  # fmt: skip
                case StockReserved():
                    self._check(tx, recorded, event)

    def _check(self, tx: Tx, cause: Recorded[Any], event: StockReserved) -> None:
        tx.execute(f"SELECT * FROM {self.orders} WHERE order_id = ?",  # noqa: S608
                   (str(event.order_id),))  # fmt: skip
        order = tx.fetchone()
        if order is None:
            return
        warning = None
        if event.shortfall or event.below_safety:
            tx.execute(f"SELECT days FROM {self.deadlines} WHERE id = 1")  # noqa: S608
            found = tx.fetchone()
            days = _days.decode(found["days"]) if found else DEFAULT_STAGE_DAYS
            stages = [Stage(s) for s in order["stages"].split(",")]
            promised = date.fromisoformat(order["promised"])
            later = (
                suggested_delivery(stages, days, event.covered_on, promised)
                if event.covered_on
                else None
            )
            warning = StockWarning(shortfall=event.shortfall, below_safety=event.below_safety,
                                   materials_on=event.covered_on, suggested_delivery=later,
                                   alternatives=event.alternatives)  # fmt: skip
            self._tell_purchasing(tx, cause, event, order["order_ref"], warning)
        key = f"{NAME}:{cause.originator_id}:v{cause.originator_version}"
        check = RecordStockCheck(part=event.part, warning=warning, at=event.at)
        outbox.enqueue(tx, NAME, outbox.Intent(key, ORDER, event.order_id, check), cause)

    def _tell_purchasing(
        self, tx: Tx, cause: Recorded[Any], event: StockReserved, ref: str, warning: StockWarning
    ) -> None:
        problem = (
            f"缺料 short by {event.shortfall}" if event.shortfall else "低于安全库存 below safety"
        )
        body = (
            f"订单 Order: {ref} ({event.order_id})\n物料 Part: {event.part}\n"
            f"预留 Reserved: {event.quantity}\n可用 Available after: {event.available}\n"
            f"到料 Receipts cover it on: {warning.materials_on or '-'}\n"
            f"建议交期 Suggested delivery: {warning.suggested_delivery or '-'}\n"
            f"替代料 Alternatives: {', '.join(warning.alternatives) or '-'}"
        )
        message = Message(key=f"{NAME}:{cause.originator_id}:v{cause.originator_version}",
                          kind="stock_warning", recipient=PURCHASING,
                          subject=f"{problem}: {event.part} / {ref}", body=body)  # fmt: skip
        notifications.enqueue(tx, NAME, message, self.contacts.lookup(tx, PURCHASING), cause)
