"""Named task rules: each a small check that raises a DomainError naming itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.shared import DomainError
from domain.task.state import TaskState


class TaskAlreadyAssigned(DomainError):
    rule = "task_already_assigned"


class TaskNotFound(DomainError):
    rule = "task_not_found"


class TaskAlreadyCompleted(DomainError):
    rule = "task_already_completed"


class CompletedBeforeAssigned(DomainError):
    rule = "completed_before_assigned"


def must_be_unassigned(state: TaskState) -> None:
    """A task is assigned once; its id comes from the policy's key for the cause."""
    if state.version:
        raise TaskAlreadyAssigned("this task was assigned already")


def must_be_open(state: TaskState, at: datetime, field: str) -> None:
    """Only an assigned task not yet completed is worked on, and not before it was assigned."""
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
