"""Approval and signing: thresholds by amount, roles in order, rejection, re-approval."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.order.commands import CancelOrder, HoldOrder, RejectOrder
from domain.order.events import OrderApproved, OrderRejected, OrderSigned
from domain.order.rules import (
    ApprovalNotExpected,
    ApprovalRequired,
    InvalidTransition,
    OrderClosed,
    OrderOnHold,
    TimeTravel,
)
from domain.rulebook import ApprovalStep, PublishApprovalRules
from domain.stages import Stage
from domain.testing import rulebook_spec
from tests.domain.order_examples import (
    approve,
    change,
    day,
    given,
    granted,
    history,
    line,
    place,
    placed,
    sign,
)

DIRECTOR, VP = "sales_director", "vp"


def reject(role: str = DIRECTOR, reason: str = "margin too thin") -> RejectOrder:
    return RejectOrder(role=role, approver="boss", reason=reason, at=day(0.5),
                       authority=granted(role, "boss"))  # fmt: skip


@pytest.mark.parametrize(
    ("price", "currency", "roles"),
    [
        ("100000", "CNY", ()),
        ("100000.01", "CNY", (DIRECTOR,)),
        ("500000", "CNY", (DIRECTOR,)),
        ("500000.01", "CNY", (DIRECTOR, VP)),
        ("14000", "USD", ()),
        ("14000.01", "USD", (DIRECTOR,)),
        ("70000.01", "USD", (DIRECTOR, VP)),
        ("13000.01", "EUR", (DIRECTOR,)),
        ("10", "JPY", (DIRECTOR, VP)),  # no thresholds: the strictest review
        ("0", "KWD", (DIRECTOR, VP)),
    ],
)
def test_required_approvals_follow_the_amount_and_currency(
    price: str, currency: str, roles: tuple[str, ...]
) -> None:
    command = place(line(price=price, currency=currency), currency=currency)
    assert given().when(command).state().required_approvals == roles


def test_thresholds_apply_to_the_total_after_discounts() -> None:
    discounted = line("L1", price="120000", discount="20000")
    assert given().when(place(discounted)).state().required_approvals == ()


def test_thresholds_apply_to_the_order_total_not_to_one_line() -> None:
    state = given().when(place(line("L1", price="60000"), line("L2", price="60000"))).state()
    assert state.required_approvals == (DIRECTOR,)


def test_an_order_pins_the_approval_rules_version_in_force() -> None:
    stricter = rulebook_spec.run(
        PublishApprovalRules(steps_by_currency={"CNY": (ApprovalStep(above=Decimal(0), role=VP),)}),
        PublishApprovalRules(steps_by_currency={"CNY": (ApprovalStep(above=Decimal(0), role=VP),)}),
    )
    rules = rulebook_spec.fold(stricter).approval
    assert rules is not None
    state = given().when(place(rules=rules)).state()
    assert (state.approval_rules_version, state.required_approvals) == (2, (VP,))


def test_an_approval_is_recorded_and_is_no_longer_pending() -> None:
    state = (
        given(*placed(line(price="600000")))
        .when(approve(DIRECTOR))
        .then(
            OrderApproved(
                role=DIRECTOR,
                approver="sales_director.zhang",
                approved_at=day(0.5),
                positions_version=1,
            )
        )
    )
    assert state.pending_approvals == (VP,)


def test_the_vp_cannot_approve_before_the_sales_director() -> None:
    given(*placed(line(price="600000"))).when(approve(VP)).raises(ApprovalNotExpected, field="role")


def test_the_vp_approves_after_the_sales_director() -> None:
    events = history(place(line(price="600000")), approve(DIRECTOR), approve(VP))
    assert given(*events).state.pending_approvals == ()


def test_no_approval_is_taken_when_none_is_pending() -> None:
    given(*placed(line(price="10"))).when(approve(DIRECTOR)).raises(
        ApprovalNotExpected, field="role"
    )


def test_the_same_role_cannot_approve_twice() -> None:
    events = history(place(line(price="200000")), approve(DIRECTOR))
    given(*events).when(approve(DIRECTOR)).raises(ApprovalNotExpected)


def test_a_rejection_carries_its_reason() -> None:
    why = "margin too thin"
    state = (
        given(*placed(line(price="200000")))
        .when(reject(reason=why))
        .then(
            OrderRejected(
                role=DIRECTOR,
                approver="boss",
                reason=why,
                rejected_at=day(0.5),
                positions_version=1,
            )
        )
    )
    assert state.rejection == why


def test_a_rejection_comes_from_the_role_whose_turn_it_is() -> None:
    given(*placed(line(price="600000"))).when(reject(VP)).raises(ApprovalNotExpected)


def test_a_rejected_order_cannot_be_signed() -> None:
    events = history(place(line(price="200000")), reject())
    error = given(*events).when(sign()).raises(ApprovalRequired)
    assert "margin too thin" in error.message


def test_a_rejected_order_takes_no_approval_until_it_is_changed() -> None:
    events = history(place(line(price="200000")), reject())
    given(*events).when(approve(DIRECTOR)).raises(ApprovalNotExpected)


def test_changing_a_rejected_order_opens_it_for_approval_again() -> None:
    events = history(place(line(price="200000")), reject(), change(add=(line("L2", price="1"),)))
    state = given(*events).when(approve(DIRECTOR, at=3)).state()
    assert state.rejection is None
    assert state.pending_approvals == ()


def test_a_change_before_signing_resets_approvals() -> None:
    events = history(place(line(price="200000")), approve(DIRECTOR))
    state = given(*events).when(change(add=(line("L2", price="1"),))).state()
    assert state.approvals == ()
    assert state.pending_approvals == (DIRECTOR,)


def test_an_unapproved_order_cannot_be_signed() -> None:
    error = given(*placed(line(price="600000"))).when(sign()).raises(ApprovalRequired)
    assert error.details["pending"] == [DIRECTOR, VP]


def test_a_partly_approved_order_cannot_be_signed() -> None:
    events = history(place(line(price="600000")), approve(DIRECTOR))
    given(*events).when(sign()).raises(ApprovalRequired)


def test_signing_an_approved_order_moves_it_to_signed() -> None:
    events = history(place(line(price="200000")), approve(DIRECTOR))
    state = (
        given(*events)
        .when(sign(at=1))
        .then(OrderSigned(contract_number="HT-2024-001", signed_at=day(1)))
    )
    assert (state.stage, state.signed_at, state.contract_number) == (
        Stage.SIGNED,
        day(1),
        "HT-2024-001",
    )
    assert [v.stage for v in state.stage_history] == [Stage.PENDING_CONFIRMATION, Stage.SIGNED]


def test_an_order_needing_no_approval_can_be_signed_at_once() -> None:
    assert given(*placed()).when(sign()).state().stage == Stage.SIGNED


def test_an_order_cannot_be_signed_twice() -> None:
    given(*history(place(), sign())).when(sign(at=2)).raises(InvalidTransition)


def test_an_order_cannot_be_signed_before_it_was_placed() -> None:
    given(*placed()).when(sign(at=-1)).raises(TimeTravel, field="signed_at")


def test_an_order_on_hold_cannot_be_signed() -> None:
    events = history(place(), HoldOrder(reason="credit check", at=day(0.5)))
    given(*events).when(sign()).raises(OrderOnHold)


def test_a_cancelled_order_can_be_neither_approved_nor_signed() -> None:
    events = history(place(line(price="200000")), CancelOrder(reason="lost", at=day(0.5)))
    given(*events).when(approve(DIRECTOR)).raises(OrderClosed)
    given(*events).when(sign()).raises(OrderClosed)
