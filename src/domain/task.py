"""Task: a piece of work handed to a role about an order (check the BOM, start design...).

Policies assign tasks when the process needs a person; the person completes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.shared import AwareDatetime, DomainError, Name


class AssignTask(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    role: Name
    title: Name
    assigned_at: AwareDatetime
    reason: str = ""


class CompleteTask(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    completed_by: Name
    completed_at: AwareDatetime
    note: str = ""


TaskCommand = AssignTask | CompleteTask


class TaskAssigned(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    role: str
    title: str
    assigned_at: AwareDatetime
    reason: str = ""


class TaskCompleted(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    completed_by: str
    completed_at: AwareDatetime
    note: str = ""


TaskEvent = TaskAssigned | TaskCompleted


class TaskState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    order_id: UUID | None = None
    role: str = ""
    title: str = ""
    assigned_at: datetime | None = None
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


def decide(command: TaskCommand, state: TaskState) -> list[TaskEvent]:
    match command:
        case AssignTask():
            if state.version:
                raise TaskAlreadyAssigned("this task was assigned already")
            return [
                TaskAssigned(
                    order_id=command.order_id,
                    role=command.role,
                    title=command.title,
                    assigned_at=command.assigned_at,
                    reason=command.reason,
                )
            ]
        case CompleteTask(completed_at=at):
            if state.assigned_at is None:
                raise TaskNotFound("no such task")
            if state.completed:
                raise TaskAlreadyCompleted("this task was completed already")
            if at < state.assigned_at:
                raise CompletedBeforeAssigned(
                    "completed_at is before the task was assigned", field="completed_at"
                )
            return [
                TaskCompleted(completed_by=command.completed_by, completed_at=at, note=command.note)
            ]
        case _:
            assert_never(command)


def evolve(state: TaskState, event: TaskEvent) -> TaskState:
    match event:
        case TaskAssigned():
            return replace(
                state,
                version=state.version + 1,
                order_id=event.order_id,
                role=event.role,
                title=event.title,
                assigned_at=event.assigned_at,
            )
        case TaskCompleted():
            return replace(state, version=state.version + 1, completed=True)
        case _:
            assert_never(event)
