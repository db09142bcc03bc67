"""Task: a work order handed to a role (or a person) about an order, with a deadline.

Policies assign tasks when the process needs a person (a stage's task template,
a stage gate); the person accepts and completes them, or they are reassigned.
A task still open after its deadline escalates up its chain (team lead, then
department head, ...), one level per interval, until it is done (seed 000:
work finds people, 事找人).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, assert_never
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from msgspec.structs import replace

from domain.shared import AwareDatetime, DomainError, Name, Text

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


TaskCommand = AssignTask | AcceptTask | ReassignTask | CompleteTask | EscalateTask


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


TaskEvent = TaskAssigned | TaskAccepted | TaskReassigned | TaskCompleted | TaskEscalated


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


class TaskAlreadyAssigned(DomainError):
    rule = "task_already_assigned"


class TaskNotFound(DomainError):
    rule = "task_not_found"


class TaskAlreadyCompleted(DomainError):
    rule = "task_already_completed"


class CompletedBeforeAssigned(DomainError):
    rule = "completed_before_assigned"


def _open(state: TaskState, at: datetime, field: str) -> None:
    if state.assigned_at is None:
        raise TaskNotFound("no such task")
    if state.completed:
        raise TaskAlreadyCompleted("this task was completed already")
    if at < state.assigned_at:
        raise CompletedBeforeAssigned(f"{field} is before the task was assigned", field=field)


def escalation_due(due_at: datetime | None, every_hours: int, chain: int, now: datetime) -> int:
    """How far up a chain of `chain` roles an open task should have gone by `now`:
    the first level at the deadline, one more every `every_hours` after it."""
    if due_at is None or now <= due_at:
        return 0
    return min(chain, 1 + int((now - due_at) / timedelta(hours=every_hours)))


def _escalations(state: TaskState, now: datetime) -> list[TaskEvent]:
    """One escalation per level whose time has come."""
    if state.completed or state.due_at is None:
        return []
    reached = escalation_due(state.due_at, state.escalate_every_hours, len(state.escalation), now)
    return [
        TaskEscalated(level=level, to_role=state.escalation[level - 1],
                      overdue_since=state.due_at, at=now)
        for level in range(state.escalated + 1, reached + 1)
    ]  # fmt: skip


def decide(command: TaskCommand, state: TaskState) -> list[TaskEvent]:
    match command:
        case AssignTask():
            if state.version:
                raise TaskAlreadyAssigned("this task was assigned already")
            return [TaskAssigned(**msgspec.structs.asdict(command))]
        case AcceptTask(by=by, at=at):
            _open(state, at, "at")
            return [] if state.accepted_by == by else [TaskAccepted(by=by, at=at)]
        case ReassignTask(at=at):
            _open(state, at, "at")
            return [TaskReassigned(role=command.role, assignee=command.assignee,
                                   reason=command.reason, by=command.by, at=at)]  # fmt: skip
        case CompleteTask(completed_at=at):
            _open(state, at, "completed_at")
            return [
                TaskCompleted(completed_by=command.completed_by, completed_at=at, note=command.note)
            ]
        case EscalateTask(as_of=now):
            return _escalations(state, now)
        case _:
            assert_never(command)


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
        case TaskCompleted():
            return replace(state, version=version, completed=True)
        case TaskEscalated(level=level):
            return replace(state, version=version, escalated=level)
        case _:
            assert_never(event)
