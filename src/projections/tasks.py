"""Work orders as a list: who has what to do, due when, and how far it has escalated.

A task of an order that was cancelled reads as withdrawn: nobody chases it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from domain.decider import topic_of
from domain.envelope import Recorded
from domain.order.events import OrderCancelled
from domain.task import (
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    TaskEscalated,
    TaskEvent,
    TaskObsolete,
    TaskReassigned,
)
from infrastructure.read_store import Row, Tx, utc_text

NAME = "tasks"
COLUMNS = (
    "task_id", "order_id", "role", "assignee", "title", "reason", "assigned_at", "due_at",
    "status", "accepted_by", "escalation", "escalate_every_hours", "levels", "escalated",
    "escalated_to",
    "completed_by", "completed_at", "note", "task_version",
)  # fmt: skip
_NUMBERS = frozenset({"escalate_every_hours", "levels", "escalated", "task_version"})


class TasksProjection:
    topics = frozenset({*map(topic_of, get_args(TaskEvent)), topic_of(OrderCancelled)})

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name
        self.cancelled = f"{name}_cancelled_orders"

    def tables(self) -> list[str]:
        return [self.table, self.cancelled]

    def schema(self) -> list[str]:
        cols = ", ".join(f"{c} {'BIGINT' if c in _NUMBERS else 'TEXT'} NOT NULL" for c in COLUMNS)
        return [
            f"CREATE TABLE IF NOT EXISTS {self.table} ({cols}, PRIMARY KEY (task_id))",
            f"CREATE INDEX IF NOT EXISTS {self.table}_due ON {self.table} (status, due_at)",
            f"CREATE INDEX IF NOT EXISTS {self.table}_order ON {self.table} (order_id)",
            f"CREATE TABLE IF NOT EXISTS {self.cancelled} (order_id TEXT PRIMARY KEY)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            self._apply(tx, str(recorded.originator_id), recorded.originator_version,
                        recorded.event)  # fmt: skip

    def _apply(self, tx: Tx, task_id: str, version: int, event: Any) -> None:
        match event:
            case TaskAssigned(order_id=order_id):
                due = utc_text(event.due_at) if event.due_at else ""
                # A task handed out as its order was being cancelled arrives after the
                # cancellation: it is born withdrawn.
                tx.execute(f"SELECT 1 FROM {self.cancelled} WHERE order_id = ?",  # noqa: S608
                           (str(order_id),))  # fmt: skip
                status = "open" if tx.fetchone() is None else "withdrawn"
                row = (task_id, str(order_id), event.role, event.assignee, event.title,
                       event.reason, utc_text(event.assigned_at), due, status, "",
                       ",".join(event.escalation), event.escalate_every_hours,
                       len(event.escalation), 0, "", "", "", "",
                       version)  # fmt: skip
                tx.upsert(self.table, COLUMNS, "task_id", [row])
                return
            case OrderCancelled():
                tx.execute(f"INSERT INTO {self.cancelled} VALUES (?) "  # noqa: S608
                           "ON CONFLICT (order_id) DO NOTHING", (task_id,))  # fmt: skip
                tx.execute(
                    f"UPDATE {self.table} SET status = 'withdrawn' "  # noqa: S608
                    "WHERE order_id = ? AND status IN ('open', 'accepted')",
                    (task_id,),  # the order's id: the event is the order's
                )
                return
            case TaskAccepted(by=by):
                changes: dict[str, object] = {"status": "accepted", "accepted_by": by}
            case TaskReassigned(role=role, assignee=assignee):
                changes = {"role": role, "assignee": assignee, "accepted_by": ""}
                tx.execute(
                    f"UPDATE {self.table} SET status = 'open' "  # noqa: S608
                    "WHERE task_id = ? AND status = 'accepted'",
                    (task_id,),
                )
            case TaskCompleted(completed_by=by, completed_at=at, note=note):
                changes = {"status": "completed", "completed_by": by,
                           "completed_at": utc_text(at), "note": note}  # fmt: skip
            case TaskObsolete(reason=reason, at=at):
                changes = {"status": "obsolete", "completed_at": utc_text(at),
                           "note": reason}  # fmt: skip
            case TaskEscalated(level=level, to_role=to_role):
                changes = {"escalated": level, "escalated_to": to_role}
            case _:
                return
        changes["task_version"] = version
        sets = ", ".join(f"{c} = ?" for c in changes)
        tx.execute(f"UPDATE {self.table} SET {sets} WHERE task_id = ?",  # noqa: S608
                   [*changes.values(), task_id])  # fmt: skip


def tasks(  # noqa: PLR0913 - the list's filters
    tx: Tx,
    table: str,
    *,
    status: str | None = None,
    role: str | None = None,
    assignee: str | None = None,
    order_id: str | None = None,
    overdue_at: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Row]:
    """Tasks, earliest deadline first. `status` "todo" means open or accepted;
    `overdue_at` (UTC ISO text) keeps the tasks still to do whose deadline was before it."""
    where: list[str] = []
    params: list[Any] = []
    if status == "todo" or overdue_at:
        where.append("status IN ('open', 'accepted')")
    elif status:
        where.append("status = ?")
        params.append(status)
    if overdue_at:
        where.append("due_at <> '' AND due_at < ?")
        params.append(overdue_at)
    for column, value in (("role", role), ("assignee", assignee), ("order_id", order_id)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    tx.execute(
        f"SELECT * FROM {table} {clause}"  # noqa: S608
        "ORDER BY CASE WHEN due_at = '' THEN 1 ELSE 0 END, due_at, assigned_at, task_id "
        "LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return tx.fetchall()


def escalatable(tx: Tx, table: str, now: str) -> list[Row]:
    """Tasks still to do, past their deadline, with levels of their chain left."""
    tx.execute(
        f"SELECT * FROM {table} WHERE status IN ('open', 'accepted') "  # noqa: S608
        "AND due_at <> '' AND due_at < ? AND escalated < levels ORDER BY due_at, task_id",
        (now,),
    )
    return tx.fetchall()


def task(tx: Tx, table: str, task_id: str) -> Row | None:
    tx.execute(f"SELECT * FROM {table} WHERE task_id = ?", (task_id,))  # noqa: S608
    return tx.fetchone()
