"""Task commands: assign, accept, reassign, complete, and the clock's escalation."""

from __future__ import annotations

from typing import Annotated
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.shared import AwareDatetime, Name, Text
from domain.stages import Stage

Hours = Annotated[int, msgspec.Meta(ge=1, le=24 * 365)]

_TASKS = uuid5(NAMESPACE_URL, "urn:orderhub:tasks")


def task_id(key: str) -> UUID:
    """The task a policy creates for a cause, named by the policy's key for that cause."""
    return uuid5(_TASKS, key)


class AssignTask(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    role: Name
    title: Name
    assigned_at: AwareDatetime
    reason: str = ""
    assignee: str = ""  # a person, when the rule names one; otherwise anyone in the role
    due_at: AwareDatetime | None = None
    escalation: tuple[Name, ...] = ()  # who hears about it when it is late, in order
    escalate_every_hours: Hours = 24
    stage: Stage | None = None  # the order stage whose work it is (closed when it is left)


class AcceptTask(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: Name
    at: AwareDatetime


class ReassignTask(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    role: Name
    assignee: str
    reason: Text
    by: Name
    at: AwareDatetime


class CompleteTask(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    completed_by: Name
    completed_at: AwareDatetime
    note: str = ""


class EscalateTask(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The clock's turn: an open task past its deadline goes up its chain."""

    as_of: AwareDatetime


class ObsoleteTask(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The work no longer needs doing (its stage was left, its order cancelled):
    closed with the cause, escalating no further. A task done already stays done."""

    reason: Text
    at: AwareDatetime


TaskCommand = AssignTask | AcceptTask | ReassignTask | CompleteTask | EscalateTask | ObsoleteTask
