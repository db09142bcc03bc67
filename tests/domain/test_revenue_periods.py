"""Revenue periods: months close in order, soft-close before they lock, and reopen only
when finance asks with a reason and another person, an admin, approves."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.revenue_periods import (
    ApproveReopen,
    ClosePeriod,
    PeriodClosed,
    PeriodRefused,
    PeriodReopened,
    PeriodReopenRequested,
    PeriodSoftClosed,
    RequestReopen,
    SoftClosePeriod,
)
from domain.testing import periods_spec as given

AT = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
DEC, JAN, FEB = date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)
closed_dec = PeriodClosed(month=DEC, closed_at=AT)
closed_jan = PeriodClosed(month=JAN, closed_at=AT)
WHY = "a December shipment was booked in January"
asked_jan = PeriodReopenRequested(
    request_id=3, month=JAN, reason=WHY, requested_by="zhou", requested_at=AT
)


def request(month: date = JAN, reason: str = WHY, by: str = "zhou") -> RequestReopen:
    return RequestReopen(month=month, reason=reason, by=by, at=AT)


def test_finance_asks_to_reopen_the_last_closed_month_with_a_reason() -> None:
    given(closed_dec, closed_jan).when(request()).then(asked_jan)


def test_a_request_without_a_reason_is_refused() -> None:
    given(closed_dec, closed_jan).when(request(reason="  ")).raises(PeriodRefused, field="reason")


def test_only_the_last_closed_month_can_be_reopened() -> None:
    given(closed_dec, closed_jan).when(request(DEC)).raises(PeriodRefused, field="month")
    given(closed_dec).when(request(JAN)).raises(PeriodRefused, field="month")
    given().when(request(DEC)).raises(PeriodRefused, field="month")


def test_another_person_approves_and_the_month_reopens() -> None:
    state = (
        given(closed_dec, closed_jan, asked_jan)
        .when(ApproveReopen(request_id=3, by="li.admin", at=AT))
        .then(
            PeriodReopened(
                request_id=3,
                month=JAN,
                reason=WHY,
                requested_by="zhou",
                approved_by="li.admin",
                reopened_at=AT,
                closed_through=DEC,
            )
        )
    )
    assert (state.closed_through, state.pending) == (DEC, {})


def test_the_requester_can_never_approve_their_own_request() -> None:
    given(closed_dec, closed_jan, asked_jan).when(
        ApproveReopen(request_id=3, by="zhou", at=AT)
    ).raises(PeriodRefused, field="by")


def test_an_unknown_or_spent_request_cannot_be_approved() -> None:
    reopened = PeriodReopened(
        request_id=3,
        month=JAN,
        reason=WHY,
        requested_by="zhou",
        approved_by="li.admin",
        reopened_at=AT,
        closed_through=DEC,
    )
    given(closed_dec, closed_jan).when(ApproveReopen(request_id=3, by="li", at=AT)).raises(
        PeriodRefused, field="request_id"
    )
    given(closed_dec, closed_jan, asked_jan, reopened).when(
        ApproveReopen(request_id=3, by="li", at=AT)
    ).raises(PeriodRefused, field="request_id")


def test_a_request_goes_stale_once_its_month_is_no_longer_the_last_closed() -> None:
    closed_feb = PeriodClosed(month=FEB, closed_at=AT)
    assert given(closed_dec, closed_jan, asked_jan, closed_feb).state.pending == {}
    given(closed_dec, closed_jan, asked_jan, closed_feb).when(
        ApproveReopen(request_id=3, by="li", at=AT)
    ).raises(PeriodRefused, field="request_id")


def test_months_reopen_in_reverse_order_and_close_again_in_order() -> None:
    reopened_jan = PeriodReopened(
        request_id=3,
        month=JAN,
        reason=WHY,
        requested_by="zhou",
        approved_by="li",
        reopened_at=AT,
        closed_through=DEC,
    )
    history = (closed_dec, closed_jan, asked_jan, reopened_jan)
    given(*history).when(request(JAN)).raises(PeriodRefused, field="month")
    given(*history).when(ClosePeriod(month=FEB, at=AT)).raises(PeriodRefused, field="month")
    given(*history).when(ClosePeriod(month=JAN, at=AT)).then(closed_jan)
    asked_dec = PeriodReopenRequested(
        request_id=5, month=DEC, reason=WHY, requested_by="zhou", requested_at=AT
    )
    reopened_dec = PeriodReopened(
        request_id=5,
        month=DEC,
        reason=WHY,
        requested_by="zhou",
        approved_by="li",
        reopened_at=AT,
        closed_through=None,
    )
    state = given(*history, asked_dec, reopened_dec).state
    assert state.closed_through is None
    # The first month ever closed stays the first to close: no month is skipped.
    given(*history, asked_dec, reopened_dec).when(ClosePeriod(month=JAN, at=AT)).raises(
        PeriodRefused, field="month"
    )
    given(*history, asked_dec, reopened_dec).when(ClosePeriod(month=DEC, at=AT)).then(closed_dec)


def test_a_soft_close_warns_without_locking_and_a_hard_close_may_follow() -> None:
    soft = PeriodSoftClosed(month=JAN, soft_closed_at=AT, note="preliminary")
    state = given(closed_dec).when(SoftClosePeriod(month=JAN, at=AT, note="preliminary")).then(soft)
    assert (state.closed_through, state.soft_closed_through) == (DEC, JAN)
    assert state.soft_closed(JAN)
    assert not state.soft_closed(FEB)
    assert not state.soft_closed(DEC)
    after = given(closed_dec, soft).when(ClosePeriod(month=JAN, at=AT)).then(closed_jan)
    assert not after.soft_closed(JAN)
    given(closed_dec).when(SoftClosePeriod(month=FEB, at=AT)).raises(PeriodRefused, field="month")
    given(closed_dec, soft).when(SoftClosePeriod(month=JAN, at=AT)).then()  # once is enough
    early = SoftClosePeriod(month=date(2026, 3, 1), at=AT)
    given(closed_dec, soft, PeriodSoftClosed(month=FEB, soft_closed_at=AT)).when(early).raises(
        PeriodRefused, field="month"
    )
