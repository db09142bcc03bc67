"""Capturing an order: what a valid order looks like, and what is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
import pytest
from msgspec.structs import replace

from domain.order import order_id_for
from domain.order.commands import (
    AdvanceStage,
    ApproveOrder,
    CancelOrder,
    ChangeOrder,
    EstimateCost,
    FileComplaint,
    HoldOrder,
    OrderCommand,
    RecordAcceptance,
    RecordActualCost,
    RecordFeedback,
    RecordShipment,
    ReportQualityIncident,
    ResumeOrder,
    SignOrder,
    UpdateExpectedCompletion,
)
from domain.order.events import Channel, LineKind, OrderLine, OrderPlaced, Severity
from domain.order.rules import (
    DuplicateOrder,
    InvalidOrderLine,
    InvalidTransition,
    OrderNotFound,
    TimeTravel,
)
from domain.shared import Money
from domain.stages import Stage
from tests.domain.order_examples import ROUTES, RULES, T0, day, given, line, place, placed


def test_placing_an_order_records_it_with_the_route_and_rules_in_force() -> None:
    command = place(line("L1", price="1000", quantity=2))
    given().when(command).then(
        OrderPlaced(
            order_type="equipment",
            channel=Channel.DIRECT,
            external_ref="PO-1",
            customer_id="C-1",
            customer_name="Acme Machinery",
            region="East",
            salesperson="li.wei",
            currency="CNY",
            promised_delivery=date(2024, 6, 1),
            lines=command.lines,
            placed_at=T0,
            route=ROUTES["equipment"],
            approval_rules_version=RULES.version,
            required_approvals=(),
        )
    )


def test_a_new_order_waits_for_confirmation_from_the_moment_it_was_placed() -> None:
    state = given().when(place()).state()
    assert state.stage == Stage.PENDING_CONFIRMATION
    assert [(v.stage, v.entered_at, v.exited_at) for v in state.stage_history] == [
        (Stage.PENDING_CONFIRMATION, T0, None)
    ]
    assert state.expected_completion == state.promised_delivery == date(2024, 6, 1)
    assert state.version == 1


def test_order_total_is_the_sum_of_rounded_line_gross_less_discounts() -> None:
    state = (
        given()
        .when(place(line("L1", quantity=3, price="33.335", discount="0.01"), line("L2", price="5")))
        .state()
    )
    # 3 x 33.335 = 100.005, rounded half up to 100.01, less 0.01; plus 5.
    assert state.total == Money.of("105.00", "CNY")


def test_a_rounding_adjustment_evens_out_the_unit_prices_last_cent_and_no_more() -> None:
    """2 x 0.005 more or less than 100.00 rounds to the cent: at most 0.01 either way."""
    evened = replace(line("L1", quantity=2, price="100"), rounding=Money.of("-0.01", "CNY"))
    assert given().when(place(evened)).state().total == Money.of("199.99", "CNY")
    for wrong in ("-0.02", "0.005"):
        hidden = replace(evened, rounding=Money.of(wrong, "CNY"))
        given().when(place(hidden)).raises(InvalidOrderLine, field="lines[0].rounding.amount")
    usd = replace(evened, rounding=Money.of("0.01", "USD"))
    given().when(place(usd)).raises(InvalidOrderLine, field="lines[0].rounding.currency")


def test_an_order_line_stored_before_rounding_adjustments_still_decodes() -> None:
    stored = (b'{"line_id":"L1","product_code":"SAAS-USER","kind":"subscription",'
              b'"quantity":"120","unit_price":{"amount":"1083.333333333333333333333333",'
              b'"currency":"CNY"},"discount":{"amount":"0","currency":"CNY"},'
              b'"standalone_selling_price":{"amount":"1100","currency":"CNY"}}')  # fmt: skip
    old = msgspec.json.decode(stored, type=OrderLine)
    assert (old.rounding, old.gross) == (None, Money.of(130_000, "CNY"))


def test_an_order_needs_at_least_one_line() -> None:
    given().when(replace(place(), lines=())).raises(InvalidOrderLine, field="lines")


def test_line_ids_are_unique_within_an_order() -> None:
    given().when(place(line("L1"), line("L1"))).raises(InvalidOrderLine, field="lines[1].line_id")


@pytest.mark.parametrize("money_field", ["unit_price", "discount", "standalone_selling_price"])
def test_every_line_amount_is_in_the_order_currency(money_field: str) -> None:
    usd_line = replace(line("L1"), **{money_field: Money.of("1", "USD")})
    given().when(place(usd_line)).raises(InvalidOrderLine, field=f"lines[0].{money_field}.currency")


def test_a_negative_price_is_refused() -> None:
    given().when(place(line(price="-1"))).raises(
        InvalidOrderLine, field="lines[0].unit_price.amount"
    )


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantity_must_be_positive(quantity: int) -> None:
    given().when(place(line(quantity=quantity))).raises(InvalidOrderLine, field="lines[0].quantity")


def test_a_discount_above_the_line_gross_is_refused() -> None:
    given().when(place(line(quantity=2, price="100", discount="200.01"))).raises(
        InvalidOrderLine, field="lines[0].discount"
    )


def test_a_discount_of_the_whole_gross_is_allowed() -> None:
    state = given().when(place(line(quantity=2, price="100", discount="200"))).state()
    assert state.total == Money.of(0, "CNY")


@pytest.mark.parametrize("kind", [LineKind.MAINTENANCE, LineKind.SUBSCRIPTION])
@pytest.mark.parametrize(
    ("term_start", "term_months"), [(None, None), (None, 12), (date(2024, 4, 1), None)]
)
def test_time_based_lines_need_a_service_term(
    kind: LineKind, term_start: date | None, term_months: int | None
) -> None:
    given().when(place(line(kind=kind, term_start=term_start, term_months=term_months))).raises(
        InvalidOrderLine, field="lines[0].term_months"
    )


@pytest.mark.parametrize("kind", [LineKind.SUBSCRIPTION, LineKind.HARDWARE])
def test_a_service_term_is_at_least_one_month(kind: LineKind) -> None:
    given().when(place(line(kind=kind, term_start=date(2024, 4, 1), term_months=0))).raises(
        InvalidOrderLine, field="lines[0].term_months"
    )


def test_a_time_based_line_with_a_term_is_accepted() -> None:
    subscription = line(kind=LineKind.SUBSCRIPTION, term_start=date(2024, 4, 1), term_months=12)
    assert given().when(place(subscription)).state().lines == (subscription,)


def test_promised_delivery_cannot_precede_placement() -> None:
    given().when(place(promised=date(2024, 2, 29))).raises(TimeTravel, field="promised_delivery")


def test_promised_delivery_on_the_day_of_placement_is_accepted() -> None:
    assert given().when(place(promised=T0.date())).state().promised_delivery == T0.date()


def test_the_route_must_be_for_the_order_type() -> None:
    given().when(place(order_type="equipment", route=ROUTES["software"])).raises(
        InvalidTransition, field="order_type"
    )


def test_the_same_order_cannot_be_captured_twice() -> None:
    given(*placed()).when(place()).raises(DuplicateOrder, field="external_ref")


def test_an_order_is_identified_by_its_channel_and_reference() -> None:
    assert order_id_for(Channel.AGENT, "PO-1") == order_id_for(Channel.AGENT, "PO-1")
    assert order_id_for(Channel.AGENT, "PO-1") != order_id_for(Channel.DIRECT, "PO-1")
    assert order_id_for(Channel.AGENT, "PO-1") != order_id_for(Channel.AGENT, "PO-2")


ANY_LATER_COMMAND: list[OrderCommand] = [
    ApproveOrder(role="sales_director", approver="a", at=day(1)),
    SignOrder(contract_number="HT-1", signed_at=day(1)),
    AdvanceStage(to_stage=Stage.SIGNED, at=day(1)),
    HoldOrder(reason="r", at=day(1)),
    ResumeOrder(at=day(1)),
    CancelOrder(reason="r", at=day(1)),
    RecordShipment(shipment_id="S1", lines=(), shipped_at=day(1)),
    RecordAcceptance(accepted_by="b", accepted_at=day(1)),
    UpdateExpectedCompletion(expected_completion=date(2024, 7, 1), reason="r"),
    EstimateCost(estimated_cost=Money.of(1, "CNY")),
    RecordActualCost(amount=Money.of(1, "CNY"), category="c", incurred_at=day(1)),
    RecordFeedback(rating=5, comment="", at=day(1)),
    FileComplaint(description="d", at=day(1)),
    ReportQualityIncident(severity=Severity.MINOR, description="d", at=day(1)),
    ChangeOrder(reason="r", changed_at=day(1), approval_rules=RULES, add=(line(),)),
]


@pytest.mark.parametrize("command", ANY_LATER_COMMAND, ids=lambda c: type(c).__name__)
def test_nothing_happens_to_an_order_that_was_never_placed(command: OrderCommand) -> None:
    given().when(command).raises(OrderNotFound)


def test_quantities_may_be_fractional() -> None:
    state = given().when(place(line(quantity="2.5", price="10"))).state()
    assert state.lines[0].quantity == Decimal("2.5")
    assert state.total == Money.of("25", "CNY")
