"""Over any sequence of closes, soft closes and reopenings, closing never skips a month
and only the last closed month reopens, after two different people acted; and the
books, reopened or not, keep what they booked and add up."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

from domain.revenue.calendar import add_months, month_of
from domain.revenue.ledger import rebook
from domain.revenue_periods import (
    ApproveReopen,
    ClosePeriod,
    PeriodClosed,
    PeriodCommand,
    PeriodRefused,
    PeriodReopened,
    RequestReopen,
    SoftClosePeriod,
)
from domain.shared import total
from domain.testing import periods_spec, revenue_spec
from domain.testing.revenue import RevenueHistory, revenue_histories

AT = datetime(2030, 1, 1, tzinfo=UTC)
START = date(2026, 1, 1)
months = st.integers(0, 5).map(lambda n: add_months(START, n))
people = st.sampled_from(["zhou", "li", "wang"])
commands: st.SearchStrategy[PeriodCommand] = st.one_of(
    st.builds(ClosePeriod, month=months, at=st.just(AT)),
    st.builds(SoftClosePeriod, month=months, at=st.just(AT)),
    st.builds(
        RequestReopen,
        month=months,
        reason=st.sampled_from(["", "late invoice"]),
        by=people,
        at=st.just(AT),
    ),
    st.builds(ApproveReopen, request_id=st.integers(1, 40), by=people, at=st.just(AT)),
)


@given(st.lists(commands, max_size=40))
def test_closing_never_skips_a_month_and_only_the_last_closed_reopens(
    script: list[PeriodCommand],
) -> None:
    state = periods_spec.initial
    closed: list[date] = []  # the months closed now, oldest first
    for drawn in script:
        command = drawn
        if isinstance(drawn, ApproveReopen) and state.pending:  # mostly a real request
            numbers = sorted(state.pending)
            command = replace(drawn, request_id=numbers[drawn.request_id % len(numbers)])
        try:
            events = periods_spec.decide(command, state)
        except PeriodRefused:
            continue
        for event in events:
            if isinstance(event, PeriodClosed):
                assert not closed or event.month == add_months(closed[-1], 1)
                assert state.first_closed is None or closed or event.month == state.first_closed
                closed.append(event.month)
            if isinstance(event, PeriodReopened):
                assert closed
                assert event.month == closed.pop()
                assert event.requested_by != event.approved_by
                assert event.reason
            state = periods_spec.evolve(state, event)
        assert state.closed_through == (closed[-1] if closed else None)
        soft = state.soft_closed_through
        if soft is not None and state.soft_closed(soft):
            assert soft > (state.closed_through or date.min)


@given(revenue_histories(), st.data())
def test_reopened_books_still_add_up_and_keep_the_adjustments_they_booked(
    history: RevenueHistory, data: st.DataObject
) -> None:
    events, books = [history.events[0]], {}
    closed: date | None = None
    reopened: date | None = None
    state = revenue_spec.fold(events)
    books = rebook(state, books, closed, reopened)
    first = month_of(history.first)
    for event in history.events[1:]:
        step = data.draw(st.sampled_from(["none", "close", "reopen"]))
        if step == "close":
            closed = first if closed is None else add_months(closed, 1)
        elif step == "reopen" and closed is not None:
            reopened, closed = closed, None if closed == first else add_months(closed, -1)
        open_from = add_months(closed, 1) if closed is not None else reopened
        kept = {
            (oid, m): b.adjustment
            for oid, rows in books.items()
            for m, b in rows.items()
            if (closed is not None and m <= closed) or (open_from and m > open_from)
        }
        events.append(event)
        state = revenue_spec.fold(events)
        books = rebook(state, books, closed, reopened)
        for (oid, month), adjustment in kept.items():
            # Closed, or booked while closed; a month whose booking fell to nothing is
            # left out of the books, which keeps a zero adjustment too.
            found = books[oid].get(month)
            assert (found.adjustment if found else adjustment - adjustment) == adjustment
    for r in state.revenues():
        booked = total([b.amount for b in books[r.obligation_id].values()], state.currency)
        assert booked == r.recognised_to(history.last)
