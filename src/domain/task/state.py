"""Task state and `evolve`: applies facts, never validates, never reads the clock."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.task.events import (
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    TaskEscalated,
    TaskEvent,
    TaskObsolete,
    TaskReassigned,
)


class TaskState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    order_id: UUID | None = None
    role: str = ""
    assignee: str = ""
    title: str = ""
    assigned_at: datetime | None = None
    due_at: datetime | None = None
    escalation: tuple[str, ...] = ()
    escalate_every_hours: int = 24
    escalated: int = 0  # how far up the chain it has gone
    accepted_by: str = ""
    completed: bool = False


INITIAL = TaskState()


def evolve(state: TaskState, event: TaskEvent) -> TaskState:
    version = state.version + 1
    match event:
        case TaskAssigned():
            return replace(
                state, version=version, order_id=event.order_id, role=event.role,
                assignee=event.assignee, title=event.title, assigned_at=event.assigned_at,
                due_at=event.due_at, escalation=event.escalation,
                escalate_every_hours=event.escalate_every_hours,
            )  # fmt: skip
        case TaskAccepted(by=by):
            return replace(state, version=version, accepted_by=by)
        case TaskReassigned(role=role, assignee=assignee):
            return replace(state, version=version, role=role, assignee=assignee, accepted_by="")
        case TaskCompleted() | TaskObsolete():
            return replace(state, version=version, completed=True)
        case TaskEscalated(level=level):
            return replace(state, version=version, escalated=level)
        case _:
            assert_never(event)
