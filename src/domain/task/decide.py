"""`decide`: checks a task command against the state and returns the new facts."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

import msgspec

from domain.task import rules
from domain.task.commands import (
    AcceptTask,
    AssignTask,
    CompleteTask,
    EscalateTask,
    ObsoleteTask,
    ReassignTask,
    TaskCommand,
)
from domain.task.events import (
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    TaskEscalated,
    TaskEvent,
    TaskObsolete,
    TaskReassigned,
)
from domain.task.state import TaskState


def decide(command: TaskCommand, state: TaskState) -> list[TaskEvent]:
    match command:
        case AssignTask():
            rules.must_be_unassigned(state)
            return [TaskAssigned(**msgspec.structs.asdict(command))]
        case AcceptTask(by=by, at=at):
            rules.must_be_open(state, at, "at")
            return [] if state.accepted_by == by else [TaskAccepted(by=by, at=at)]
        case ReassignTask(at=at):
            rules.must_be_open(state, at, "at")
            return [TaskReassigned(role=command.role, assignee=command.assignee,
                                   reason=command.reason, by=command.by, at=at)]  # fmt: skip
        case CompleteTask(completed_at=at):
            rules.must_be_open(state, at, "completed_at")
            return [
                TaskCompleted(completed_by=command.completed_by, completed_at=at, note=command.note)
            ]
        case EscalateTask(as_of=now):
            return _escalations(state, now)
        case ObsoleteTask(reason=reason, at=at):
            if state.version == 0:
                raise rules.TaskNotFound("no such task to close", field="task_id")
            return [] if state.completed else [TaskObsolete(reason=reason, at=at)]
        case _:
            assert_never(command)


def _escalations(state: TaskState, now: datetime) -> list[TaskEvent]:
    """One escalation per level whose time has come."""
    if state.completed or state.due_at is None:
        return []
    reached = rules.escalation_due(
        state.due_at, state.escalate_every_hours, len(state.escalation), now
    )
    return [
        TaskEscalated(level=level, to_role=state.escalation[level - 1],
                      overdue_since=state.due_at, at=now)
        for level in range(state.escalated + 1, reached + 1)
    ]  # fmt: skip
