"""`decide`: checks an order command against the state and returns the new facts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import assert_never

from domain.order import changes, progress, records, rules
from domain.order.commands import (
    AdvanceStage,
    ApproveOrder,
    CancelOrder,
    ChangeContact,
    ChangeOrder,
    EstimateCost,
    FileComplaint,
    FinishOperation,
    HoldOrder,
    OrderCommand,
    PlaceOrder,
    RecordAcceptance,
    RecordActualCost,
    RecordFeedback,
    RecordShipment,
    RecordStockCheck,
    RecordUsage,
    RejectOrder,
    ReportQualityIncident,
    ResumeOrder,
    ReviewPrediction,
    SignOrder,
    StartOperation,
    UpdateExpectedCompletion,
)
from domain.order.events import (
    SHIPPABLE_KINDS,
    ContactChanged,
    CustomerAccepted,
    OrderApproved,
    OrderCancelled,
    OrderEvent,
    OrderPlaced,
    OrderPutOnHold,
    OrderRejected,
    OrderResumed,
    OrderSigned,
    ShipmentRecorded,
    StageAdvanced,
    StockWarningCleared,
    StockWarningRaised,
    UsageRecorded,
)
from domain.order.state import OrderState
from domain.order.workflow import facts_of, judged
from domain.personal import check_sealed_for
from domain.rulebook.positions import Authority
from domain.rulebook.workflow import Triggered, added_approvals
from domain.shared import Money, check_number, total
from domain.stages import Stage


def decide(command: OrderCommand, state: OrderState) -> list[OrderEvent]:
    match command:
        case PlaceOrder():
            return [_place(command, state)]
        case ApproveOrder(role=role, approver=approver, at=at, authority=authority):
            _expect_approval_from(state, role)
            holder = rules.must_hold_position(state, role, approver, authority)
            rules.must_not_precede_stage_entry(state, at, "at")
            return [OrderApproved(role=role, approver=approver, approved_at=at,
                                  approver_name=holder.name,
                                  positions_version=_version(authority))]  # fmt: skip
        case RejectOrder(role=role, approver=approver, reason=reason, at=at, authority=authority):
            _expect_approval_from(state, role)
            holder = rules.must_hold_position(state, role, approver, authority)
            rules.must_not_precede_stage_entry(state, at, "at")
            return [OrderRejected(role=role, approver=approver, reason=reason, rejected_at=at,
                                  approver_name=holder.name,
                                  positions_version=_version(authority))]  # fmt: skip
        case SignOrder(contract_number=number, signed_at=at):
            rules.must_be_open(state)
            if state.stage != Stage.PENDING_CONFIRMATION:
                raise rules.InvalidTransition("the order is already signed")
            rules.must_not_be_on_hold(state)
            rules.must_be_approved(state)
            rules.must_not_precede_stage_entry(state, at, "signed_at")
            return [OrderSigned(contract_number=number, signed_at=at)]
        case AdvanceStage(to_stage=to_stage, at=at):
            return [_advance(state, to_stage, at)]
        case HoldOrder(reason=reason, at=at):
            rules.must_be_open(state)
            if state.on_hold:
                raise rules.InvalidTransition("the order is already on hold")
            rules.must_not_precede_stage_entry(state, at, "at")
            return [OrderPutOnHold(reason=reason, at=at)]
        case ResumeOrder(at=at):
            rules.must_be_open(state)
            if not state.on_hold:
                raise rules.InvalidTransition("the order is not on hold")
            rules.must_not_precede_stage_entry(state, at, "at")
            return [OrderResumed(at=at)]
        case CancelOrder(reason=reason, at=at):
            rules.must_be_open(state)
            rules.must_not_precede_stage_entry(state, at, "at")
            return [OrderCancelled(reason=reason, at=at)]
        case RecordShipment():
            return [_ship(state, command)]
        case RecordAcceptance(accepted_by=by, accepted_at=at, note=note):
            _check_acceptance(state)
            rules.must_not_precede_stage_entry(state, at, "accepted_at")
            return [CustomerAccepted(accepted_by=by, accepted_at=at, note=note)]
        case UpdateExpectedCompletion() | ReviewPrediction() | StartOperation() | FinishOperation():
            return progress.decide_progress(state, command)
        case ChangeContact(contact=contact, at=at):
            rules.must_exist(state)
            check_sealed_for(contact, state.customer_id, "contact")
            return [] if contact == state.contact else [ContactChanged(contact=contact, at=at)]
        case (
            EstimateCost()
            | RecordActualCost()
            | RecordFeedback()
            | FileComplaint()
            | ReportQualityIncident()
        ):
            return [records.decide_record(state, command)]
        case ChangeOrder():
            return [changes.decide_change(state, command)]
        case RecordStockCheck(part=part, warning=warning, at=at):
            rules.must_exist(state)
            current = state.stock_warnings.get(part)
            if warning == current:
                return []
            if warning is None:
                return [StockWarningCleared(part=part, at=at)]
            return [StockWarningRaised(part=part, warning=warning, at=at)]
        case RecordUsage():
            return [_usage(state, command)]
        case _:
            assert_never(command)


def _usage(state: OrderState, command: RecordUsage) -> UsageRecorded:
    rules.must_be_open(state)
    if state.signed_at is None:
        raise rules.InvalidTransition("usage is reported on a signed order", field="line_id")
    line = next((ln for ln in state.lines if ln.line_id == command.line_id), None)
    if line is None or not line.usage_based:
        raise rules.InvalidOrderLine(
            f"{command.line_id!r} is not a usage-based line of the order", field="line_id"
        )
    if f"{line.line_id}:{command.period}" in state.usage_periods:
        raise rules.DuplicateUsage(
            f"usage of {line.line_id} for {command.period} was reported already", field="period"
        )
    check_number(command.quantity, "quantity", at_most=Decimal("1e12"))
    if command.charge.currency != state.currency:
        raise rules.InvalidAmount("the charge is not in the order's currency", field="charge")
    rules.must_not_precede_placement(state, command.reported_at, "reported_at")
    return UsageRecorded(
        line_id=line.line_id, period=command.period, quantity=command.quantity,
        cumulative=state.usage.get(line.line_id, Decimal(0)) + command.quantity,
        charge=command.charge, pricing_revision=command.pricing_revision,
        reported_at=command.reported_at,
    )  # fmt: skip


def _approvals(
    command: PlaceOrder, amount: Money, triggered: tuple[Triggered, ...]
) -> tuple[str, ...]:
    """The approval rule's roles for the amount, then those the workflow rules it
    triggers add, then any role a quote's discounts need."""
    roles = added_approvals(triggered, command.approval_rules.required_roles(amount))
    extra = command.quote.discount_approvals if command.quote else ()
    return (*roles, *(r for r in dict.fromkeys(extra) if r not in roles))


