"""The order list's progress tables: each open order's latest predicted completion
(`{order_list}_predictions`) and the production operations the shop floor recorded
(`{order_list}_operations`), with the boards that read them: the operations board
(orders by how late they are predicted, and why) and the bottleneck heat map per
operation ("生产瓶颈工序热力图").

They belong to the order list's projection (the same copy, position and rebuild), so
a board joins them with the order rows and filters like every other board.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from domain.order.events import CompletionPredicted, OperationFinished, OperationStarted
from domain.order_alert import ExceptionRules
from infrastructure.read_store import Tx, utc_text
from projections.dashboards import ACTIVE, Filters, _days, period_of


class Prediction(msgspec.Struct, kw_only=True):
    order_id: str
    predicted: str
    promised: str
    late_days: int
    basis: str
    why: str
    steps: str  # JSON: the planned steps
    as_of: str
    plan_version: int


class OperationRun(msgspec.Struct, kw_only=True):
    order_id: str
    operation: str
    team: str
    started_at: str
    finished_at: str = ""
    seconds: int = 0


PREDICTION_COLUMNS = tuple(Prediction.__struct_fields__)
OPERATION_COLUMNS = tuple(OperationRun.__struct_fields__)


def schema(table: str) -> list[str]:
    return [
        f"CREATE TABLE IF NOT EXISTS {table}_predictions (order_id TEXT PRIMARY KEY, "
        "predicted TEXT NOT NULL, promised TEXT NOT NULL, late_days BIGINT NOT NULL, "
        "basis TEXT NOT NULL, why TEXT NOT NULL, steps TEXT NOT NULL, as_of TEXT NOT NULL, "
        "plan_version BIGINT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {table}_operations (order_id TEXT NOT NULL, "
        "operation TEXT NOT NULL, team TEXT NOT NULL, started_at TEXT NOT NULL, "
        "finished_at TEXT NOT NULL, seconds BIGINT NOT NULL, PRIMARY KEY (order_id, operation))",
    ]


def tables(table: str) -> list[str]:
    return [f"{table}_predictions", f"{table}_operations"]


class ProgressBatch:
    """The predictions and operation runs one batch of the order list touches."""

    def __init__(self, tx: Tx, table: str, order_ids: list[str]) -> None:
        self.table = table
        self.predictions: dict[str, Prediction] = {}
        self.runs: dict[tuple[str, str], OperationRun] = {}
        self._tx, self._order_ids, self._loaded = tx, order_ids, False

    def apply(self, order_id: str, event: Any) -> None:
        match event:
            case CompletionPredicted():
                self.predictions[order_id] = Prediction(
                    order_id=order_id, predicted=event.predicted.isoformat(),
                    promised=event.promised.isoformat(), late_days=event.late_days,
                    basis=event.basis.value, why=event.why,
                    steps=msgspec.json.encode(event.steps).decode(),
                    as_of=event.as_of.isoformat(), plan_version=event.plan_version,
                )  # fmt: skip
            case OperationStarted(operation=code, team=team, at=at):
                self.runs[order_id, code] = OperationRun(
                    order_id=order_id, operation=code, team=team, started_at=utc_text(at)
                )
            case OperationFinished(operation=code, at=at):
                run = self._run(order_id, code)
                if run is not None:
                    run.finished_at = utc_text(at)
                    started = datetime.fromisoformat(run.started_at)
                    run.seconds = int((at - started).total_seconds())

    def write(self, tx: Tx) -> None:
        astuple = msgspec.structs.astuple
        rows = [astuple(p) for _, p in sorted(self.predictions.items())]
        tx.upsert(f"{self.table}_predictions", PREDICTION_COLUMNS, "order_id", rows)
        runs = [astuple(r) for _, r in sorted(self.runs.items())]
        tx.upsert(f"{self.table}_operations", OPERATION_COLUMNS, "order_id, operation", runs)

    def _run(self, order_id: str, code: str) -> OperationRun | None:
        if not self._loaded:  # read only by a batch that finishes an operation
            found = self._tx.select_in(
                f"SELECT {', '.join(OPERATION_COLUMNS)} FROM {self.table}_operations WHERE",  # noqa: S608
                self._order_ids,
            )
            for row in found:
                key = (row["order_id"], row["operation"])
                self.runs.setdefault(key, msgspec.convert(row, OperationRun))
            self._loaded = True
        return self.runs.get((order_id, code))


def production_board(tx: Tx, table: str, filters: Filters, rules: ExceptionRules) -> dict[str, Any]:
    """The open orders with a prediction, latest first by days late: the predicted date,
    how it was derived, the level it reaches, and the operation under way."""
    where, values = filters.where(tx.backend, "o")
    tx.execute(
        f"SELECT o.order_id, o.external_ref, o.customer_name, o.region, o.salesperson, "  # noqa: S608
        f"o.stage, o.status, p.predicted, p.promised, p.late_days, p.basis, p.why, p.as_of "
        f"FROM {table}_predictions p JOIN {table} o ON o.order_id = p.order_id "
        f"WHERE o.{ACTIVE} AND {where} ORDER BY p.late_days DESC, o.order_id",
        values,
    )
    orders = tx.fetchall()
    tx.execute(
        f"SELECT r.order_id, r.operation, r.team, r.started_at FROM {table}_operations r "  # noqa: S608
        f"JOIN {table} o ON o.order_id = r.order_id WHERE r.finished_at = '' AND o.{ACTIVE}",
    )
    running = {row["order_id"]: row for row in tx.fetchall()}
    levels: dict[str, int] = defaultdict(int)
    for row in orders:
        row["level"] = rules.for_delay(int(row["late_days"]))
        levels[row["level"] or "on_time"] += 1
        under_way = running.get(row["order_id"])
        row["operation"] = under_way["operation"] if under_way else None
        row["team"] = under_way["team"] if under_way else None
    return {"orders": orders, "by_level": dict(sorted(levels.items()))}


def operation_heat(tx: Tx, table: str, filters: Filters) -> list[dict[str, Any]]:
    """Time spent in each production operation, by the week it started (finished runs)."""
    where, values = filters.where(tx.backend, "o")
    tx.execute(
        f"SELECT substr(r.started_at, 1, 10) AS started_on, r.operation, "  # noqa: S608
        f"SUM(r.seconds) AS seconds, COUNT(*) AS n FROM {table}_operations r "
        f"JOIN {table} o ON o.order_id = r.order_id WHERE r.finished_at <> '' AND {where} "
        "GROUP BY started_on, r.operation",
        values,
    )
    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for group in tx.fetchall():
        week = period_of(date.fromisoformat(group["started_on"]), "week")
        cell = cells[(week, group["operation"])]
        cell[0] += int(group["seconds"])
        cell[1] += int(group["n"])
    return [
        {"week": week, "operation": operation, "runs": n,
         "total_days": _days(Decimal(seconds)), "average_days": _days(Decimal(seconds) / n)}
        for (week, operation), (seconds, n) in sorted(cells.items())
    ]  # fmt: skip
