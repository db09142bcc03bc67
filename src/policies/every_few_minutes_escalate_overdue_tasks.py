"""Every few minutes, escalate tasks still open past their deadline, a level at a time.

For each overdue task the job works out how far up its chain it should have
gone by now and, if that is further than it has, sends EscalateTask as of now.
The command id names the task and the level to reach, so the clock firing again
(another instance, a restart, a lagging read model) escalates once per level;
the Task aggregate itself decides (a completion that just came in wins).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from application.service import ApplicationService, CommandIdReused, CommandMeta
from domain.deciders import TASK
from domain.task import EscalateTask, escalation_due
from infrastructure.read_store import ReadStore, utc_text
from projections.tasks import escalatable

NAME = "every_few_minutes_escalate_overdue_tasks"


class EscalateOverdueTasks:
    def __init__(
        self, service: ApplicationService, store: ReadStore, table: Callable[[], str]
    ) -> None:
        self.service = service
        self.store = store
        self.table = table  # the tasks read model's active copy

    def run(self, now: datetime) -> list[UUID]:
        with self.store.transaction(commit=False) as tx:
            overdue = escalatable(tx, self.table(), utc_text(now))
        escalated = []
        for row in overdue:
            due = datetime.fromisoformat(row["due_at"])
            level = escalation_due(due, row["escalate_every_hours"], row["levels"], now)
            if level <= row["escalated"]:
                continue
            task_id = UUID(row["task_id"])
            meta = CommandMeta(command_id=f"{NAME}:{task_id}:{level}", actor=f"clock:{NAME}")
            try:
                self.service.execute(TASK, task_id, EscalateTask(as_of=now), meta)
            except CommandIdReused as refused:
                self.service.done_before(refused, meta)
                continue  # an earlier firing reached this level (the read model lags)
            escalated.append(task_id)
        return escalated