def _place(command: PlaceOrder, state: OrderState) -> OrderPlaced:
    if state.exists:
        raise rules.DuplicateOrder(
            f"{command.channel.value} order {command.external_ref!r} was already captured",
            field="external_ref",
        )
    if command.route.order_type != command.order_type:
        raise rules.InvalidTransition(
            "the route given is not for this order type", field="order_type"
        )
    if not command.lines:
        raise rules.InvalidOrderLine("an order needs at least one line", field="lines")
    rules.check_unique_line_ids(command.lines)
    check_sealed_for(command.contact, command.customer_id, "contact")
    problem = command.revenue_terms and command.revenue_terms.problem(
        [line.line_id for line in command.lines]
    )
    if problem:
        raise rules.InvalidOrderLine(problem[0], field=problem[1])
    rules.check_lines(command.lines, command.currency)
    if command.promised_delivery < command.placed_at.date():
        raise rules.TimeTravel(
            "promised delivery is before the order was placed", field="promised_delivery"
        )
    amount = total([line.net for line in command.lines], command.currency)
    facts = facts_of(amount=amount, order_type=command.order_type, region=command.region,
                     lines=command.lines, customer_tier=command.customer_tier,
                     credit_rating=command.credit_rating.value)  # fmt: skip
    workflow_version, triggered = judged(command.workflow, facts)
    return OrderPlaced(
        order_type=command.order_type,
        channel=command.channel,
        external_ref=command.external_ref,
        customer_id=command.customer_id,
        customer_name=command.customer_name,
        region=command.region,
        salesperson=command.salesperson,
        currency=command.currency,
        promised_delivery=command.promised_delivery,
        lines=command.lines,
        placed_at=command.placed_at,
        route=command.route,
        approval_rules_version=command.approval_rules.version,
        required_approvals=_approvals(command, amount, triggered),
        credit_rating=command.credit_rating,
        contact=command.contact,
        revenue_terms=command.revenue_terms,
        quote=command.quote,
        customer_tier=command.customer_tier,
        workflow_version=workflow_version,
        triggered=triggered,
        billing_plan=command.billing_plan,
    )


