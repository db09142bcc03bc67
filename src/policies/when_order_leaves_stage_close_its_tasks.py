"""When an order leaves a stage, the tasks of that stage still open are closed as obsolete.

A design task stayed open after the stage gate moved the order on, and escalated
to the VP. Each task handed out for a stage's work says which stage
(`TaskAssigned.stage`); this policy keeps, per order, its current stage and the
open tasks of each stage. When the order moves on (or is cancelled) it closes the
open ones with the cause, so they escalate no further; a task assigned after its
order had already left the stage (its assignment was still in the outbox) is
closed as soon as it arrives. A task completed meanwhile stays completed: closing
it again changes nothing. Command ids name the task, so each is closed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.decider import topic_of
from domain.deciders import TASK
from domain.envelope import Recorded
from domain.order.events import OrderCancelled, OrderPlaced, OrderSigned, StageAdvanced
from domain.stages import Stage
from domain.task import ObsoleteTask, TaskAssigned, TaskCompleted, TaskObsolete
from infrastructure.read_store import Tx
from policies import outbox

NAME = "when_order_leaves_stage_close_its_tasks"


class CloseStageTasksPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (OrderPlaced, OrderSigned, StageAdvanced, OrderCancelled, TaskAssigned,
                  TaskCompleted, TaskObsolete)
    )  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders, self.tasks = f"{name}_orders", f"{name}_tasks"

    def tables(self) -> list[str]:
        return [self.orders, self.tasks]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "stage TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.tasks} (task_id TEXT PRIMARY KEY, "
            "order_id TEXT NOT NULL, stage TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {self.tasks}_by_order ON {self.tasks} (order_id, stage)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event, stream = recorded.event, str(recorded.originator_id)
            match event:
                case OrderPlaced():
                    self._stage(tx, stream, event.route.stages[0].value)
                case OrderSigned():
                    self._left(tx, recorded, Stage.PENDING_CONFIRMATION, "signed", event.signed_at)
                    self._stage(tx, stream, Stage.SIGNED.value)
                case StageAdvanced(from_stage=left, to_stage=entered, at=at):
                    self._left(tx, recorded, left, f"moved to {entered.value}", at)
                    self._stage(tx, stream, entered.value)
                case OrderCancelled(at=at):
                    self._left(tx, recorded, None, "cancelled", at)
                    self._stage(tx, stream, "cancelled")
                case TaskAssigned(stage=stage) if stage is not None:
                    self._assigned(tx, recorded, event, stage)
                case TaskCompleted() | TaskObsolete():
                    tx.execute(f"DELETE FROM {self.tasks} WHERE task_id = ?",  # noqa: S608
                               (stream,))  # fmt: skip

    def _stage(self, tx: Tx, order_id: str, stage: str) -> None:
        tx.upsert(self.orders, ("order_id", "stage"), "order_id", [(order_id, stage)])

    def _assigned(self, tx: Tx, cause: Recorded[Any], event: TaskAssigned, stage: Stage) -> None:
        order_id = str(event.order_id)
        tx.execute(f"SELECT stage FROM {self.orders} WHERE order_id = ?",  # noqa: S608
                   (order_id,))  # fmt: skip
        found = tx.fetchone()
        now = None if found is None else found["stage"]
        if now is not None and now != stage.value:  # the order moved on before it arrived
            self._close(tx, cause, str(cause.originator_id), stage.value,
                        f"order already {now}", event.assigned_at)  # fmt: skip
            return
        tx.upsert(self.tasks, ("task_id", "order_id", "stage"), "task_id",
                  [(str(cause.originator_id), order_id, stage.value)])  # fmt: skip

    def _left(
        self, tx: Tx, cause: Recorded[Any], stage: Stage | None, how: str, at: datetime
    ) -> None:
        """Close the order's open tasks of `stage` (None: of every stage)."""
        order_id = str(cause.originator_id)
        if stage is None:
            tx.execute(f"SELECT task_id, stage FROM {self.tasks} WHERE order_id = ?",  # noqa: S608
                       (order_id,))  # fmt: skip
        else:
            tx.execute(f"SELECT task_id, stage FROM {self.tasks} "  # noqa: S608
                       "WHERE order_id = ? AND stage = ?", (order_id, stage.value))  # fmt: skip
        for row in tx.fetchall():
            self._close(tx, cause, row["task_id"], row["stage"], f"order {how}", at)

    def _close(  # noqa: PLR0913, PLR0917 - the task and why
        self, tx: Tx, cause: Recorded[Any], task: str, stage: str, how: str, at: datetime
    ) -> None:
        reason = f"obsolete: its stage {stage} is over ({how})"
        command = ObsoleteTask(reason=reason, at=at)
        outbox.enqueue(tx, NAME, outbox.Intent(f"{NAME}:{task}", TASK, UUID(task), command),
                       cause)  # fmt: skip
        tx.execute(f"DELETE FROM {self.tasks} WHERE task_id = ?", (task,))  # noqa: S608
