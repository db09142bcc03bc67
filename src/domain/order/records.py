"""Facts recorded about an order at any time after capture (also after closing).

Cost estimates and actual costs (in the order's currency, after signing, never
making the total negative), customer feedback, complaints and quality incidents.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from domain.order import rules
from domain.order.commands import (
    EstimateCost,
    FileComplaint,
    RecordActualCost,
    RecordFeedback,
    ReportQualityIncident,
)
from domain.order.events import (
    ActualCostRecorded,
    ComplaintFiled,
    CostEstimated,
    CustomerFeedbackRecorded,
    QualityIncidentReported,
)
from domain.order.state import OrderState
from domain.stages import Stage

RecordCommand = (
    EstimateCost | RecordActualCost | RecordFeedback | FileComplaint | ReportQualityIncident
)

RecordEvent = (
    CostEstimated
    | ActualCostRecorded
    | CustomerFeedbackRecorded
    | ComplaintFiled
    | QualityIncidentReported
)


def decide_record(state: OrderState, command: RecordCommand) -> RecordEvent:
    """The fact a record command adds, once its checks pass."""
    match command:
        case EstimateCost(estimated_cost=cost, note=note):
            rules.must_exist(state)
            _same_currency(state, cost.currency, "estimated_cost.currency")
            rules.check_positive(cost.amount, "estimated_cost.amount")
            return CostEstimated(estimated_cost=cost, note=note)
        case RecordActualCost(amount=amount, category=category, incurred_at=at, note=note):
            _check_actual_cost(state, command)
            return ActualCostRecorded(amount=amount, category=category, incurred_at=at, note=note)
        case RecordFeedback(rating=rating, comment=comment, at=at):
            rules.must_exist(state)
            if not 1 <= rating <= 5:
                raise rules.InvalidAmount("rating is from 1 to 5", field="rating")
            rules.must_not_precede_placement(state, at, "at")
            return CustomerFeedbackRecorded(rating=rating, comment=comment, at=at)
        case FileComplaint(description=description, at=at):
            rules.must_exist(state)
            rules.must_not_precede_placement(state, at, "at")
            return ComplaintFiled(description=description, at=at)
        case ReportQualityIncident(severity=severity, description=description, at=at):
            rules.must_exist(state)
            rules.must_not_precede_placement(state, at, "at")
            return QualityIncidentReported(severity=severity, description=description, at=at)
        case _:
            assert_never(command)


def _same_currency(state: OrderState, currency: str, field: str) -> None:
    if currency != state.currency:
        raise rules.InvalidAmount(f"the order is in {state.currency}, not {currency}", field=field)


def _check_actual_cost(state: OrderState, command: RecordActualCost) -> None:
    rules.must_exist(state)
    if state.stage == Stage.PENDING_CONFIRMATION:
        raise rules.InvalidTransition("costs are incurred after signing")
    _same_currency(state, command.amount.currency, "amount.currency")
    rules.must_not_precede_placement(state, command.incurred_at, "incurred_at")
    if command.amount.amount == 0:
        raise rules.InvalidAmount("a cost entry of zero records nothing", field="amount.amount")
    so_far = state.actual_cost.amount if state.actual_cost else Decimal(0)
    if so_far + command.amount.amount < 0:
        raise rules.InvalidAmount(
            f"a correction of {command.amount} would make actual cost negative",
            field="amount.amount",
        )