def _version(authority: Authority | None) -> int:
    return authority.positions_version if authority else 0


def _expect_approval_from(state: OrderState, role: str) -> None:
    rules.must_be_open(state)
    if state.rejection is not None:
        raise rules.ApprovalNotExpected(
            f"the order was rejected ({state.rejection}); change it before approving again"
        )
    pending = state.pending_approvals
    if not pending:
        raise rules.ApprovalNotExpected("no approval is pending", field="role")
    if pending[0] != role:
        raise rules.ApprovalNotExpected(
            f"the next approval is expected from {pending[0]}, not {role}", field="role"
        )


def _advance(state: OrderState, to_stage: Stage, at: datetime) -> StageAdvanced:
    rules.must_be_open(state)
    rules.must_not_be_on_hold(state)
    assert state.route is not None
    if state.stage == Stage.PENDING_CONFIRMATION:
        raise rules.InvalidTransition("sign the order before advancing it", field="to_stage")
    expected = state.route.next_after(state.stage)
    if to_stage != expected:
        raise rules.StageSkipped(
            f"after {state.stage} comes {expected}, not {to_stage}",
            field="to_stage",
            expected=expected,
        )
    rules.must_be_approved(state)
    rules.must_not_precede_stage_entry(state, at, "at")
    if to_stage == state.route.terminal and not state.fully_shipped:
        raise rules.InvalidTransition(
            "goods are not fully shipped; record the shipments first", field="to_stage"
        )
    return StageAdvanced(from_stage=state.stage, to_stage=to_stage, at=at)


def _ship(state: OrderState, command: RecordShipment) -> ShipmentRecorded:
    rules.must_be_open(state)
    rules.must_not_be_on_hold(state)
    rules.must_be_approved(state)
    assert state.route is not None
    ship_stage = Stage.AWAITING_SHIPMENT if Stage.AWAITING_SHIPMENT in state.route.stages else None
    if ship_stage is not None and state.stage != ship_stage:
        raise rules.ShipmentRejected(
            f"goods ship in {ship_stage.value}; the order is in {state.stage.value}"
        )
    if state.stage == Stage.PENDING_CONFIRMATION:
        raise rules.ShipmentRejected("the order is not signed")
    if command.shipment_id in state.shipments:
        raise rules.ShipmentRejected(
            f"shipment {command.shipment_id!r} is already recorded", field="shipment_id"
        )
    if not command.lines:
        raise rules.ShipmentRejected("a shipment needs at least one line", field="lines")
    rules.must_not_precede_stage_entry(state, command.shipped_at, "shipped_at")
    this_shipment: dict[str, Decimal] = {}
    for i, item in enumerate(command.lines):
        line = state.line(item.line_id)
        where = f"lines[{i}]"
        if line is None:
            raise rules.ShipmentRejected(f"no line {item.line_id!r}", field=f"{where}.line_id")
        if line.kind not in SHIPPABLE_KINDS:
            raise rules.ShipmentRejected(
                f"line {item.line_id!r} is {line.kind.value}, nothing to ship",
                field=f"{where}.line_id",
            )
        rules.check_positive(item.quantity, f"{where}.quantity")
        this_shipment[item.line_id] = this_shipment.get(item.line_id, Decimal(0)) + item.quantity
        already = state.shipped.get(item.line_id, Decimal(0))
        if already + this_shipment[item.line_id] > line.quantity:
            raise rules.ShipmentRejected(
                f"line {item.line_id!r}: {already} of {line.quantity} already shipped, "
                f"cannot ship {this_shipment[item.line_id]} more",
                field=f"{where}.quantity",
            )
    return ShipmentRecorded(
        shipment_id=command.shipment_id,
        lines=command.lines,
        shipped_at=command.shipped_at,
        carrier=command.carrier,
        tracking_number=command.tracking_number,
    )


def _check_acceptance(state: OrderState) -> None:
    rules.must_exist(state)
    if state.cancelled:
        raise rules.OrderClosed("the order is cancelled")
    if state.accepted_at is not None:
        raise rules.InvalidTransition("the customer has already accepted the order")
    assert state.route is not None
    delivered_from = (
        Stage.AWAITING_SHIPMENT
        if Stage.AWAITING_SHIPMENT in state.route.stages
        else state.route.terminal
    )
    stages = state.route.stages
    if stages.index(state.stage) < stages.index(delivered_from) or not state.fully_shipped:
        raise rules.InvalidTransition("nothing has been delivered for the customer to accept")
