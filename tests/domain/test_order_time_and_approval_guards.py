"""Facts dated before what they follow are refused; goods wait for approval of a change."""

from __future__ import annotations

from domain.order.commands import (
    CancelOrder,
    FileComplaint,
    HoldOrder,
    RecordFeedback,
    ReportQualityIncident,
)
from domain.order.events import Severity
from domain.order.rules import ApprovalRequired, TimeTravel
from domain.stages import Stage
from tests.domain.order_examples import (
    approve,
    at_stage,
    change,
    day,
    followed_by,
    given,
    line,
    placed,
    ship,
    signed,
)


def test_cannot_hold_before_the_current_stage_was_entered() -> None:
    given(*signed()).when(HoldOrder(reason="x", at=day(0.5))).raises(TimeTravel, field="at")


def test_cannot_cancel_before_the_current_stage_was_entered() -> None:
    given(*at_stage(Stage.DESIGNING)).when(CancelOrder(reason="x", at=day(1))).raises(TimeTravel)


def test_cannot_approve_before_the_order_was_placed() -> None:
    big = line(price="200000")
    given(*placed(big)).when(approve("sales_director", at=-1)).raises(TimeTravel, field="at")


def test_cannot_date_a_change_before_the_current_stage() -> None:
    given(*signed()).when(change(add=(line("L9"),), at=0.5)).raises(TimeTravel, field="changed_at")


def test_records_cannot_precede_the_order() -> None:
    for record in (
        RecordFeedback(rating=3, comment="", at=day(-1)),
        FileComplaint(description="late", at=day(-1)),
        ReportQualityIncident(severity=Severity.MAJOR, description="crack", at=day(-1)),
    ):
        given(*placed()).when(record).raises(TimeTravel, field="at")


def test_goods_do_not_ship_while_a_change_awaits_approval() -> None:
    ready = at_stage(Stage.AWAITING_SHIPMENT, line("L1", price="1000"))
    raised = followed_by(ready, change(add=(line("L2", price="150000"),), at=7))
    given(*raised).when(ship("S1", 8, L1=1)).raises(ApprovalRequired)
    approved = followed_by(raised, approve("sales_director", at=7.5))
    assert given(*approved).when(ship("S1", 8, L1=1)).events()


def test_cancelling_an_order_on_hold_leaves_it_not_on_hold() -> None:
    held = followed_by(signed(), HoldOrder(reason="缺料", at=day(2)))
    state = given(*held).when(CancelOrder(reason="客户取消", at=day(3))).state()
    assert state.cancelled
    assert not state.on_hold
