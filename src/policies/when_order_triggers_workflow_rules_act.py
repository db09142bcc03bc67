"""When an order triggers a workflow rule, tell its departments and hand out its tasks.

The order itself records the rules it triggered (with why) when it is captured or
changed, and the approvals they add are part of its approval chain; what reaches
people is done here: "包含定制化硬件的订单自动通知生产部门" - each department a rule
names hears about the order (through the directory, by e-mail and/or its group
robot), and each task the rule gives is assigned with its deadline and escalation
chain. A rule acts once per order: a change that keeps it triggered adds nothing,
one that triggers it for the first time acts then.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.decider import topic_of
from domain.deciders import TASK
from domain.directory import ContactRemoved, ContactSet
from domain.envelope import Recorded
from domain.order.events import OrderChanged, OrderPlaced
from domain.rulebook import Triggered
from domain.task import AssignTask, task_id
from infrastructure.read_store import Tx
from policies import notifications, outbox
from policies.notifications import ContactBook, Message

NAME = "when_order_triggers_workflow_rules_act"


class WorkflowActionsPolicy:
    topics = frozenset(topic_of(t) for t in (OrderPlaced, OrderChanged, ContactSet, ContactRemoved))

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.contacts = ContactBook(f"{name}_contacts")
        self.orders = f"{name}_orders"
        self.acted = f"{name}_acted"

    def tables(self) -> list[str]:
        return [self.contacts.table, self.orders, self.acted]

    def schema(self) -> list[str]:
        return [
            *notifications.SCHEMA,
            *outbox.SCHEMA,
            *self.contacts.schema,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "external_ref TEXT NOT NULL, customer_name TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.acted} (order_id TEXT NOT NULL, "
            "code TEXT NOT NULL, PRIMARY KEY (order_id, code))",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event, order_id = recorded.event, str(recorded.originator_id)
            if self.contacts.track(tx, event):
                continue
            match event:
                case OrderPlaced(triggered=triggered, placed_at=at):
                    row = (order_id, event.external_ref, event.customer_name)
                    tx.upsert(self.orders, ("order_id", "external_ref", "customer_name"),
                              "order_id", [row])  # fmt: skip
                    self._act(tx, recorded, triggered, at)
                case OrderChanged(triggered=triggered, changed_at=at):
                    self._act(tx, recorded, triggered, at)

    def _act(
        self, tx: Tx, cause: Recorded[Any], triggered: Sequence[Triggered], at: datetime
    ) -> None:
        order_id = str(cause.originator_id)
        tx.execute(f"SELECT * FROM {self.orders} WHERE order_id = ?", (order_id,))  # noqa: S608
        order = tx.fetchone()
        if order is None:
            return
        for rule in triggered:
            tx.execute(
                f"INSERT INTO {self.acted} (order_id, code) VALUES (?, ?) "  # noqa: S608
                "ON CONFLICT (order_id, code) DO NOTHING",
                (order_id, rule.code),
            )
            if not tx.rowcount:
                continue  # acted on for this order already
            self._notify(tx, cause, rule, order["external_ref"], order["customer_name"])
            for task in rule.tasks:
                key = f"{NAME}:{order_id}:{rule.code}:{task.title}"
                assign = AssignTask(
                    order_id=UUID(order_id), role=task.role, title=task.title, assigned_at=at,
                    reason=f"{rule.name}: {'; '.join(rule.why)}",
                    due_at=at + timedelta(hours=task.due_in_hours), escalation=task.escalation,
                    escalate_every_hours=task.escalate_every_hours,
                )  # fmt: skip
                outbox.enqueue(tx, NAME, outbox.Intent(key, TASK, task_id(key), assign), cause)

    def _notify(self, tx: Tx, cause: Recorded[Any], rule: Triggered, ref: str, name: str) -> None:
        for department in rule.notify:
            body = (
                f"订单 Order: {ref} ({name})\n规则 Rule: {rule.name}\n"
                f"原因 Why: {'; '.join(rule.why)}\n订单号 Id: {cause.originator_id}"
            )
            message = Message(
                key=f"{NAME}:{cause.originator_id}:{rule.code}:{department}",
                kind="workflow_rule", recipient=department,
                subject=f"{rule.name}: {ref}", body=body,
            )  # fmt: skip
            contact = self.contacts.lookup(tx, department)
            notifications.enqueue(tx, NAME, message, contact, cause)
