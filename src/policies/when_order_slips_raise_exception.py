"""When an order's predicted completion slips past its contract date, or a customer
complains, raise (or move, or close) its L1-L4 exception.

Every new prediction of the order (`CompletionPredicted`, derived by the order from
its plan, stock and any date a person entered: see
when_order_progresses_predict_completion) is assessed against the published
exception rules (L1-L4, see docs/operators.md) with the days it lies past the
promise - nobody has to type a date; a formal complaint or a major/critical quality
incident raises L4, and completing or cancelling the order closes what is open.
Commands are keyed by the causing event, so each fact is assessed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec

from domain.decider import topic_of
from domain.deciders import ORDER_ALERT
from domain.envelope import Recorded
from domain.order.events import (
    ComplaintFiled,
    CompletionPredicted,
    OrderCancelled,
    OrderPlaced,
    QualityIncidentReported,
    Severity,
    StageAdvanced,
)
from domain.order_alert import (
    DEFAULT_EXCEPTION_RULES,
    AssessDelay,
    CloseAlert,
    ExceptionRules,
    ReportIncident,
    order_alert_id,
)
from domain.rulebook import ExceptionRulesPublished
from domain.stages import Stage
from infrastructure.read_store import Tx
from policies import outbox

NAME = "when_order_slips_raise_exception"
_rules = msgspec.json.Decoder(ExceptionRules)
_SERIOUS = frozenset({Severity.MAJOR, Severity.CRITICAL})
_DONE = frozenset({Stage.COMPLETED, Stage.LIVE})


class RaiseExceptionPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (OrderPlaced, CompletionPredicted, ComplaintFiled,
                  QualityIncidentReported, OrderCancelled, StageAdvanced, ExceptionRulesPublished)
    )  # fmt: skip

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders, self.rules = f"{name}_orders", f"{name}_rules"

    def tables(self) -> list[str]:
        return [self.orders, self.rules]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "promised TEXT NOT NULL, alerted BIGINT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.rules} (id BIGINT PRIMARY KEY, rules TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            self._apply(tx, recorded)

    def _apply(self, tx: Tx, recorded: Recorded[Any]) -> None:
        event, order_id = recorded.event, str(recorded.originator_id)
        match event:
            case ExceptionRulesPublished(rules=rules):
                tx.upsert(self.rules, ("id", "rules"), "id",
                          [(1, msgspec.json.encode(rules).decode())])  # fmt: skip
            case OrderPlaced(promised_delivery=promised):
                tx.upsert(self.orders, ("order_id", "promised", "alerted"), "order_id",
                          [(order_id, promised.isoformat(), 0)])  # fmt: skip
            case CompletionPredicted(late_days=late):
                self._assess(tx, recorded, late)
            case ComplaintFiled(description=text, at=at):
                self._incident(tx, recorded, f"客户正式投诉 formal complaint: {text}", at)
            case QualityIncidentReported(severity=severity, description=text, at=at):
                if severity in _SERIOUS:
                    self._incident(tx, recorded, f"质量事故 {severity.value} incident: {text}", at)
            case OrderCancelled(at=at):
                self._close(tx, recorded, "order cancelled", at)
            case StageAdvanced(to_stage=stage, at=at) if stage in _DONE:
                self._close(tx, recorded, f"order {stage.value}", at)

    def _assess(self, tx: Tx, recorded: Recorded[Any], delay: int) -> None:
        if self._promised(tx, str(recorded.originator_id)) is None:
            return
        # The prediction has no business time of its own: it counts from when it was recorded.
        assess = AssessDelay(order_id=recorded.originator_id, delay_days=delay,
                             at=recorded.timestamp, rules=self._current(tx))  # fmt: skip
        self._enqueue(tx, recorded, assess, alerted=True)

    def _incident(self, tx: Tx, recorded: Recorded[Any], text: str, at: Any) -> None:
        if self._promised(tx, str(recorded.originator_id)) is None:
            return
        report = ReportIncident(order_id=recorded.originator_id, description=text[:2000], at=at,
                                rules=self._current(tx))  # fmt: skip
        self._enqueue(tx, recorded, report, alerted=True)

    def _close(self, tx: Tx, recorded: Recorded[Any], why: str, at: Any) -> None:
        tx.execute(f"SELECT alerted FROM {self.orders} WHERE order_id = ?",  # noqa: S608
                   (str(recorded.originator_id),))  # fmt: skip
        row = tx.fetchone()
        if row is not None and row["alerted"]:
            close = CloseAlert(by="system", resolution=why, at=at)
            self._enqueue(tx, recorded, close, alerted=False)

    def _enqueue(self, tx: Tx, cause: Recorded[Any], command: Any, *, alerted: bool) -> None:
        order_id = cause.originator_id
        tx.execute(f"UPDATE {self.orders} SET alerted = ? WHERE order_id = ?",  # noqa: S608
                   (int(alerted), str(order_id)))  # fmt: skip
        key = f"{NAME}:{order_id}:v{cause.originator_version}"
        intent = outbox.Intent(key, ORDER_ALERT, order_alert_id(order_id), command)
        outbox.enqueue(tx, NAME, intent, cause)

    def _promised(self, tx: Tx, order_id: str) -> date | None:
        tx.execute(f"SELECT promised FROM {self.orders} WHERE order_id = ?", (order_id,))  # noqa: S608
        row = tx.fetchone()
        return None if row is None else date.fromisoformat(row["promised"])

    def _current(self, tx: Tx) -> ExceptionRules:
        tx.execute(f"SELECT rules FROM {self.rules} WHERE id = 1")  # noqa: S608
        row = tx.fetchone()
        return _rules.decode(row["rules"]) if row else DEFAULT_EXCEPTION_RULES
