"""When an order exception is raised, moved or escalated, tell its owners; at L3 and L4
send the executives a written report (生成专项报告并抄送相关高管邮箱)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.decider import topic_of
from domain.directory import ContactRemoved, ContactSet
from domain.envelope import Recorded
from domain.order.events import OrderPlaced, OrderSigned
from domain.order_alert import AlertRaised
from infrastructure.read_store import Tx
from policies import notifications
from policies.notifications import ContactBook, Message

NAME = "when_alert_raised_notify_owners"


class NotifyAlertOwnersPolicy:
    topics = frozenset(
        topic_of(t) for t in (AlertRaised, OrderPlaced, OrderSigned, ContactSet, ContactRemoved)
    )

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.contacts = ContactBook(f"{name}_contacts")
        self.orders = f"{name}_orders"

    def tables(self) -> list[str]:
        return [self.contacts.table, self.orders]

    def schema(self) -> list[str]:
        return [
            *notifications.SCHEMA,
            *self.contacts.schema,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "summary TEXT NOT NULL, contract_number TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event = recorded.event
            match event:
                case OrderPlaced():
                    summary = (f"{event.customer_name} · {event.external_ref} · "
                               f"交期 due {event.promised_delivery}")  # fmt: skip
                    tx.upsert(self.orders, ("order_id", "summary", "contract_number"),
                              "order_id", [(str(recorded.originator_id), summary, "")])  # fmt: skip
                case OrderSigned(contract_number=number):
                    order_id = str(recorded.originator_id)
                    tx.execute(f"UPDATE {self.orders} SET contract_number = ? "  # noqa: S608
                               "WHERE order_id = ?", (number, order_id))  # fmt: skip
                case AlertRaised():
                    self._notify(tx, recorded, event)
                case _:
                    self.contacts.track(tx, event)

    def _notify(self, tx: Tx, recorded: Recorded[Any], alert: AlertRaised) -> None:
        tx.execute(f"SELECT * FROM {self.orders} WHERE order_id = ?",  # noqa: S608
                   (str(alert.order_id),))  # fmt: skip
        order = tx.fetchone() or {"summary": str(alert.order_id), "contract_number": ""}
        about = f"{order['summary']} {order['contract_number']}".strip()
        subject = f"{alert.level} 订单异常 Order exception ({alert.why}): {about}"
        body = (
            f"订单 Order: {alert.order_id}\n{about}\n级别 Level: {alert.level}"
            f"{f' (from {alert.previous})' if alert.previous else ''}\n"
            f"原因 Reason: {alert.reason}\n行动 Action: {alert.action}\n"
            f"响应时限 Respond by: {alert.respond_by.isoformat()}\n"
            f"负责人 Owners: {', '.join(alert.owners)}"
        )
        key = f"{NAME}:{recorded.originator_id}:v{recorded.originator_version}"
        for owner in alert.owners:
            message = Message(f"{key}:{owner}", "exception_raised", owner, subject, body)
            notifications.enqueue(tx, NAME, message, self.contacts.lookup(tx, owner), recorded)
        for reader in alert.report_to:
            report = Message(f"{key}:report:{reader}", "exception_report", reader,
                             f"专项报告 Exception report · {subject}", body)  # fmt: skip
            notifications.enqueue(tx, NAME, report, self.contacts.lookup(tx, reader), recorded)
