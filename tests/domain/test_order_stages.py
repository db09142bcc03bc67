"""Production stages: walked in route order, never skipped, timed in stage_history."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

import pytest

from domain.order.commands import AdvanceStage, HoldOrder, ResumeOrder
from domain.order.events import LineKind, StageAdvanced
from domain.order.rules import InvalidTransition, OrderOnHold, StageSkipped, TimeTravel
from domain.rulebook import DEFAULT_ROUTES
from domain.stages import Stage
from tests.domain.order_examples import (
    ROUTES,
    T0,
    advance,
    at_stage,
    day,
    followed_by,
    given,
    history,
    line,
    place,
    ship,
    sign,
    signed,
)

S = Stage
ROUTE_NAMES = sorted(DEFAULT_ROUTES)


def test_an_unsigned_order_cannot_advance() -> None:
    given(*history(place())).when(advance(S.SIGNED, 1)).raises(InvalidTransition, field="to_stage")


def test_advancing_records_where_from_where_to_and_when() -> None:
    given(*signed()).when(advance(S.DESIGNING, 2)).then(
        StageAdvanced(from_stage=S.SIGNED, to_stage=S.DESIGNING, at=day(2))
    )


@pytest.mark.parametrize("order_type", ROUTE_NAMES)
def test_every_default_route_is_walked_stage_by_stage(order_type: str) -> None:
    route = ROUTES[order_type]
    state = given(*at_stage(route.terminal, order_type=order_type)).state
    assert state.stage == route.terminal
    assert state.completed
    assert tuple(v.stage for v in state.stage_history) == route.stages


@pytest.mark.parametrize(
    ("order_type", "current", "wrong"),
    [
        (order_type, current, wrong)
        for order_type in ROUTE_NAMES
        for current in ROUTES[order_type].stages[1:-1]
        for wrong in Stage
        if wrong != ROUTES[order_type].next_after(current)
    ],
)
def test_no_stage_is_ever_skipped_nor_revisited(order_type: str, current: S, wrong: S) -> None:
    events = at_stage(current, order_type=order_type)
    error = given(*events).when(advance(wrong, 30)).raises(StageSkipped, field="to_stage")
    assert error.details["expected"] == ROUTES[order_type].next_after(current)


def test_standard_parts_go_from_signed_straight_to_material_prep() -> None:
    events = signed(order_type="standard_parts")
    given(*events).when(advance(S.DESIGNING, 2)).raises(StageSkipped)
    assert given(*events).when(advance(S.MATERIAL_PREP, 2)).state().stage == S.MATERIAL_PREP


def test_software_goes_signed_then_provisioning_then_live() -> None:
    events = signed(line(kind=LineKind.SOFTWARE_LICENCE), order_type="software")
    given(*events).when(advance(S.LIVE, 2)).raises(StageSkipped)
    provisioning = followed_by(events, advance(S.PROVISIONING, 2))
    assert given(*provisioning).when(advance(S.LIVE, 3)).state().completed


def test_an_order_on_hold_does_not_advance_until_resumed() -> None:
    events = followed_by(signed(), HoldOrder(reason="parts", at=day(2)))
    given(*events).when(advance(S.DESIGNING, 3)).raises(OrderOnHold)
    resumed = followed_by(events, ResumeOrder(at=day(3)))
    assert given(*resumed).when(advance(S.DESIGNING, 4)).state().stage == S.DESIGNING


def test_completion_needs_every_shippable_line_fully_shipped() -> None:
    goods = (line("L1", quantity=2), line("L2", kind=LineKind.SPARE_PART, quantity=5))
    waiting = at_stage(S.AWAITING_SHIPMENT, *goods)
    partly = followed_by(waiting, ship("S1", 10, L1=2, L2=4))
    given(*partly).when(advance(S.COMPLETED, 11)).raises(InvalidTransition, field="to_stage")
    fully = followed_by(partly, ship("S2", 11, L2=1))
    assert given(*fully).when(advance(S.COMPLETED, 12)).state().completed


def test_services_alone_need_no_shipment_to_complete() -> None:
    services = (line("L1", kind=LineKind.IMPLEMENTATION), line("L2", kind=LineKind.TRAINING))
    waiting = at_stage(S.AWAITING_SHIPMENT, *services)
    assert given(*waiting).when(advance(S.COMPLETED, 10)).state().completed


def test_software_with_hardware_must_ship_before_going_live() -> None:
    goods = (line("L1", kind=LineKind.SOFTWARE_LICENCE), line("L2"))
    provisioning = at_stage(S.PROVISIONING, *goods, order_type="software")
    given(*provisioning).when(advance(S.LIVE, 5)).raises(InvalidTransition)
    shipped = followed_by(provisioning, ship("S1", 4, L2=1))
    assert given(*shipped).when(advance(S.LIVE, 5)).state().completed


def test_stage_history_keeps_entry_and_exit_times() -> None:
    events = history(place(), sign(at=1), advance(S.DESIGNING, 2), advance(S.MATERIAL_PREP, 5))
    visits = [(v.stage, v.entered_at, v.exited_at) for v in given(*events).state.stage_history]
    assert visits == [
        (S.PENDING_CONFIRMATION, T0, day(1)),
        (S.SIGNED, day(1), day(2)),
        (S.DESIGNING, day(2), day(5)),
        (S.MATERIAL_PREP, day(5), None),
    ]


def test_a_stage_cannot_be_left_before_it_was_entered() -> None:
    events = history(place(), sign(at=1), advance(S.DESIGNING, 5))
    given(*events).when(advance(S.MATERIAL_PREP, 4.9)).raises(TimeTravel, field="at")


def test_a_stage_may_be_left_at_the_moment_it_was_entered() -> None:
    events = history(place(), sign(at=1), advance(S.DESIGNING, 5))
    assert given(*events).when(advance(S.MATERIAL_PREP, 5)).state().stage == S.MATERIAL_PREP


def test_business_times_compare_as_instants_whatever_the_offset() -> None:
    events = history(place(), sign(at=1), advance(S.DESIGNING, 5))
    entered = day(5)
    utc = UTC
    # The same instant written in UTC is not earlier, though its wall clock reads 01:00.
    same_instant = AdvanceStage(to_stage=S.MATERIAL_PREP, at=entered.astimezone(utc))
    assert given(*events).when(same_instant).state().stage == S.MATERIAL_PREP
    # A later wall clock in a western offset can still be an earlier instant.
    earlier = (entered - timedelta(minutes=1)).astimezone(timezone(timedelta(hours=-5)))
    given(*events).when(AdvanceStage(to_stage=S.MATERIAL_PREP, at=earlier)).raises(TimeTravel)


def test_advancing_to_the_current_stage_is_refused() -> None:
    given(*signed()).when(advance(S.SIGNED, 2)).raises(StageSkipped)
