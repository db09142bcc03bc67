"""When an order enters a stage, hand out the stage's tasks (work finds people: 事找人).

Signing an order gives the technical department its review task at once; every
later stage of the route may carry tasks of its own. Which tasks, for whom, due
when and escalating to whom is rulebook data (task templates); the policy keeps
each order's route, region and product lines so it can apply the templates in
force when the order enters the stage. Each task's command id, and so its id,
names the order, the stage and the task title: a stage hands out each task once
however often its events are redelivered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from domain.decider import topic_of
from domain.deciders import TASK
from domain.envelope import Recorded
from domain.order.events import (
    OrderCancelled,
    OrderChanged,
    OrderLine,
    OrderPlaced,
    OrderSigned,
    StageAdvanced,
)
from domain.rulebook import TaskTemplatesPublished
from domain.stages import Stage
from domain.task import task_id
from domain.work_templates import TaskTemplates, tasks_on_entering
from infrastructure.read_store import Tx
from policies import outbox

NAME = "when_order_enters_stage_assign_task"
_templates = msgspec.json.Decoder(TaskTemplates)
_lines = msgspec.json.Decoder(dict[str, str])


class PublishedTemplates:
    """The task templates in force as a policy has seen the log up to its event."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.schema = [
            f"CREATE TABLE IF NOT EXISTS {table} (id BIGINT PRIMARY KEY, templates TEXT NOT NULL)"
        ]

    def track(self, tx: Tx, event: object) -> bool:
        """Apply a publication; True if it was one."""
        if not isinstance(event, TaskTemplatesPublished):
            return False
        row = (1, msgspec.json.encode(event.templates).decode())
        tx.upsert(self.table, ("id", "templates"), "id", [row])
        return True

    def current(self, tx: Tx) -> TaskTemplates | None:
        """None before the first publication: orders older than templates get no tasks."""
        tx.execute(f"SELECT templates FROM {self.table} WHERE id = 1")  # noqa: S608
        found = tx.fetchone()
        return None if found is None else _templates.decode(found["templates"])


class AssignStageTasksPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (OrderPlaced, OrderChanged, OrderSigned, StageAdvanced, OrderCancelled,
                  TaskTemplatesPublished)
    )  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders = f"{name}_orders"
        self.templates = PublishedTemplates(f"{name}_templates")

    def tables(self) -> list[str]:
        return [self.orders, self.templates.table]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "order_type TEXT NOT NULL, region TEXT NOT NULL, product_lines TEXT NOT NULL)",
            *self.templates.schema,
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event, order_id = recorded.event, str(recorded.originator_id)
            if self.templates.track(tx, event):
                continue
            match event:
                case OrderPlaced():
                    lines = {line.line_id: line.product_line for line in event.lines}
                    self._order(tx, order_id, event.order_type, event.region, lines)
                case OrderChanged(added=added, removed=removed):
                    self._change_lines(tx, order_id, added, removed)
                case OrderCancelled():
                    tx.execute(f"DELETE FROM {self.orders} WHERE order_id = ?",  # noqa: S608
                               (order_id,))  # fmt: skip
                case OrderSigned(signed_at=at):
                    self._assign(tx, recorded, Stage.SIGNED, at)
                case StageAdvanced(to_stage=stage, at=at):
                    self._assign(tx, recorded, stage, at)

    def _order(
        self, tx: Tx, order_id: str, order_type: str, region: str, lines: dict[str, str]
    ) -> None:
        row = (order_id, order_type, region, msgspec.json.encode(lines).decode())
        tx.upsert(self.orders, ("order_id", "order_type", "region", "product_lines"), "order_id",
                  [row])  # fmt: skip

    def _change_lines(
        self, tx: Tx, order_id: str, added: Sequence[OrderLine], removed: Sequence[str]
    ) -> None:
        row = self._row(tx, order_id)
        if row is None:
            return
        lines = {k: v for k, v in _lines.decode(row["product_lines"]).items() if k not in removed}
        lines |= {line.line_id: line.product_line for line in added}
        self._order(tx, order_id, row["order_type"], row["region"], lines)

    def _row(self, tx: Tx, order_id: str) -> Any:
        tx.execute(f"SELECT * FROM {self.orders} WHERE order_id = ?", (order_id,))  # noqa: S608
        return tx.fetchone()

    def _assign(self, tx: Tx, cause: Recorded[Any], stage: Stage, at: datetime) -> None:
        order_id = cause.originator_id
        row = self._row(tx, str(order_id))
        if row is None:
            return
        templates = self.templates.current(tx)
        if templates is None:
            return
        lines = [line for line in _lines.decode(row["product_lines"]).values() if line]
        for assign in tasks_on_entering(
            templates, order_id=UUID(str(order_id)), order_type=row["order_type"], stage=stage,
            region=row["region"], product_lines=lines, entered_at=at,
        ):  # fmt: skip
            key = f"{NAME}:{order_id}:{stage.value}:{assign.title}"
            outbox.enqueue(tx, NAME, outbox.Intent(key, TASK, task_id(key), assign), cause)
