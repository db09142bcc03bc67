"""Over any sequence of closes, soft closes and reopenings, closing never skips a month
and only the last closed month reopens, after two different people acted."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

from domain.revenue.calendar import add_months
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
from domain.testing import periods_spec

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
