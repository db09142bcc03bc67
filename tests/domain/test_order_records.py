"""What the order keeps for health scores: dates, costs, feedback, complaints, incidents."""

from __future__ import annotations

from datetime import date

import pytest

from domain.order.commands import (
    CancelOrder,
    EstimateCost,
    FileComplaint,
    RecordActualCost,
    RecordFeedback,
    ReportQualityIncident,
    UpdateExpectedCompletion,
)
from domain.order.events import (
    ActualCostRecorded,
    ComplaintFiled,
    CostEstimated,
    CustomerFeedbackRecorded,
    ExpectedCompletionUpdated,
    OrderEvent,
    QualityIncidentReported,
    Severity,
)
from domain.order.rules import InvalidAmount, InvalidTransition, OrderClosed
from domain.shared import Money
from domain.stages import Stage
from tests.domain.order_examples import at_stage, cny, day, followed_by, given, placed, signed


def actual(amount: str | int, currency: str = "CNY") -> RecordActualCost:
    return RecordActualCost(amount=Money.of(amount, currency), category="steel", incurred_at=day(3))


def feedback(rating: int) -> RecordFeedback:
    return RecordFeedback(rating=rating, comment="", at=day(30))


def cancelled() -> list[OrderEvent]:
    return followed_by(signed(), CancelOrder(reason="lost", at=day(2)))


# --- expected completion -------------------------------------------------------------


def test_expected_completion_starts_at_the_promised_delivery() -> None:
    assert given(*placed()).state.expected_completion == date(2024, 6, 1)


def test_expected_completion_can_be_moved_with_a_reason() -> None:
    update = UpdateExpectedCompletion(expected_completion=date(2024, 7, 15), reason="late steel")
    state = (
        given(*signed())
        .when(update)
        .then(ExpectedCompletionUpdated(expected_completion=date(2024, 7, 15), reason="late steel"))
    )
    assert state.expected_completion == date(2024, 7, 15)
    assert state.promised_delivery == date(2024, 6, 1)


def test_a_closed_order_has_no_expected_completion_to_move() -> None:
    update = UpdateExpectedCompletion(expected_completion=date(2024, 7, 15), reason="late")
    given(*cancelled()).when(update).raises(OrderClosed)
    given(*at_stage(Stage.COMPLETED)).when(update).raises(OrderClosed)


# --- estimated cost -------------------------------------------------------------------


def test_an_estimated_cost_is_recorded() -> None:
    state = (
        given(*placed())
        .when(EstimateCost(estimated_cost=cny(600), note="bom"))
        .then(CostEstimated(estimated_cost=cny(600), note="bom"))
    )
    assert state.estimated_cost == cny(600)


def test_an_estimated_cost_is_in_the_order_currency() -> None:
    estimate = EstimateCost(estimated_cost=Money.of(600, "USD"))
    given(*placed()).when(estimate).raises(InvalidAmount, field="estimated_cost.currency")


@pytest.mark.parametrize("amount", [0, -1])
def test_an_estimated_cost_is_positive(amount: int) -> None:
    estimate = EstimateCost(estimated_cost=cny(amount))
    given(*placed()).when(estimate).raises(InvalidAmount, field="estimated_cost.amount")


def test_a_newer_estimate_replaces_the_older() -> None:
    events = followed_by(placed(), EstimateCost(estimated_cost=cny(600)))
    state = given(*events).when(EstimateCost(estimated_cost=cny(700))).state()
    assert state.estimated_cost == cny(700)


# --- actual cost ----------------------------------------------------------------------


def test_actual_costs_are_incurred_only_after_signing() -> None:
    given(*placed()).when(actual(100)).raises(InvalidTransition)


def test_an_actual_cost_is_recorded_with_its_category() -> None:
    given(*signed()).when(actual(100)).then(
        ActualCostRecorded(amount=cny(100), category="steel", incurred_at=day(3))
    )


def test_actual_costs_add_up() -> None:
    state = given(*followed_by(signed(), actual(100), actual("50.50"))).state
    assert state.actual_cost == cny("150.50")


def test_an_actual_cost_is_in_the_order_currency() -> None:
    given(*signed()).when(actual(100, "EUR")).raises(InvalidAmount, field="amount.currency")


def test_a_zero_cost_entry_is_refused() -> None:
    given(*signed()).when(actual(0)).raises(InvalidAmount, field="amount.amount")


def test_a_negative_entry_corrects_earlier_costs() -> None:
    events = followed_by(signed(), actual(100))
    assert given(*events).when(actual(-100)).state().actual_cost == cny(0)


def test_corrections_cannot_make_the_total_cost_negative() -> None:
    events = followed_by(signed(), actual(100))
    given(*events).when(actual("-100.01")).raises(InvalidAmount, field="amount.amount")
    given(*signed()).when(actual(-1)).raises(InvalidAmount)


def test_costs_are_still_recorded_after_cancellation() -> None:
    assert given(*cancelled()).when(actual(100)).state().actual_cost == cny(100)


# --- feedback, complaints, incidents --------------------------------------------------


@pytest.mark.parametrize("rating", [1, 3, 5])
def test_feedback_is_rated_from_one_to_five(rating: int) -> None:
    state = (
        given(*placed())
        .when(feedback(rating))
        .then(CustomerFeedbackRecorded(rating=rating, comment="", at=day(30)))
    )
    assert state.feedback_count == 1


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_one_to_five_is_refused(rating: int) -> None:
    given(*placed()).when(feedback(rating)).raises(InvalidAmount, field="rating")


def test_complaints_are_counted() -> None:
    complaint = FileComplaint(description="paint scratched", at=day(30))
    events = followed_by(signed(), complaint)
    state = (
        given(*events)
        .when(complaint)
        .then(ComplaintFiled(description="paint scratched", at=day(30)))
    )
    assert state.complaint_count == 2


@pytest.mark.parametrize("severity", list(Severity))
def test_quality_incidents_are_counted_with_their_severity(severity: Severity) -> None:
    incident = ReportQualityIncident(severity=severity, description="weld crack", at=day(9))
    state = (
        given(*signed())
        .when(incident)
        .then(QualityIncidentReported(severity=severity, description="weld crack", at=day(9)))
    )
    assert state.incident_count == 1


def test_a_completed_order_still_takes_feedback_complaints_and_incidents() -> None:
    events = at_stage(Stage.COMPLETED)
    given(*events).when(feedback(4)).then(
        CustomerFeedbackRecorded(rating=4, comment="", at=day(30))
    )
    given(*events).when(FileComplaint(description="late", at=day(30))).then(
        ComplaintFiled(description="late", at=day(30))
    )
