"""When an order's gate documents are confirmed, move it on and hand out the next task.

An order in 设计中 whose design drawings are uploaded and signed back
by the customer moves to 备料中 by itself, and the purchasing manager is asked to
check the bill of materials. Which stages and documents is rulebook data (stage
gates). The policy tracks, per order, its stage and each of its documents: the
gate opens once every document of its kinds is confirmed by the customer (or
released without needing it) and none awaits confirmation - a second drawing
still with the customer holds it. When a gate's condition holds it enqueues, in the
same transaction as its own rows and position, the stage advance and the task,
with command ids derived from the order and the gate, so the gate fires once
per order however often events are redelivered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from domain.decider import topic_of
from domain.deciders import ORDER, TASK
from domain.document_version.events import VersionConfirmed, VersionUploaded
from domain.envelope import Recorded
from domain.order.commands import AdvanceStage
from domain.order.events import (
    OrderCancelled,
    OrderPlaced,
    OrderPutOnHold,
    OrderResumed,
    OrderSigned,
    StageAdvanced,
)
from domain.rulebook import StageGate, StageGatesPublished
from domain.stages import Stage
from domain.task import AssignTask, task_id
from infrastructure.read_store import Tx, utc_text
from policies import outbox

NAME = "when_documents_confirmed_pass_stage_gate"
_gates = msgspec.json.Decoder(tuple[StageGate, ...])
TRIGGERS = (OrderPlaced, OrderSigned, StageAdvanced, OrderCancelled, OrderPutOnHold, OrderResumed)


class StageGatePolicy:
    topics = frozenset(
        topic_of(t) for t in (*TRIGGERS, VersionUploaded, VersionConfirmed, StageGatesPublished)
    )

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders, self.documents, self.gates = f"{name}_orders", f"{name}_docs", f"{name}_gates"

    def tables(self) -> list[str]:
        return [self.orders, self.documents, self.gates]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "stage TEXT NOT NULL, since TEXT NOT NULL, held BIGINT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.documents} (document_id TEXT PRIMARY KEY, "
            "order_id TEXT NOT NULL, kind TEXT NOT NULL, confirmed_at TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.gates} (id BIGINT PRIMARY KEY, gates TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            order_id = self._track(tx, recorded)
            if order_id is not None:
                self._check_gates(tx, order_id, recorded)

    def _track(self, tx: Tx, recorded: Recorded[Any]) -> str | None:
        """Record what the event says; return the order whose gates it may open."""
        event, stream = recorded.event, str(recorded.originator_id)
        match event:
            case OrderPlaced(placed_at=at):
                self._stage(tx, stream, event.route.stages[0], utc_text(at))
            case OrderSigned(signed_at=at):
                self._stage(tx, stream, Stage.SIGNED, utc_text(at))
            case StageAdvanced(to_stage=stage, at=at):
                self._stage(tx, stream, stage, utc_text(at))
            case OrderCancelled():
                tx.execute(f"DELETE FROM {self.orders} WHERE order_id = ?", (stream,))  # noqa: S608
                return None
            case OrderPutOnHold() | OrderResumed():
                held = int(isinstance(event, OrderPutOnHold))
                tx.execute(
                    f"UPDATE {self.orders} SET held = ? WHERE order_id = ?",  # noqa: S608
                    (held, stream),
                )
            case VersionUploaded(order_id=order_id, kind=kind):
                # A new version awaits the customer again; one released without their
                # confirmation is ready as uploaded.
                ready = "" if event.customer_must_confirm else utc_text(event.uploaded_at)
                tx.upsert(self.documents, ("document_id", "order_id", "kind", "confirmed_at"),
                          "document_id", [(stream, str(order_id), kind.value, ready)])  # fmt: skip
                return str(order_id) if ready else None
            case VersionConfirmed(signed_at=at):
                tx.execute(
                    f"UPDATE {self.documents} SET confirmed_at = ? "  # noqa: S608
                    "WHERE document_id = ? AND confirmed_at = ''",
                    (utc_text(at), stream),
                )
                tx.execute(
                    f"SELECT order_id FROM {self.documents} WHERE document_id = ?",  # noqa: S608
                    (stream,),
                )
                found = tx.fetchone()
                return None if found is None else str(found["order_id"])
            case StageGatesPublished(gates=gates):
                tx.upsert(
                    self.gates, ("id", "gates"), "id", [(1, msgspec.json.encode(gates).decode())]
                )
                return None
            case _:
                return None
        return stream

    def _stage(self, tx: Tx, order_id: str, stage: Stage, since: str) -> None:
        tx.upsert(self.orders, ("order_id", "stage", "since", "held"), "order_id",
                  [(order_id, stage.value, since, 0)])  # fmt: skip

    def _check_gates(self, tx: Tx, order_id: str, cause: Recorded[Any]) -> None:
        tx.execute(f"SELECT * FROM {self.orders} WHERE order_id = ?", (order_id,))  # noqa: S608
        order_row = tx.fetchone()
        if order_row is None or order_row["held"]:
            return
        tx.execute(f"SELECT gates FROM {self.gates} WHERE id = 1")  # noqa: S608
        gates_row = tx.fetchone()
        gates = _gates.decode(gates_row["gates"]) if gates_row else ()
        # Most order events leave the order in a stage no gate starts from: stop here.
        waiting = [g for g in gates if g.from_stage.value == order_row["stage"]]
        if not waiting:
            return
        # Per kind: when its last document was confirmed, or none while any awaits.
        tx.execute(
            f"SELECT kind, MAX(confirmed_at) AS at, MIN(confirmed_at) AS first "  # noqa: S608
            f"FROM {self.documents} WHERE order_id = ? GROUP BY kind",
            (order_id,),
        )
        confirmed = {row["kind"]: row["at"] for row in tx.fetchall() if row["first"] != ""}
        for gate in waiting:
            kinds = [k.value for k in gate.confirmed_documents]
            if not all(k in confirmed for k in kinds):
                continue  # a kind with no document yet, or one still awaiting the customer
            # The business time the gate opened: the later of entering the stage and the
            # last confirmation it waited for.
            opened = max([order_row["since"], *(confirmed[k] for k in kinds)])
            self._pass(tx, UUID(order_id), gate, opened, cause)

    def _pass(
        self, tx: Tx, order_id: UUID, gate: StageGate, opened: str, cause: Recorded[Any]
    ) -> None:
        at = datetime.fromisoformat(opened)
        # Keyed by the policy, not by this copy: a rebuilt copy decides the same commands.
        key = f"{NAME}:{order_id}:{gate.from_stage.value}->{gate.to_stage.value}"
        advance = AdvanceStage(to_stage=gate.to_stage, at=at)
        outbox.enqueue(tx, NAME, outbox.Intent(key, ORDER, order_id, advance), cause)
        task_key = f"{key}:task"
        assign = AssignTask(
            order_id=order_id,
            role=gate.notify_role,
            title=gate.task,
            assigned_at=at,
            reason=f"order moved to {gate.to_stage.value}",
            due_at=at + timedelta(hours=gate.due_in_hours),
            escalation=gate.escalation,
            escalate_every_hours=gate.escalate_every_hours,
            stage=gate.to_stage,
        )
        task = outbox.Intent(task_key, TASK, task_id(task_key), assign)
        outbox.enqueue(tx, NAME, task, cause)
