"""When a task is assigned, tell the role it is for (work finds people, seed 000).

The purchasing manager hears about the bill of materials to check the moment the
stage gate hands it out; whoever the directory names for the role gets it by
e-mail and/or their group robot, once per task.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.codec import topic_of
from domain.directory import ContactRemoved, ContactSet
from domain.envelope import Recorded
from domain.task import TaskAssigned
from policies import notifications
from policies.notifications import ContactBook, Message
from projections.store import Tx

NAME = "when_task_assigned_notify_assignee"


class NotifyAssigneePolicy:
    topics = frozenset(topic_of(t) for t in (TaskAssigned, ContactSet, ContactRemoved))

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.contacts = ContactBook(f"{name}_contacts")

    def tables(self) -> list[str]:
        return [self.contacts.table]

    def schema(self) -> list[str]:
        return [*notifications.SCHEMA, *self.contacts.schema]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event = recorded.event
            if self.contacts.track(tx, event) or not isinstance(event, TaskAssigned):
                continue
            message = Message(
                key=f"{NAME}:{recorded.originator_id}",
                kind="task_assigned",
                recipient=event.role,
                subject=f"任务 Task: {event.title}",
                body=(
                    f"{event.title}\n订单 Order: {event.order_id}\n"
                    f"原因 Why: {event.reason or '-'}\n"
                    f"分派于 Assigned: {event.assigned_at.isoformat()}"
                ),
            )
            contact = self.contacts.lookup(tx, event.role)
            notifications.enqueue(tx, NAME, message, contact, recorded)
