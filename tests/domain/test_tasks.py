"""Work orders: assigned with a deadline, accepted, reassigned, completed, escalated when late."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID

from domain.task import (
    INITIAL,
    AcceptTask,
    AssignTask,
    CompleteTask,
    EscalateTask,
    ReassignTask,
    TaskAccepted,
    TaskAlreadyCompleted,
    TaskEscalated,
    TaskNotFound,
    TaskReassigned,
    decide,
    evolve,
)
from domain.testing import spec

given = spec(decide, evolve, INITIAL)
CST = timezone(timedelta(hours=8))
T = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
DUE = T + timedelta(days=2)
ASSIGN = AssignTask(order_id=UUID(int=7), role="engineer", assignee="eng.chen",
                    title="技术评审 technical review", assigned_at=T, due_at=DUE,
                    escalation=("team_lead", "department_head"))  # fmt: skip


def test_nothing_escalates_before_the_deadline() -> None:
    given(*given.run(ASSIGN)).when(EscalateTask(as_of=DUE)).then()


def test_a_late_task_goes_up_its_chain_one_level_per_day() -> None:
    history = given.run(ASSIGN)
    given(*history).when(EscalateTask(as_of=DUE + timedelta(minutes=1))).then(
        TaskEscalated(level=1, to_role="team_lead", overdue_since=DUE,
                      at=DUE + timedelta(minutes=1))
    )  # fmt: skip
    later = DUE + timedelta(days=1, minutes=1)
    first = given.run(ASSIGN, EscalateTask(as_of=DUE + timedelta(minutes=1)))
    given(*first).when(EscalateTask(as_of=later)).then(
        TaskEscalated(level=2, to_role="department_head", overdue_since=DUE, at=later)
    )
    top = given.run(ASSIGN, EscalateTask(as_of=later))
    given(*top).when(EscalateTask(as_of=later + timedelta(days=9))).then()  # no one above


def test_a_done_task_never_escalates() -> None:
    history = given.run(ASSIGN, CompleteTask(completed_by="eng.chen", completed_at=T))
    given(*history).when(EscalateTask(as_of=DUE + timedelta(days=5))).then()
    given(*history).when(CompleteTask(completed_by="x", completed_at=T)).raises(
        TaskAlreadyCompleted
    )


def test_accepting_and_reassigning() -> None:
    history = given.run(ASSIGN)
    given(*history).when(AcceptTask(by="eng.chen", at=T)).then(TaskAccepted(by="eng.chen", at=T))
    accepted = given.run(ASSIGN, AcceptTask(by="eng.chen", at=T))
    given(*accepted).when(AcceptTask(by="eng.chen", at=T)).then()  # accepting twice is a no-op
    move = ReassignTask(role="engineer", assignee="eng.wu", reason="chen on leave", by="lead",
                        at=T + timedelta(hours=1))  # fmt: skip
    state = given(*accepted).when(move).state()
    assert (state.assignee, state.accepted_by) == ("eng.wu", "")
    assert isinstance(given(*accepted).when(move).events()[0], TaskReassigned)


def test_only_an_assigned_task_can_be_worked_on() -> None:
    given().when(AcceptTask(by="x", at=T)).raises(TaskNotFound)
