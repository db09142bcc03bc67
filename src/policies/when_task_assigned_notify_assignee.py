"""When a task is assigned, reassigned or escalated, tell whoever now has to act
(work finds people: 事找人).

The engineer hears about the signed order's technical review, the purchasing
manager about the bill of materials, the team lead and then the department head
about a task gone past its deadline. The message goes to the person the task
names if the directory knows them, otherwise to its role; by e-mail and/or
their group robot, once per assignment, reassignment and escalation level.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from domain.decider import topic_of
from domain.directory import ContactRemoved, ContactSet
from domain.envelope import Recorded
from domain.task import TaskAssigned, TaskEscalated, TaskReassigned
from infrastructure.read_store import Row, Tx
from policies import notifications
from policies.notifications import ContactBook, Message

NAME = "when_task_assigned_notify_assignee"


class News(NamedTuple):
    role: str
    person: str  # the person the task names, if any: told instead of the role
    kind: str
    headline: str
    why: str
    at: datetime


class NotifyAssigneePolicy:
    topics = frozenset(
        topic_of(t) for t in (TaskAssigned, TaskReassigned, TaskEscalated, ContactSet,
                              ContactRemoved)
    )  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.contacts = ContactBook(f"{name}_contacts")
        self.tasks = f"{name}_tasks"

    def tables(self) -> list[str]:
        return [self.contacts.table, self.tasks]

    def schema(self) -> list[str]:
        return [
            *notifications.SCHEMA,
            *self.contacts.schema,
            f"CREATE TABLE IF NOT EXISTS {self.tasks} (task_id TEXT PRIMARY KEY, "
            "order_id TEXT NOT NULL, title TEXT NOT NULL, due_at TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event, task_id = recorded.event, str(recorded.originator_id)
            if self.contacts.track(tx, event):
                continue
            match event:
                case TaskAssigned():
                    due = event.due_at.isoformat() if event.due_at else ""
                    tx.upsert(self.tasks, ("task_id", "order_id", "title", "due_at"), "task_id",
                              [(task_id, str(event.order_id), event.title, due)])  # fmt: skip
                    news = News(event.role, event.assignee, "task_assigned", "任务 Task",
                                f"原因 Why: {event.reason or '-'}", event.assigned_at)  # fmt: skip
                case TaskReassigned():
                    news = News(event.role, event.assignee, "task_reassigned",
                                "转派任务 Task reassigned",
                                f"原因 Why: {event.reason}\n转派人 By: {event.by}",
                                event.at)  # fmt: skip
                case TaskEscalated(level=level):
                    news = News(event.to_role, "", "task_escalated",
                                f"任务逾期 Task overdue (level {level})",
                                f"逾期自 Overdue since: {event.overdue_since.isoformat()}",
                                event.at)  # fmt: skip
                case _:
                    continue
            self._tell(tx, recorded, news)

    def _task(self, tx: Tx, task_id: str) -> Row:
        tx.execute(f"SELECT * FROM {self.tasks} WHERE task_id = ?", (task_id,))  # noqa: S608
        row = tx.fetchone()
        assert row is not None, f"task {task_id} changed before it was assigned"
        return row

    def _tell(self, tx: Tx, cause: Recorded[Any], news: News) -> None:
        task = self._task(tx, str(cause.originator_id))
        contact = self.contacts.lookup(tx, news.person) if news.person else None
        recipient = news.person if contact is not None else news.role
        if contact is None:
            contact = self.contacts.lookup(tx, news.role)
        body = (
            f"{task['title']}\n订单 Order: {task['order_id']}\n{news.why}\n"
            f"截止 Due: {task['due_at'] or '-'}\n时间 At: {news.at.isoformat()}"
        )
        # The assignment's key is the task's alone (as it always was); later news adds
        # the task's version, so each reassignment and escalation level is told once.
        key = f"{NAME}:{cause.originator_id}"
        if cause.originator_version > 1:
            key += f":{cause.originator_version}"
        message = Message(key=key, kind=news.kind, recipient=recipient,
                          subject=f"{news.headline}: {task['title']}", body=body)  # fmt: skip
        notifications.enqueue(tx, NAME, message, contact, cause)
