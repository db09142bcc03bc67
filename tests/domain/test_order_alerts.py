"""L1-L4 order exceptions: levels by delay, incidents, responses, escalation, closing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest
from msgspec.structs import replace

from domain.order_alert import (
    DEFAULT_EXCEPTION_RULES,
    AlertClosed,
    AlertRaised,
    AssessDelay,
    CheckResponse,
    CloseAlert,
    ExceptionRules,
    InvalidExceptionRules,
    NoOpenAlert,
    ReportIncident,
    RespondToAlert,
    check_rules,
)
from domain.testing import alert_spec as given

ORDER = UUID(int=42)
CST = timezone(timedelta(hours=8))
T = datetime(2026, 3, 2, 10, 0, tzinfo=CST)
RULES = DEFAULT_EXCEPTION_RULES


def assess(days: int, at: datetime = T) -> AssessDelay:
    return AssessDelay(order_id=ORDER, delay_days=days, at=at, rules=RULES)


def level_after(*commands: object) -> str:
    return given.fold(given.run(*commands)).level  # type: ignore[arg-type]


@pytest.mark.parametrize(("days", "level"), [(0, ""), (1, "L1"), (3, "L1"), (4, "L2"),
                                             (7, "L2"), (8, "L3"), (40, "L3")])  # fmt: skip
def test_the_delay_decides_the_level(days: int, level: str) -> None:
    assert level_after(assess(days)) == level


def test_l1_goes_to_the_team_lead_who_must_respond_within_two_hours() -> None:
    [raised] = given().when(assess(2)).events()
    assert isinstance(raised, AlertRaised)
    assert (raised.owners, raised.why) == (("team_lead",), "raised")
    assert raised.respond_by == T + timedelta(hours=2)


def test_l2_must_be_closed_by_the_end_of_the_working_day() -> None:
    [raised] = given().when(assess(5)).events()
    assert isinstance(raised, AlertRaised)
    assert raised.respond_by == T.replace(hour=18)
    [late] = given().when(assess(5, T.replace(hour=19))).events()
    assert isinstance(late, AlertRaised)
    assert late.respond_by == T.replace(hour=18) + timedelta(days=1)


def test_l3_brings_in_the_vp_and_reports_to_the_executives() -> None:
    [raised] = given().when(assess(9)).events()
    assert isinstance(raised, AlertRaised)
    assert (raised.owners, raised.report_to) == (("vp",), ("executives",))
    assert raised.respond_by == T + timedelta(hours=24)


def test_a_complaint_is_l4_at_once_and_stays_l4_whatever_the_schedule_says() -> None:
    complaint = ReportIncident(order_id=ORDER, description="formal complaint", at=T, rules=RULES)
    history = given.run(assess(2), complaint)
    state = given.fold(history)
    assert state.level == "L4"
    assert state.respond_by == T
    given(*history).when(assess(0)).then()


def test_a_slipping_order_is_reassessed_and_closes_when_back_on_schedule() -> None:
    history = given.run(assess(2), assess(6))
    raised = history[-1]
    assert isinstance(raised, AlertRaised)
    assert (raised.previous, raised.level, raised.why) == ("L1", "L2", "reassessed")
    given(*history).when(assess(6)).then()  # the same delay again changes nothing
    given(*history).when(assess(-1)).then(
        AlertClosed(by="system", resolution="back on schedule", at=T)
    )


def test_no_response_in_time_escalates_one_level() -> None:
    history = given.run(assess(2))
    given(*history).when(CheckResponse(as_of=T + timedelta(hours=2), rules=RULES)).then()
    [escalated] = (
        given(*history)
        .when(CheckResponse(as_of=T + timedelta(hours=2, minutes=1), rules=RULES))
        .events()
    )
    assert isinstance(escalated, AlertRaised)
    assert (escalated.level, escalated.why, escalated.owners) == (
        "L2", "escalated", ("production_supervisor",))  # fmt: skip


def test_a_response_in_time_stops_the_escalation() -> None:
    respond = RespondToAlert(by="team.lead.zhou", note="moved two welders", at=T)
    history = given.run(assess(2), respond)
    given(*history).when(CheckResponse(as_of=T + timedelta(days=3), rules=RULES)).then()


def test_only_an_open_alert_is_responded_to_or_closed() -> None:
    given().when(RespondToAlert(by="x", note="y", at=T)).raises(NoOpenAlert)
    given().when(CloseAlert(by="x", resolution="y", at=T)).raises(NoOpenAlert)


def test_exception_rules_must_cover_each_level_with_rising_delays() -> None:
    l1, l2, l3, l4 = RULES.levels
    with pytest.raises(InvalidExceptionRules):
        check_rules(ExceptionRules(levels=(l1, l2, l3)))
    with pytest.raises(InvalidExceptionRules):
        check_rules(ExceptionRules(levels=(l2, replace(l1, min_delay_days=5), l3, l4)))
    check_rules(RULES)  # the defaults are valid as shipped
