"""The predicted completion: derived from stage entry times, the plan, stock and what a
person entered - and never earlier than today for an open order."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given as hypothesis_given
from hypothesis import settings
from hypothesis import strategies as st

from domain import order
from domain.order.commands import (
    FinishOperation,
    RecordStockCheck,
    ReviewPrediction,
    StartOperation,
    UpdateExpectedCompletion,
)
from domain.order.events import Basis, CompletionPredicted, OrderEvent, StockWarning
from domain.order.rules import InvalidTransition
from domain.order_alert import DEFAULT_EXCEPTION_RULES
from domain.rulebook import DEFAULT_STAGE_DAYS, DEFAULT_STAGE_PLANS, StagePlans
from domain.stages import Stage
from domain.testing.histories import order_histories
from tests.domain.order_examples import (
    T0,
    advance,
    at_stage,
    day,
    followed_by,
    given,
    history,
    place,
    sign,
)

PLANS = StagePlans(version=1, plans=DEFAULT_STAGE_PLANS)
S = Stage


def review(at: float) -> ReviewPrediction:
    return ReviewPrediction(plans=PLANS, deadlines=DEFAULT_STAGE_DAYS, now=day(at))


def predicted(events: list[OrderEvent], at: float) -> CompletionPredicted:
    [found] = given(*events).when(review(at)).events()
    assert isinstance(found, CompletionPredicted)
    return found


def signed_on_day_one(promised: date) -> list[OrderEvent]:
    return history(place(promised=promised), sign(at=1))


def test_a_signed_order_follows_the_seeds_45_day_plan() -> None:
    """Seed 000: design review 5 d, purchasing 10, machining 15, assembly and
    commissioning 10, customer inspection 5 - 45 days from signing."""
    signed_day = day(1).date()
    found = predicted(signed_on_day_one(signed_day + timedelta(60)), at=1)
    assert found.predicted == signed_day + timedelta(45)
    assert (found.basis, found.late_days) == (Basis.PLAN, -15)
    assert [s.stage for s in found.steps] == [
        S.SIGNED, S.DESIGNING, S.MATERIAL_PREP, S.IN_PRODUCTION, S.TESTING,
        S.AWAITING_SHIPMENT]  # fmt: skip
    assert [s.planned_days for s in found.steps] == [0, 5, 10, 25, 5, 0]


def test_a_plan_eight_days_past_the_promise_is_an_l3_with_nothing_typed() -> None:
    signed_day = day(1).date()
    found = predicted(signed_on_day_one(signed_day + timedelta(37)), at=1)
    assert found.late_days == 8
    assert DEFAULT_EXCEPTION_RULES.for_delay(found.late_days) == "L3"


def test_a_stuck_order_is_at_least_as_late_as_today() -> None:
    """Promised in July, still at 已签约 in December: today plus what remains."""
    events = signed_on_day_one(date(2024, 7, 1))
    found = predicted(events, at=280)  # 2024-12-06
    today = day(280).date()
    assert found.predicted == today + timedelta(45)
    assert found.late_days == (today + timedelta(45) - date(2024, 7, 1)).days
    assert found.steps[0].overrun  # signing is planned at 0 days: it stays too long
    at_design = followed_by(events, advance(S.DESIGNING, 2))
    later = predicted(at_design, at=40)
    assert later.steps[0].overrun
    assert "overrun" in later.why
    assert later.predicted == day(40).date() + timedelta(40)


def test_stock_that_comes_late_moves_the_completion() -> None:
    events = at_stage(S.MATERIAL_PREP)  # entered on day 3
    warning = StockWarning(shortfall=Decimal(4), below_safety=True,
                           materials_on=date(2024, 5, 1), suggested_delivery=None,
                           alternatives=())  # fmt: skip
    short = followed_by(events, RecordStockCheck(part="SERVO-750W", warning=warning, at=day(3)))
    found = predicted(short, at=3)
    assert found.basis == Basis.STOCK
    assert found.predicted == date(2024, 5, 1) + timedelta(30)  # production 25 + inspection 5
    assert "SERVO-750W" in found.why


def test_a_date_a_person_entered_takes_precedence_and_says_who_and_why() -> None:
    entered = UpdateExpectedCompletion(
        expected_completion=date(2024, 5, 20), reason="overtime booked", entered_by="wang.fang"
    )
    events = followed_by(signed_on_day_one(date(2024, 6, 1)), entered)
    found = predicted(events, at=2)
    assert (found.basis, found.predicted) == (Basis.ENTERED, date(2024, 5, 20))
    assert "wang.fang" in found.why
    assert "overtime booked" in found.why
    past = predicted(events, at=100)  # the day entered has passed
    assert past.predicted == day(100).date()
    assert "passed" in past.why


def test_production_follows_the_operations_the_shop_floor_records() -> None:
    events = at_stage(S.IN_PRODUCTION)  # entered on day 4
    started = followed_by(events, StartOperation(operation="machining", at=day(4), plans=PLANS,
                                                 team="machining-2"))  # fmt: skip
    done = followed_by(started, FinishOperation(operation="machining", at=day(24)))
    found = predicted(done, at=24)
    [machining, assembly, *_] = found.steps
    assert (machining.done, machining.overrun, machining.ends) == (True, True, day(24).date())
    assert (assembly.operation, assembly.starts) == ("assembly_commissioning", day(24).date())
    assert found.predicted == day(24).date() + timedelta(10 + 5)


def test_an_operation_is_of_the_plan_started_once_and_finished_after_it_started() -> None:
    events = at_stage(S.IN_PRODUCTION)
    given(*events).when(StartOperation(operation="painting", at=day(5), plans=PLANS)).raises(
        InvalidTransition, field="operation")  # fmt: skip
    late = StartOperation(operation="machining", at=day(9), plans=PLANS)
    given(*at_stage(S.TESTING)).when(late).raises(InvalidTransition, field="operation")
    given(*events).when(FinishOperation(operation="machining", at=day(5))).raises(
        InvalidTransition, field="operation")  # fmt: skip


def test_a_prediction_that_says_nothing_new_records_nothing() -> None:
    events = signed_on_day_one(date(2024, 6, 1))
    first = predicted(events, at=1.1)
    given(*events, first).when(review(1.4)).then()  # later the same day


def test_a_closed_order_is_not_predicted() -> None:
    events = at_stage(S.COMPLETED)
    given(*events).when(review(30)).then()


@settings(max_examples=150, deadline=None)
@hypothesis_given(order_histories(), st.integers(0, 400))
def test_an_open_order_is_never_predicted_before_today_nor_before_its_stage_began(
    events: list[OrderEvent], days_later: int
) -> None:
    state = given.fold(events)
    last = max([v.entered_at for v in state.stage_history] + [T0])
    now = (last + timedelta(days=days_later)).astimezone(T0.tzinfo)
    found = order.decide(review_at(now), state)
    if state.closed:
        assert found == []
        return
    if not found:  # nothing new since the last prediction
        assert state.prediction is not None
        return
    [prediction] = found
    assert isinstance(prediction, CompletionPredicted)
    assert prediction.predicted >= now.date()
    assert prediction.late_days == (prediction.predicted - prediction.promised).days
    assert (prediction.basis == Basis.ENTERED) == (state.entered_completion is not None)
    assert all(s.starts <= s.ends for s in prediction.steps)


def review_at(now: datetime) -> ReviewPrediction:
    return ReviewPrediction(plans=PLANS, deadlines=DEFAULT_STAGE_DAYS, now=now)


@pytest.mark.parametrize("order_type", ["equipment", "standard_parts", "software"])
def test_every_default_route_has_a_plan(order_type: str) -> None:
    assert PLANS.for_order(order_type, ()) is not None
