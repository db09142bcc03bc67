"""The order list: one row per order, for `GET /orders` (filter, sort, paginate)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, get_args

import msgspec
from msgspec.structs import replace

from domain.decider import topic_of
from domain.envelope import Recorded
from domain.order.events import (
    ActualCostRecorded,
    ComplaintFiled,
    CompletionPredicted,
    CostEstimated,
    CustomerAccepted,
    CustomerFeedbackRecorded,
    ExpectedCompletionUpdated,
    OrderApproved,
    OrderCancelled,
    OrderChanged,
    OrderEvent,
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
from domain.shared import total
from domain.stages import Stage
from infrastructure.read_store import ReadStore, Row, Tx, utc_text
from projections import order_progress

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


class Visit(msgspec.Struct):
    """One stay of an order in one stage; `exited_at` is empty while it lasts."""

    order_id: str
    seq: int
    stage: str
    entered_at: str
    exited_at: str = ""
    seconds: int = 0


COLUMNS = tuple(OrderRow.__struct_fields__)
_INTEGERS = {"revision", "version", "feedback_count", "complaint_count", "incident_count"}
STAGE_COLUMNS = tuple(Visit.__struct_fields__)


class _Batch:
    """The rows one batch touches: each read once, changed in memory, written once.

    A batch costs a few statements however many events it holds, instead of a
    read and a write per event; the rows it writes are the same as if each event
    had been applied on its own.
    """

    def __init__(self, tx: Tx, projection: OrderListProjection, order_ids: list[str]) -> None:
        self.rows = {
            row["order_id"]: msgspec.convert(row, OrderRow)
            for row in tx.select_in(f"SELECT * FROM {projection.table} WHERE", order_ids)  # noqa: S608
        }
        self.open_visits: dict[str, Visit | None] = {}
        visits = tx.select_in(
            f"SELECT {', '.join(STAGE_COLUMNS)} FROM {projection.stages} "  # noqa: S608
            "WHERE exited_at = '' AND",
            order_ids,
            order_by="order_id, seq",
        )
        for visit in visits:
            self.open_visits[visit["order_id"]] = msgspec.convert(visit, Visit)
        self.progress = order_progress.ProgressBatch(tx, projection.table, order_ids)
        self.last: dict[str, Recorded[Any]] = {}  # each changed order's latest event
        self.visits: dict[tuple[str, int], Visit] = {}

    def apply(self, order_id: str, recorded: Recorded[Any]) -> None:
        event = recorded.event
        if isinstance(event, OrderPlaced):
            row = _placed(order_id, event)
            self._move(order_id, row.stage, event.placed_at)
        else:
            existing = self.rows.get(order_id)
            if existing is None:
                return  # an order the list never saw placed: nothing to invent
            row = _changed(existing, event) or existing
            self.progress.apply(order_id, event)
            match event:
                case OrderSigned(signed_at=at):
                    self._move(order_id, Stage.SIGNED.value, at)
                case StageAdvanced(to_stage=stage, at=at):
                    self._move(order_id, stage.value, at)
                case OrderCancelled(at=at):
                    self._move(order_id, None, at)
        self.rows[order_id] = row
        self.last[order_id] = recorded

    def changed_rows(self) -> list[OrderRow]:
        changed = []
        for order_id, recorded in sorted(self.last.items()):
            row = self.rows[order_id]
            row.version = recorded.originator_version
            row.updated_at = utc_text(recorded.timestamp)
            changed.append(row)
        return changed

    def _move(self, order_id: str, stage: str | None, at: datetime) -> None:
        """Close the order's current stage visit (if any) and open one for `stage`."""
        current = self.open_visits.get(order_id)
        seq = 0
        if current is not None:
            seq = current.seq + 1
            current.exited_at = utc_text(at)
            current.seconds = int((at - datetime.fromisoformat(current.entered_at)).total_seconds())
            self.visits[order_id, current.seq] = current
        entered = None if stage is None else Visit(order_id, seq, stage, utc_text(at))
        if entered is not None:
            self.visits[order_id, seq] = entered
        self.open_visits[order_id] = entered


class OrderListProjection:
    """Named after its table; a differently named copy builds beside the live one."""

    topics = frozenset(map(topic_of, get_args(OrderEvent)))

    def __init__(self, name: str = NAME) -> None:
        self.name = self.table = name
        self.stages = f"{name}_stages"

    def tables(self) -> list[str]:
        return [self.table, self.stages, *order_progress.tables(self.table)]

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
            *order_progress.schema(table),
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        order_ids = [str(recorded.originator_id) for recorded in events]
        batch = _Batch(tx, self, sorted(set(order_ids)))
        for order_id, recorded in zip(order_ids, events, strict=True):
            batch.apply(order_id, recorded)
        astuple = msgspec.structs.astuple
        tx.upsert(self.table, COLUMNS, "order_id", [astuple(r) for r in batch.changed_rows()])
        visits = [astuple(v) for _, v in sorted(batch.visits.items())]
        tx.upsert(self.stages, STAGE_COLUMNS, "order_id, seq", visits)
        batch.progress.write(tx)


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
        placed_at=utc_text(e.placed_at),
        signed_at="",
        closed_at="",
        promised_delivery=e.promised_delivery.isoformat(),
        expected_completion=e.promised_delivery.isoformat(),
        stage_entered_at=utc_text(e.placed_at),
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
                signed_at=utc_text(at),
                contract_number=number,
                stage_entered_at=utc_text(at),
            )
        case StageAdvanced(to_stage=stage, at=at):
            entered = replace(row, stage=stage.value, stage_entered_at=utc_text(at))
            if stage.value == row.terminal_stage:
                return replace(entered, status="completed", closed_at=utc_text(at))
            return entered
        case ExpectedCompletionUpdated(expected_completion=when):
            return replace(row, expected_completion=when.isoformat())
        case CompletionPredicted(predicted=when):
            return replace(row, expected_completion=when.isoformat())
        case CustomerAccepted(accepted_at=at):
            return replace(row, accepted_at=utc_text(at))
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
            return replace(row, status="cancelled", closed_at=utc_text(at))
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


def _split(joined: str) -> list[str]:
    return [x for x in joined.split(",") if x]


def _approvals(row: OrderRow, required: list[str], approvals: list[str]) -> OrderRow:
    return replace(
        row,
        required_approvals=",".join(required),
        approvals=",".join(approvals),
        pending_approvals=",".join(r for r in required if r and r not in approvals),
    )


def query(  # noqa: PLR0913 - a page's parts
    store: ReadStore,
    filters: dict[str, str],
    columns: Sequence[str],
    *,
    limit: int,
    offset: int,
    table: str = NAME,
) -> tuple[list[Row], int]:
    """A page of the filtered orders, newest first, and how many match in all.

    One statement, so one round trip on PostgreSQL: the count is a subquery the
    database runs once, and the page is read from the placed-at index. Only a
    page past the end asks for the count again."""
    where = " AND ".join(f"{k} = ?" for k in filters) or "1 = 1"
    params = list(filters.values())
    count = f"SELECT COUNT(*) AS matching FROM {table} WHERE {where}"  # noqa: S608
    rows = store.query(
        f"SELECT {', '.join(columns)}, ({count}) AS matching FROM {table} WHERE {where} "  # noqa: S608
        "ORDER BY placed_at DESC, order_id LIMIT ? OFFSET ?",
        [*params, *params, limit, offset],
    )
    counted = rows or (store.query(count, params) if offset else [{"matching": 0}])
    matching = int(counted[0]["matching"])
    for row in rows:
        del row["matching"]
    return rows, matching
