"""Holding, cancelling, shipping and acceptance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.order.commands import (
    CancelOrder,
    HoldOrder,
    RecordAcceptance,
    RecordShipment,
    ResumeOrder,
)
from domain.order.events import (
    CustomerAccepted,
    LineKind,
    OrderCancelled,
    OrderEvent,
    OrderLine,
    OrderPutOnHold,
    OrderResumed,
    ShipmentRecorded,
    ShippedQuantity,
)
from domain.order.rules import (
    InvalidAmount,
    InvalidTransition,
    OrderClosed,
    OrderOnHold,
    ShipmentRejected,
    TimeTravel,
)
from domain.stages import Stage
from tests.domain.order_examples import (
    advance,
    at_stage,
    day,
    followed_by,
    given,
    history,
    line,
    place,
    placed,
    ship,
    sign,
    signed,
)

S = Stage
GOODS = (line("L1", quantity=10), line("L2", kind=LineKind.TRAINING))


def hold(at: float = 3) -> HoldOrder:
    return HoldOrder(reason="customer site not ready", at=day(at))


def cancel(at: float = 3) -> CancelOrder:
    return CancelOrder(reason="customer went bankrupt", at=day(at))


def accept(at: float = 30) -> RecordAcceptance:
    return RecordAcceptance(accepted_by="wang.fang", accepted_at=day(at), note="all good")


def waiting(*goods: OrderLine) -> list[OrderEvent]:
    """Equipment that entered awaiting_shipment on day 6, nothing shipped yet."""
    return at_stage(S.AWAITING_SHIPMENT, *(goods or GOODS))


def completed() -> list[OrderEvent]:
    return at_stage(S.COMPLETED, *GOODS)


# --- hold and resume -----------------------------------------------------------------


def test_putting_an_order_on_hold_records_why() -> None:
    state = (
        given(*signed())
        .when(hold())
        .then(OrderPutOnHold(reason="customer site not ready", at=day(3)))
    )
    assert state.on_hold


def test_an_order_on_hold_cannot_be_held_again() -> None:
    given(*followed_by(signed(), hold())).when(hold(4)).raises(InvalidTransition)


def test_resuming_lifts_the_hold() -> None:
    state = (
        given(*followed_by(signed(), hold()))
        .when(ResumeOrder(at=day(4)))
        .then(OrderResumed(at=day(4)))
    )
    assert not state.on_hold


def test_only_an_order_on_hold_can_be_resumed() -> None:
    given(*signed()).when(ResumeOrder(at=day(4))).raises(InvalidTransition)


@pytest.mark.parametrize("closed", [cancel, None], ids=["cancelled", "completed"])
def test_a_closed_order_can_be_neither_held_nor_resumed(closed: object) -> None:
    events = followed_by(signed(), cancel()) if closed else completed()
    given(*events).when(hold(40)).raises(OrderClosed)
    given(*events).when(ResumeOrder(at=day(40))).raises(OrderClosed)


# --- cancellation ---------------------------------------------------------------------


def test_cancelling_records_the_reason() -> None:
    state = (
        given(*signed())
        .when(cancel())
        .then(OrderCancelled(reason="customer went bankrupt", at=day(3)))
    )
    assert state.cancelled
    assert state.closed


def test_an_order_on_hold_can_be_cancelled() -> None:
    assert given(*followed_by(signed(), hold())).when(cancel(4)).state().cancelled


def test_a_cancelled_order_cannot_be_cancelled_again() -> None:
    given(*followed_by(placed(), cancel())).when(cancel(4)).raises(OrderClosed)


def test_a_completed_order_cannot_be_cancelled() -> None:
    given(*completed()).when(cancel(40)).raises(OrderClosed)


@pytest.mark.parametrize("to_stage", list(Stage))
def test_a_cancelled_order_accepts_no_stage_change(to_stage: Stage) -> None:
    events = followed_by(at_stage(S.DESIGNING), cancel(5))
    given(*events).when(advance(to_stage, 6)).raises(OrderClosed)


@pytest.mark.parametrize("to_stage", list(Stage))
def test_a_completed_order_accepts_no_stage_change(to_stage: Stage) -> None:
    given(*completed()).when(advance(to_stage, 40)).raises(OrderClosed)


# --- shipments ------------------------------------------------------------------------


def test_a_shipment_is_recorded_with_its_lines() -> None:
    given(*waiting()).when(ship("S1", 10, L1=4)).then(
        ShipmentRecorded(
            shipment_id="S1",
            lines=(ShippedQuantity(line_id="L1", quantity=Decimal(4)),),
            shipped_at=day(10),
        )
    )


@pytest.mark.parametrize("stage", [S.SIGNED, S.DESIGNING, S.IN_PRODUCTION, S.TESTING])
def test_cannot_ship_before_awaiting_shipment(stage: Stage) -> None:
    given(*at_stage(stage, *GOODS)).when(ship("S1", 10, L1=1)).raises(ShipmentRejected)


def test_cannot_ship_an_unsigned_software_order() -> None:
    events = placed(line("L1"), order_type="software")
    given(*events).when(ship("S1", 1, L1=1)).raises(ShipmentRejected)


def test_software_orders_ship_hardware_any_time_after_signing() -> None:
    events = history(place(line("L1"), order_type="software"), sign())
    assert given(*events).when(ship("S1", 2, L1=1)).state().fully_shipped


def test_partial_shipments_accumulate() -> None:
    events = followed_by(waiting(), ship("S1", 10, L1=3), ship("S2", 11, L1="2.5"))
    state = given(*events).state
    assert state.shipped == {"L1": Decimal("5.5")}
    assert state.shipments == ("S1", "S2")
    assert not state.fully_shipped


def test_over_shipping_a_line_is_refused() -> None:
    given(*waiting()).when(ship("S1", 10, L1=11)).raises(
        ShipmentRejected, field="lines[0].quantity"
    )


def test_over_shipping_across_shipments_is_refused() -> None:
    events = followed_by(waiting(), ship("S1", 10, L1=7))
    given(*events).when(ship("S2", 11, L1=4)).raises(ShipmentRejected, field="lines[0].quantity")


def test_over_shipping_by_repeating_a_line_in_one_shipment_is_refused() -> None:
    six = ShippedQuantity(line_id="L1", quantity=Decimal(6))
    twice = RecordShipment(shipment_id="S1", lines=(six, six), shipped_at=day(10))
    given(*waiting()).when(twice).raises(ShipmentRejected, field="lines[1].quantity")


@pytest.mark.parametrize("kind", sorted(set(LineKind) - {LineKind.HARDWARE, LineKind.SPARE_PART}))
def test_lines_that_are_not_goods_cannot_be_shipped(kind: LineKind) -> None:
    service = line("L9", kind=kind, term_start=day(0).date(), term_months=12)
    events = waiting(line("L1"), service)
    given(*events).when(ship("S1", 10, L9=1)).raises(ShipmentRejected, field="lines[0].line_id")


def test_a_shipment_id_is_used_once() -> None:
    events = followed_by(waiting(), ship("S1", 10, L1=1))
    given(*events).when(ship("S1", 11, L1=1)).raises(ShipmentRejected, field="shipment_id")


def test_a_shipment_of_an_unknown_line_is_refused() -> None:
    given(*waiting()).when(ship("S1", 10, L7=1)).raises(ShipmentRejected, field="lines[0].line_id")


def test_an_empty_shipment_is_refused() -> None:
    given(*waiting()).when(ship("S1", 10)).raises(ShipmentRejected, field="lines")


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_shipped_quantity_is_positive(quantity: int) -> None:
    given(*waiting()).when(ship("S1", 10, L1=quantity)).raises(
        InvalidAmount, field="lines[0].quantity"
    )


def test_nothing_ships_while_the_order_is_on_hold() -> None:
    given(*followed_by(waiting(), hold(9))).when(ship("S1", 10, L1=1)).raises(OrderOnHold)


def test_a_shipment_cannot_predate_entering_awaiting_shipment() -> None:
    given(*waiting()).when(ship("S1", 5, L1=1)).raises(TimeTravel, field="shipped_at")


# --- acceptance -----------------------------------------------------------------------


def test_the_customer_accepts_a_completed_order() -> None:
    state = (
        given(*completed())
        .when(accept())
        .then(CustomerAccepted(accepted_by="wang.fang", accepted_at=day(30), note="all good"))
    )
    assert state.accepted_at == day(30)


def test_the_customer_may_accept_once_everything_has_shipped() -> None:
    events = followed_by(waiting(), ship("S1", 10, L1=10))
    assert given(*events).when(accept()).state().accepted_at == day(30)


def test_nothing_can_be_accepted_before_it_is_delivered() -> None:
    given(*at_stage(S.TESTING)).when(accept()).raises(InvalidTransition)


def test_a_partly_shipped_order_cannot_be_accepted() -> None:
    events = followed_by(waiting(), ship("S1", 10, L1=9))
    given(*events).when(accept()).raises(InvalidTransition)


def test_acceptance_is_recorded_once() -> None:
    given(*followed_by(completed(), accept())).when(accept(31)).raises(InvalidTransition)


def test_a_cancelled_order_cannot_be_accepted() -> None:
    events = followed_by(waiting(), ship("S1", 10, L1=10), cancel(11))
    given(*events).when(accept()).raises(OrderClosed)


def test_acceptance_cannot_predate_the_current_stage() -> None:
    given(*completed()).when(accept(1)).raises(TimeTravel, field="accepted_at")


def test_a_software_order_is_accepted_once_live() -> None:
    software = line("L1", kind=LineKind.SOFTWARE_LICENCE)
    provisioning = at_stage(S.PROVISIONING, software, order_type="software")
    given(*provisioning).when(accept()).raises(InvalidTransition)
    live = at_stage(S.LIVE, software, order_type="software")
    assert given(*live).when(accept()).state().accepted_at is not None
