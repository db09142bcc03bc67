"""Task events: immutable past-tense facts. New fields get defaults; none is retyped."""

from __future__ import annotations

from uuid import UUID

import msgspec

from domain.shared import AwareDatetime
from domain.stages import Stage


class TaskAssigned(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    role: str
    title: str
    assigned_at: AwareDatetime
    reason: str = ""
    assignee: str = ""
    due_at: AwareDatetime | None = None
    escalation: tuple[str, ...] = ()
    escalate_every_hours: int = 24
    stage: Stage | None = None


class TaskAccepted(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: str
    at: AwareDatetime


class TaskReassigned(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    role: str
    assignee: str
    reason: str
    by: str
    at: AwareDatetime


class TaskCompleted(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    completed_by: str
    completed_at: AwareDatetime
    note: str = ""


class TaskEscalated(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    level: int  # 1 for the first in the chain
    to_role: str
    overdue_since: AwareDatetime
    at: AwareDatetime


class TaskObsolete(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: str
    at: AwareDatetime


TaskEvent = (
    TaskAssigned | TaskAccepted | TaskReassigned | TaskCompleted | TaskEscalated | TaskObsolete
)
