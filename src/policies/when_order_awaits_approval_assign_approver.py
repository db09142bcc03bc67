"""While an order waits for an approval, the approver has a task; a rejection goes back
to the salesperson with the reason: approvals that wait too long and rejections
have rules, so no order stalls.

The policy keeps each unsigned order's required approvals, those given, and
whether it stands rejected. After every such fact it works out which task
should be open — the next approver's, or the salesperson's rework, or none —
and, if that is not the one it opened last, completes the old one and assigns
the new. A task, like any other, escalates up its chain while it stays open
past its deadline. Task keys name the order, its revision and the role, so each
wait gets one task however often the events are redelivered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.decider import topic_of
from domain.deciders import TASK
from domain.envelope import Recorded
from domain.order.events import (
    OrderApproved,
    OrderCancelled,
    OrderChanged,
    OrderPlaced,
    OrderRejected,
    OrderSigned,
)
from domain.rulebook import TaskTemplatesPublished
from domain.task import CompleteTask, task_id
from domain.work_templates import approval_task, rework_task
from infrastructure.read_store import Row, Tx, utc_text
from policies import outbox
from policies.when_order_enters_stage_assign_task import PublishedTemplates

NAME = "when_order_awaits_approval_assign_approver"
COLUMNS = ("order_id", "order_ref", "salesperson", "revision", "required", "approved",
           "rejected_by", "rejection", "open_key", "open_since")  # fmt: skip


class AssignApproverPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (OrderPlaced, OrderApproved, OrderRejected, OrderChanged, OrderSigned,
                  OrderCancelled, TaskTemplatesPublished)
    )  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders = f"{name}_orders"
        self.templates = PublishedTemplates(f"{name}_templates")

    def tables(self) -> list[str]:
        return [self.orders, self.templates.table]

    def schema(self) -> list[str]:
        cols = ", ".join(f"{c} {'BIGINT' if c == 'revision' else 'TEXT'} NOT NULL" for c in COLUMNS)
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.orders} ({cols}, PRIMARY KEY (order_id))",
            *self.templates.schema,
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event, order_id = recorded.event, str(recorded.originator_id)
            if self.templates.track(tx, event):
                continue
            if isinstance(event, OrderPlaced):
                row = dict(zip(COLUMNS, (order_id, event.external_ref, event.salesperson, 0,
                                         ",".join(event.required_approvals), "", "", "", "", ""),
                               strict=True))  # fmt: skip
                self._reconcile(tx, recorded, row, event.placed_at, "")
                continue
            tx.execute(f"SELECT * FROM {self.orders} WHERE order_id = ?",  # noqa: S608
                       (order_id,))  # fmt: skip
            found = tx.fetchone()
            if found is None:
                continue  # signed or cancelled already, or older than this policy's view
            match event:
                case OrderApproved(role=role, approver=by, approved_at=at):
                    found["approved"] = ",".join([*_list(found["approved"]), role])
                    self._reconcile(tx, recorded, found, at, f"approved by {by}", by=by)
                case OrderRejected(role=role, approver=by, reason=reason, rejected_at=at):
                    found |= {"rejected_by": f"{role} {by}", "rejection": reason}
                    self._reconcile(tx, recorded, found, at, f"rejected by {by}: {reason}", by=by)
                case OrderChanged(changed_at=at):
                    found |= {"revision": event.revision, "rejected_by": "", "rejection": "",
                              "required": ",".join(event.required_approvals)}  # fmt: skip
                    if event.approvals_reset:
                        found["approved"] = ""
                    note = f"order changed (revision {event.revision})"
                    self._reconcile(tx, recorded, found, at, note)
                case OrderSigned() | OrderCancelled():
                    # Signing needs every approval (nothing is open); a cancelled order's
                    # tasks read as withdrawn.
                    tx.execute(f"DELETE FROM {self.orders} WHERE order_id = ?",  # noqa: S608
                               (order_id,))  # fmt: skip

    def _reconcile(  # noqa: PLR0913 - the fact and how it closes the open task
        self, tx: Tx, cause: Recorded[Any], row: Row, at: datetime, note: str, *, by: str = ""
    ) -> None:
        """Open the task the order's situation calls for, closing the one it replaces."""
        templates = self.templates.current(tx)
        order_id = UUID(row["order_id"])
        prefix = f"{NAME}:{order_id}:r{row['revision']}"
        pending = [r for r in _list(row["required"]) if r not in _list(row["approved"])]
        wanted = ""
        if templates is not None and row["rejection"]:
            wanted = f"{prefix}:rework"
        elif templates is not None and pending:
            wanted = f"{prefix}:{pending[0]}"
        if wanted != row["open_key"]:
            if row["open_key"]:
                # Never before the task was assigned, whatever the business times say.
                done_at = max(at, datetime.fromisoformat(row["open_since"]))
                close = CompleteTask(completed_by=by or cause.actor or "system",
                                     completed_at=done_at, note=note)  # fmt: skip
                key = row["open_key"]
                intent = outbox.Intent(f"{key}:done", TASK, task_id(key), close)
                outbox.enqueue(tx, NAME, intent, cause)
            if wanted and templates is not None:
                rules = templates.approvals
                if row["rejection"]:
                    assign = rework_task(rules, order_id=order_id, order_ref=row["order_ref"],
                                         salesperson=row["salesperson"],
                                         rejected_by=row["rejected_by"], reason=row["rejection"],
                                         rejected_at=at)  # fmt: skip
                else:
                    assign = approval_task(rules, order_id=order_id, order_ref=row["order_ref"],
                                           role=pending[0], waiting_since=at)  # fmt: skip
                intent = outbox.Intent(wanted, TASK, task_id(wanted), assign)
                outbox.enqueue(tx, NAME, intent, cause)
            row |= {"open_key": wanted, "open_since": utc_text(at) if wanted else ""}
        tx.upsert(self.orders, COLUMNS, "order_id", [tuple(row[c] for c in COLUMNS)])


def _list(text: str) -> list[str]:
    return text.split(",") if text else []
