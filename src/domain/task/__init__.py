"""Task: a work order handed to a role (or a person) about an order, with a deadline.

Policies assign tasks when the process needs a person (a stage's task template,
a stage gate), so work finds the people who must do it; the person accepts and
completes it, or it is reassigned. A task still open after its deadline
escalates up its chain (team lead, then department head, ...), one level per
interval, until it is done.
"""

from domain.decider import Decider
from domain.task.commands import (
    AcceptTask,
    AssignTask,
    CompleteTask,
    EscalateTask,
    Hours,
    ObsoleteTask,
    ReassignTask,
    TaskCommand,
    task_id,
)
from domain.task.decide import decide
from domain.task.events import (
    TaskAccepted,
    TaskAssigned,
    TaskCompleted,
    TaskEscalated,
    TaskEvent,
    TaskObsolete,
    TaskReassigned,
)
from domain.task.rules import (
    CompletedBeforeAssigned,
    TaskAlreadyAssigned,
    TaskAlreadyCompleted,
    TaskNotFound,
    escalation_due,
)
from domain.task.state import INITIAL, TaskState, evolve

__all__ = [
    "DECIDER",
    "INITIAL",
    "AcceptTask",
    "AssignTask",
    "CompleteTask",
    "CompletedBeforeAssigned",
    "EscalateTask",
    "Hours",
    "ObsoleteTask",
    "ReassignTask",
    "TaskAccepted",
    "TaskAlreadyAssigned",
    "TaskAlreadyCompleted",
    "TaskAssigned",
    "TaskCommand",
    "TaskCompleted",
    "TaskEscalated",
    "TaskEvent",
    "TaskNotFound",
    "TaskObsolete",
    "TaskReassigned",
    "TaskState",
    "decide",
    "escalation_due",
    "evolve",
    "task_id",
]

DECIDER: Decider[TaskCommand, TaskState, TaskEvent] = Decider(
    name="Task",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=TaskEvent,
    commands=TaskCommand,
)
