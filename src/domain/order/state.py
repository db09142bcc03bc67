"""Order state and `evolve`: applies facts, never validates, never reads the clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import assert_never

import msgspec
from msgspec.structs import replace

from domain.contract_terms import ContractTerms
from domain.order.events import (
    SHIPPABLE_KINDS,
    ActualCostRecorded,
    ComplaintFiled,
    CompletionPredicted,
    ContactChanged,
    CostEstimated,
    CustomerAccepted,
    CustomerFeedbackRecorded,
    ExpectedCompletionUpdated,
    LineRepricing,
    OperationFinished,
    OperationStarted,
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
    QuoteReference,
    ShipmentRecorded,
    StageAdvanced,
    StockWarning,
    StockWarningCleared,
    StockWarningRaised,
    UsageRecorded,
)
from domain.personal import Sealed
from domain.rulebook import Route
from domain.rulebook.workflow import Triggered
from domain.shared import Money, total
from domain.stages import Stage


class StageVisit(msgspec.Struct, frozen=True, kw_only=True):
    stage: Stage
    entered_at: datetime
    exited_at: datetime | None = None


class OperationRun(msgspec.Struct, frozen=True, kw_only=True):
    """A production operation as the shop floor recorded it."""

    started_at: datetime | None = None
    finished_at: datetime | None = None
    team: str = ""


class EnteredCompletion(msgspec.Struct, frozen=True, kw_only=True):
    """A completion date a person entered, which takes precedence over the plan."""

    on: date
    by: str
    reason: str


class OrderState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    order_type: str = ""
    channel: str = ""
    external_ref: str = ""
    customer_id: str = ""
    customer_name: str = ""
    region: str = ""
    salesperson: str = ""
    currency: str = "CNY"
    promised_delivery: date | None = None
    expected_completion: date | None = None
    placed_at: datetime | None = None
    credit_rating: str = "standard"  # the customer's, at capture: priority is scheduled first
    contact: Sealed | None = None  # sealed for the customer; reads as erased once shredded
    lines: tuple[OrderLine, ...] = ()
    route: Route | None = None
    stage: Stage = Stage.PENDING_CONFIRMATION
    stage_history: tuple[StageVisit, ...] = ()
    approval_rules_version: int = 0
    required_approvals: tuple[str, ...] = ()
    customer_tier: str = ""
    revenue_terms: ContractTerms | None = None  # bundles, residual lines, discount rules
    triggered: tuple[Triggered, ...] = ()  # the workflow rules its latest revision triggers
    approvals: tuple[str, ...] = ()
    approved_by: tuple[str, ...] = ()  # the users who gave `approvals`, in order
    rejection: str | None = None
    contract_number: str = ""
    signed_at: datetime | None = None
    on_hold: bool = False
    cancelled: bool = False
    shipments: tuple[str, ...] = ()
    shipped: dict[str, Decimal] = msgspec.field(default_factory=dict)
    accepted_at: datetime | None = None
    estimated_cost: Money | None = None
    actual_cost: Money | None = None
    feedback_count: int = 0
    complaint_count: int = 0
    incident_count: int = 0
    revision: int = 0
    stock_warnings: dict[str, StockWarning] = msgspec.field(default_factory=dict)  # by part
    quote: QuoteReference | None = None  # the quote it was captured from, and its pricing
    usage: dict[str, Decimal] = msgspec.field(default_factory=dict)  # cumulative, by line
    usage_periods: tuple[str, ...] = ()  # "line_id:period" reported
    entered_completion: EnteredCompletion | None = None
    prediction: CompletionPredicted | None = None  # the latest
    operations: dict[str, OperationRun] = msgspec.field(default_factory=dict)  # by code

    @property
    def exists(self) -> bool:
        return self.version > 0

    @property
    def completed(self) -> bool:
        return self.route is not None and self.stage == self.route.terminal

    @property
    def closed(self) -> bool:
        return self.cancelled or self.completed

    @property
    def total(self) -> Money:
        return total([line.net for line in self.lines], self.currency)

    @property
    def pending_approvals(self) -> tuple[str, ...]:
        return tuple(r for r in self.required_approvals if r not in self.approvals)

    @property
    def fully_shipped(self) -> bool:
        return all(
            self.shipped.get(line.line_id, Decimal(0)) >= line.quantity
            for line in self.lines
            if line.kind in SHIPPABLE_KINDS
        )

    def line(self, line_id: str) -> OrderLine | None:
        return next((x for x in self.lines if x.line_id == line_id), None)


def _enter(state: OrderState, to_stage: Stage, at: datetime) -> OrderState:
    history = state.stage_history
    if history and history[-1].exited_at is None:
        history = (*history[:-1], replace(history[-1], exited_at=at))
    return replace(
        state,
        stage=to_stage,
        stage_history=(*history, StageVisit(stage=to_stage, entered_at=at)),
    )


def _apply(state: OrderState, event: OrderEvent) -> OrderState:
    match event:
        case OrderPlaced():
            return replace(
                state,
                order_type=event.order_type,
                channel=event.channel.value,
                external_ref=event.external_ref,
                customer_id=event.customer_id,
                customer_name=event.customer_name,
                contact=event.contact,
                region=event.region,
                salesperson=event.salesperson,
                currency=event.currency,
                promised_delivery=event.promised_delivery,
                expected_completion=event.promised_delivery,
                placed_at=event.placed_at,
                lines=event.lines,
                route=event.route,
                stage=Stage.PENDING_CONFIRMATION,
                stage_history=(
                    StageVisit(stage=Stage.PENDING_CONFIRMATION, entered_at=event.placed_at),
                ),
                approval_rules_version=event.approval_rules_version,
                required_approvals=event.required_approvals,
                credit_rating=event.credit_rating.value,
                quote=event.quote,
                customer_tier=event.customer_tier,
                revenue_terms=event.revenue_terms,
                triggered=event.triggered,
            )
        case OrderApproved(role=role, approver=approver):
            return replace(state, approvals=(*state.approvals, role),
                           approved_by=(*state.approved_by, approver))  # fmt: skip
        case OrderRejected(reason=reason):
            return replace(state, rejection=reason)
        case OrderSigned(contract_number=number, signed_at=at):
            signed = _enter(state, Stage.SIGNED, at)
            return replace(signed, contract_number=number, signed_at=at)
        case StageAdvanced(to_stage=to_stage, at=at):
            return _enter(state, to_stage, at)
        case OrderPutOnHold():
            return replace(state, on_hold=True)
        case OrderResumed():
            return replace(state, on_hold=False)
        case OrderCancelled():
            return replace(state, cancelled=True, on_hold=False)
        case ShipmentRecorded(shipment_id=shipment_id, lines=lines):
            shipped = dict(state.shipped)
            for item in lines:
                shipped[item.line_id] = shipped.get(item.line_id, Decimal(0)) + item.quantity
            return replace(state, shipments=(*state.shipments, shipment_id), shipped=shipped)
        case CustomerAccepted(accepted_at=at):
            return replace(state, accepted_at=at)
        case ExpectedCompletionUpdated(expected_completion=when, reason=why, entered_by=by):
            entered = EnteredCompletion(on=when, by=by, reason=why)
            return replace(state, expected_completion=when, entered_completion=entered)
        case CompletionPredicted(predicted=when):
            return replace(state, expected_completion=when, prediction=event)
        case OperationStarted(operation=code, team=team, at=at):
            run = OperationRun(started_at=at, team=team)
            return replace(state, operations={**state.operations, code: run})
        case OperationFinished(operation=code, at=at):
            run = replace(state.operations[code], finished_at=at)
            return replace(state, operations={**state.operations, code: run})
        case ContactChanged(contact=contact):
            return replace(state, contact=contact)
        case CostEstimated(estimated_cost=cost):
            return replace(state, estimated_cost=cost)
        case ActualCostRecorded(amount=amount):
            so_far = state.actual_cost or Money.zero(amount.currency)
            return replace(state, actual_cost=so_far + amount)
        case CustomerFeedbackRecorded():
            return replace(state, feedback_count=state.feedback_count + 1)
        case ComplaintFiled():
            return replace(state, complaint_count=state.complaint_count + 1)
        case QualityIncidentReported():
            return replace(state, incident_count=state.incident_count + 1)
        case OrderChanged():
            return _apply_change(state, event)
        case StockWarningRaised(part=part, warning=warning):
            return replace(state, stock_warnings={**state.stock_warnings, part: warning})
        case StockWarningCleared(part=part):
            warnings = {k: v for k, v in state.stock_warnings.items() if k != part}
            return replace(state, stock_warnings=warnings)
        case UsageRecorded(line_id=line_id, period=period, cumulative=cumulative):
            return replace(
                state,
                usage={**state.usage, line_id: cumulative},
                usage_periods=(*state.usage_periods, f"{line_id}:{period}"),
            )
        case _:
            assert_never(event)


def changed_lines(
    lines: Sequence[OrderLine],
    *,
    added: Sequence[OrderLine],
    removed: Sequence[str],
    repriced: Sequence[LineRepricing],
) -> tuple[OrderLine, ...]:
    """The lines after a change order: removals, then new prices, then additions. A new
    unit price makes the line quantity x that price: its rounding adjustment goes."""
    prices = {r.line_id: r for r in repriced}
    kept = [
        _repriced(line, prices[line.line_id]) if line.line_id in prices else line
        for line in lines
        if line.line_id not in removed
    ]
    return (*kept, *added)


def _repriced(line: OrderLine, repricing: LineRepricing) -> OrderLine:
    same_price = repricing.unit_price == line.unit_price
    return replace(line, unit_price=repricing.unit_price, discount=repricing.discount,
                   rounding=line.rounding if same_price else None)  # fmt: skip


def _apply_change(state: OrderState, event: OrderChanged) -> OrderState:
    return replace(
        state,
        lines=changed_lines(
            state.lines, added=event.added, removed=event.removed, repriced=event.repriced
        ),
        revision=event.revision,
        approval_rules_version=event.approval_rules_version,
        required_approvals=event.required_approvals,
        triggered=event.triggered if event.workflow_version else state.triggered,
        approvals=() if event.approvals_reset else state.approvals,
        approved_by=() if event.approvals_reset else state.approved_by,
        rejection=None,
    )


def evolve(state: OrderState, event: OrderEvent) -> OrderState:
    new = _apply(state, event)
    return replace(new, version=state.version + 1)


INITIAL = OrderState()
