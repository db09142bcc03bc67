"""Change orders: numbered revisions of the contract; history is never rewritten."""

from __future__ import annotations

from datetime import date

import pytest
from msgspec.structs import replace

from domain.order.commands import CancelOrder
from domain.order.events import LineKind, LineRepricing, OrderChanged, OrderPlaced
from domain.order.rules import ApprovalRequired, InvalidOrderLine, OrderClosed
from domain.shared import Money
from domain.stages import Stage
from tests.domain.order_examples import (
    advance,
    approve,
    at_stage,
    change,
    cny,
    day,
    followed_by,
    given,
    history,
    line,
    place,
    placed,
    reprice,
    ship,
    sign,
    signed,
)

DIRECTOR, VP = "sales_director", "vp"
TWO_LINES = (line("L1", quantity=2, price="1000"), line("L2", kind=LineKind.TRAINING, price="500"))


def test_a_change_is_recorded_as_revision_one() -> None:
    added = line("L3", price="200")
    given(*placed()).when(change(add=(added,))).then(
        OrderChanged(
            revision=1,
            added=(added,),
            removed=(),
            repriced=(),
            reason="customer asked",
            changed_at=day(2),
            approval_rules_version=1,
            required_approvals=(),
            approvals_reset=True,
        )
    )


def test_changes_are_numbered_one_two_three() -> None:
    events = history(
        place(*TWO_LINES),
        change(add=(line("L3"),)),
        change(remove=("L3",), at=3),
        change(reprice=(reprice("L2", 400),), at=4),
    )
    assert [e.revision for e in events if isinstance(e, OrderChanged)] == [1, 2, 3]
    assert given(*events).state.revision == 3


def test_earlier_events_are_left_as_they_were() -> None:
    before = placed(*TWO_LINES)
    after = followed_by(before, change(remove=("L2",), add=(line("L3"),)))
    assert after[: len(before)] == before
    original = after[0]
    assert isinstance(original, OrderPlaced)
    assert [x.line_id for x in original.lines] == ["L1", "L2"]
    assert [x.line_id for x in given(*after).state.lines] == ["L1", "L3"]


def test_a_change_must_change_something() -> None:
    given(*placed()).when(change()).raises(InvalidOrderLine, field="add")


def test_a_line_can_be_added() -> None:
    state = given(*placed(*TWO_LINES)).when(change(add=(line("L3", price="250"),))).state()
    assert [x.line_id for x in state.lines] == ["L1", "L2", "L3"]
    assert state.total == cny("2750")


def test_an_added_line_needs_a_new_id() -> None:
    given(*placed(*TWO_LINES)).when(change(add=(line("L2"),))).raises(
        InvalidOrderLine, field="add[0].line_id"
    )
    given(*placed(*TWO_LINES)).when(change(add=(line("L3"), line("L3")))).raises(
        InvalidOrderLine, field="add[1].line_id"
    )


def test_an_added_line_follows_the_line_rules() -> None:
    in_usd = line("L3", currency="USD")
    given(*placed()).when(change(add=(in_usd,))).raises(InvalidOrderLine)
    no_term = line("L3", kind=LineKind.MAINTENANCE)
    given(*placed()).when(change(add=(no_term,))).raises(
        InvalidOrderLine, field="add[0].term_months"
    )


def test_a_line_can_be_removed() -> None:
    state = given(*placed(*TWO_LINES)).when(change(remove=("L2",))).state()
    assert [x.line_id for x in state.lines] == ["L1"]


def test_an_unknown_line_cannot_be_removed() -> None:
    given(*placed()).when(change(remove=("L9",))).raises(InvalidOrderLine, field="remove[0]")


def test_a_line_with_shipped_goods_cannot_be_removed() -> None:
    events = followed_by(at_stage(Stage.AWAITING_SHIPMENT, *TWO_LINES), ship("S1", 10, L1=1))
    given(*events).when(change(remove=("L1",), at=11)).raises(InvalidOrderLine, field="remove[0]")


def test_every_line_cannot_be_removed() -> None:
    given(*placed(*TWO_LINES)).when(change(remove=("L1", "L2"))).raises(
        InvalidOrderLine, field="remove"
    )


def test_every_line_may_be_replaced() -> None:
    state = given(*placed()).when(change(remove=("L1",), add=(line("L2"),))).state()
    assert [x.line_id for x in state.lines] == ["L2"]


