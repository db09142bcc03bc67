"""The order list: one row per order, for `GET /orders` (filter, sort, paginate)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import msgspec
from msgspec.structs import replace

from domain.envelope import Recorded
from domain.order.events import (
    ActualCostRecorded,
    ComplaintFiled,
    CostEstimated,
    CustomerAccepted,
    CustomerFeedbackRecorded,
    ExpectedCompletionUpdated,
    OrderApproved,
    OrderCancelled,
    OrderChanged,
    OrderLine,
    OrderPlaced,
    OrderPutOnHold,
    OrderRejected,
    OrderResumed,
    OrderSigned,
    QualityIncidentReported,
    StageAdvanced,
)
from domain.order.state import changed_lines
from domain.rulebook import Stage
from domain.shared import total
from projections.store import Row, Tx

NAME = "order_list"
_lines = msgspec.json.Decoder(tuple[OrderLine, ...])


class OrderRow(msgspec.Struct, kw_only=True):
    order_id: str
    channel: str
    external_ref: str
    order_type: str
    customer_id: str
    customer_name: str
    region: str
    salesperson: str
    currency: str
    total: str
    stage: str
    terminal_stage: str
    status: str
    required_approvals: str
    approvals: str
    pending_approvals: str
    rejection: str
    placed_at: str
    signed_at: str
    closed_at: str
    promised_delivery: str
    contract_number: str
    revision: int
    version: int
    updated_at: str
    lines: str
    expected_completion: str = ""
    stage_entered_at: str = ""
    accepted_at: str = ""
    estimated_cost: str = ""
    actual_cost: str = ""
    feedback_count: int = 0
    complaint_count: int = 0
    incident_count: int = 0


COLUMNS = tuple(OrderRow.__struct_fields__)
_INTEGERS = {"revision", "version", "feedback_count", "complaint_count", "incident_count"}
STAGE_COLUMNS = ("order_id", "seq", "stage", "entered_at", "exited_at", "seconds")


class OrderListProjection:
    """Named after its table; a differently named copy builds beside the live one."""

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name
        self.stages = f"{name}_stages"
        self._upsert = (
            f"INSERT INTO {name} ({', '.join(COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join('?' * len(COLUMNS))}) ON CONFLICT (order_id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c != "order_id")
        )

    def tables(self) -> list[str]:
        return [self.table, self.stages]

    def schema(self) -> list[str]:
        table = self.table
        cols = ", ".join(
            f"{c} BIGINT NOT NULL" if c in _INTEGERS else f"{c} TEXT NOT NULL"
            for c in COLUMNS
            if c != "order_id"
        )
        return [
            f"CREATE TABLE IF NOT EXISTS {table} (order_id TEXT PRIMARY KEY, {cols})",
            f"CREATE INDEX IF NOT EXISTS {table}_placed ON {table} (placed_at DESC, order_id)",
            f"CREATE INDEX IF NOT EXISTS {table}_stage ON {table} (stage)",
            f"CREATE INDEX IF NOT EXISTS {table}_customer ON {table} (customer_id)",
            f"CREATE TABLE IF NOT EXISTS {self.stages} (order_id TEXT NOT NULL, "
            "seq BIGINT NOT NULL, stage TEXT NOT NULL, entered_at TEXT NOT NULL, "
            "exited_at TEXT NOT NULL, seconds BIGINT NOT NULL, PRIMARY KEY (order_id, seq))",
        ]

    def apply(self, tx: Tx, recorded: Recorded[Any]) -> None:
        event = recorded.event
        order_id = str(recorded.originator_id)
        if isinstance(event, OrderPlaced):
            row = _placed(order_id, event)
            self._enter(tx, order_id, 0, row.stage, event.placed_at)
        else:
            existing = _load(tx, self.table, order_id)
            if existing is None:
                return  # not an order event
            row = _changed(existing, event) or existing
            self._visit(tx, order_id, event)
        row = replace(row, version=recorded.originator_version, updated_at=_utc(recorded.timestamp))
        tx.execute(self._upsert, msgspec.structs.astuple(row))

    def _visit(self, tx: Tx, order_id: str, event: Any) -> None:
        """Keep the stage visits: when each stage was entered and left, and how long it took."""
        match event:
            case OrderSigned(signed_at=at):
                self._leave_and_enter(tx, order_id, Stage.SIGNED.value, at)
            case StageAdvanced(to_stage=stage, at=at):
                self._leave_and_enter(tx, order_id, stage.value, at)
            case OrderCancelled(at=at):
                self._leave_and_enter(tx, order_id, None, at)

    def _leave_and_enter(self, tx: Tx, order_id: str, stage: str | None, at: datetime) -> None:
        stages = self.stages
        tx.execute(
            f"SELECT seq, entered_at FROM {stages} WHERE order_id = ? AND exited_at = '' "  # noqa: S608
            "ORDER BY seq DESC",
            (order_id,),
        )
        current = tx.fetchone()
        seq = 0
        if current is not None:
            seq = int(current["seq"]) + 1
            seconds = int((at - datetime.fromisoformat(current["entered_at"])).total_seconds())
            tx.execute(
                f"UPDATE {stages} SET exited_at = ?, seconds = ? WHERE order_id = ? AND seq = ?",  # noqa: S608
                (_utc(at), seconds, order_id, current["seq"]),
            )
        if stage is not None:
            self._enter(tx, order_id, seq, stage, at)

    def _enter(self, tx: Tx, order_id: str, seq: int, stage: str, at: datetime) -> None:
        tx.execute(
            f"INSERT INTO {self.stages} VALUES (?, ?, ?, ?, '', 0)",  # noqa: S608
            (order_id, seq, stage, _utc(at)),
        )


def _placed(order_id: str, e: OrderPlaced) -> OrderRow:
    return OrderRow(
        order_id=order_id,
        channel=e.channel.value,
        external_ref=e.external_ref,
        order_type=e.order_type,
        customer_id=e.customer_id,
        customer_name=e.customer_name,
        region=e.region,
        salesperson=e.salesperson,
        currency=e.currency,
        total=str(total([line.net for line in e.lines], e.currency).amount),
        stage=e.route.stages[0].value,
        terminal_stage=e.route.terminal.value,
        status="open",
        required_approvals=",".join(e.required_approvals),
        approvals="",
        pending_approvals=",".join(e.required_approvals),
        rejection="",
        placed_at=_utc(e.placed_at),
        signed_at="",
        closed_at="",
        promised_delivery=e.promised_delivery.isoformat(),
        expected_completion=e.promised_delivery.isoformat(),
        stage_entered_at=_utc(e.placed_at),
        contract_number="",
        revision=0,
        version=0,
        updated_at="",
        lines=msgspec.json.encode(e.lines).decode(),
    )


def _changed(row: OrderRow, event: Any) -> OrderRow | None:
    match event:
        case OrderApproved(role=role):
            return _approvals(row, _split(row.required_approvals), [*_split(row.approvals), role])
        case OrderRejected(reason=reason):
            return replace(row, rejection=reason)
        case OrderSigned(contract_number=number, signed_at=at):
            return replace(
                row,
                stage="signed",
                signed_at=_utc(at),
                contract_number=number,
                stage_entered_at=_utc(at),
            )
        case StageAdvanced(to_stage=stage, at=at):
            entered = replace(row, stage=stage.value, stage_entered_at=_utc(at))
            if stage.value == row.terminal_stage:
                return replace(entered, status="completed", closed_at=_utc(at))
            return entered
        case ExpectedCompletionUpdated(expected_completion=when):
            return replace(row, expected_completion=when.isoformat())
        case CustomerAccepted(accepted_at=at):
            return replace(row, accepted_at=_utc(at))
        case CostEstimated(estimated_cost=cost):
            return replace(row, estimated_cost=str(cost.amount))
        case ActualCostRecorded(amount=amount):
            so_far = Decimal(row.actual_cost or 0)
            return replace(row, actual_cost=str(so_far + amount.amount))
        case CustomerFeedbackRecorded():
            return replace(row, feedback_count=row.feedback_count + 1)
        case ComplaintFiled():
            return replace(row, complaint_count=row.complaint_count + 1)
        case QualityIncidentReported():
            return replace(row, incident_count=row.incident_count + 1)
        case OrderPutOnHold():
            return replace(row, status="on_hold")
        case OrderResumed():
            return replace(row, status="open")
        case OrderCancelled(at=at):
            return replace(row, status="cancelled", closed_at=_utc(at))
        case OrderChanged():
            lines = changed_lines(
                _lines.decode(row.lines),
                added=event.added,
                removed=event.removed,
                repriced=event.repriced,
            )
            approvals = [] if event.approvals_reset else _split(row.approvals)
            changed = replace(
                row,
                lines=msgspec.json.encode(lines).decode(),
                total=str(total([line.net for line in lines], row.currency).amount),
                revision=event.revision,
                rejection="",
            )
            return _approvals(changed, list(event.required_approvals), approvals)
    return None


def _utc(at: datetime) -> str:
    """UTC ISO text, so that text order is time order whatever offset the input had."""
    return at.astimezone(UTC).isoformat()


def _split(joined: str) -> list[str]:
    return [x for x in joined.split(",") if x]


def _approvals(row: OrderRow, required: list[str], approvals: list[str]) -> OrderRow:
    return replace(
        row,
        required_approvals=",".join(required),
        approvals=",".join(approvals),
        pending_approvals=",".join(r for r in required if r and r not in approvals),
    )


def _load(tx: Tx, table: str, order_id: str) -> OrderRow | None:
    tx.execute(f"SELECT * FROM {table} WHERE order_id = ?", (order_id,))  # noqa: S608
    found = tx.fetchone()
    return None if found is None else msgspec.convert(found, OrderRow)


def query(
    tx: Tx, filters: dict[str, str], *, limit: int, offset: int, table: str = NAME
) -> tuple[list[Row], int]:
    where = " AND ".join(f"{k} = ?" for k in filters) or "1 = 1"
    params = list(filters.values())
    tx.execute(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", params)  # noqa: S608
    count_row = tx.fetchone()
    count = int(count_row["n"]) if count_row else 0
    tx.execute(
        f"SELECT * FROM {table} WHERE {where} ORDER BY placed_at DESC, order_id LIMIT ? OFFSET ?",  # noqa: S608
        [*params, limit, offset],
    )
    return tx.fetchall(), count