def test_a_line_can_be_repriced() -> None:
    state = given(*placed(*TWO_LINES)).when(change(reprice=(reprice("L1", 900, 100),))).state()
    repriced = state.line("L1")
    assert repriced is not None
    assert (repriced.unit_price, repriced.discount, repriced.quantity) == (cny(900), cny(100), 2)
    assert state.total == cny(2200)


def test_only_lines_on_the_order_can_be_repriced() -> None:
    given(*placed()).when(change(reprice=(reprice("L9", 1),))).raises(
        InvalidOrderLine, field="reprice[0].line_id"
    )
    given(*placed(*TWO_LINES)).when(change(remove=("L2",), reprice=(reprice("L2", 1),))).raises(
        InvalidOrderLine, field="reprice[0].line_id"
    )


@pytest.mark.parametrize(
    ("price", "discount", "currency"),
    [("500", "1000.01", "CNY"), ("-1", "0", "CNY"), ("900", "0", "USD")],
)
def test_a_new_price_follows_the_line_rules(price: str, discount: str, currency: str) -> None:
    new = LineRepricing(
        line_id="L1", unit_price=Money.of(price, currency), discount=Money.of(discount, currency)
    )
    given(*placed(*TWO_LINES)).when(change(reprice=(new,))).raises(InvalidOrderLine)


def test_a_change_pins_the_rules_in_force_and_recomputes_approvals() -> None:
    state = given(*placed()).when(change(reprice=(reprice("L1", 600_000),))).state()
    assert state.required_approvals == (DIRECTOR, VP)
    assert state.approval_rules_version == 1


def test_after_signing_only_newly_required_roles_become_pending() -> None:
    events = history(place(line(price="200000")), approve(DIRECTOR), sign())
    state = given(*events).when(change(reprice=(reprice("L1", 600_000),))).state()
    assert state.approvals == (DIRECTOR,)
    assert state.pending_approvals == (VP,)


def test_a_change_after_signing_that_needs_no_new_role_needs_no_approval() -> None:
    events = history(place(line(price="200000")), approve(DIRECTOR), sign())
    change_event = given(*events).when(change(reprice=(reprice("L1", 300_000),))).events()[0]
    assert isinstance(change_event, OrderChanged)
    assert not change_event.approvals_reset
    assert given(*events, change_event).state.pending_approvals == ()


def test_a_signed_order_waits_for_newly_required_approvals_before_advancing() -> None:
    events = history(
        place(line(price="200000")),
        approve(DIRECTOR),
        sign(),
        change(reprice=(reprice("L1", 600_000),)),
    )
    given(*events).when(advance(Stage.DESIGNING, 3)).raises(ApprovalRequired)
    approved = followed_by(events, approve(VP, at=3))
    assert given(*approved).when(advance(Stage.DESIGNING, 4)).state().stage == Stage.DESIGNING


def test_a_change_keeps_the_stage_and_its_history() -> None:
    before = given(*signed(*TWO_LINES)).state
    after = given(*signed(*TWO_LINES)).when(change(add=(line("L3"),))).state()
    assert (after.stage, after.stage_history) == (before.stage, before.stage_history)
    assert after.promised_delivery == date(2024, 6, 1)


def test_a_closed_order_cannot_be_changed() -> None:
    cancelled = followed_by(placed(), CancelOrder(reason="lost", at=day(1)))
    given(*cancelled).when(change(add=(line("L2"),))).raises(OrderClosed)
    completed = at_stage(Stage.COMPLETED)
    given(*completed).when(change(add=(line("L2"),), at=30)).raises(OrderClosed)


def test_a_repriced_line_keeps_its_rounding_adjustment_only_with_its_unit_price() -> None:
    """120 seats at 1,083.33 plus 0.40 rounding are 130,000.00 (a graduated tier table's)."""
    seats = replace(line("L1", quantity=120, price="1083.33"), rounding=cny("0.40"))
    half_off = given(*placed(seats)).when(change(reprice=(reprice("L1", "1083.33", 65_000),)))
    assert half_off.state().total == cny(65_000)
    new_price = given(*placed(seats)).when(change(reprice=(reprice("L1", 1000),))).state()
    assert (new_price.lines[0].rounding, new_price.total) == (None, cny(120_000))
