"""The ledger over any contract life with months closed along the way."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.revenue.calendar import add_months, month_of
from domain.revenue.ledger import rebook
from domain.shared import total
from domain.testing import revenue_spec
from domain.testing.revenue import RevenueHistory, revenue_histories


@given(revenue_histories(), st.data())
def test_no_later_event_changes_a_closed_month(
    history: RevenueHistory, data: st.DataObject
) -> None:
    events, closed, books = [history.events[0]], None, {}
    state = revenue_spec.fold(events)
    books = rebook(state, books, closed)
    for event in history.events[1:]:
        if data.draw(st.booleans()):  # finance closes the next month first
            closed = month_of(history.first) if closed is None else add_months(closed, 1)
        frozen = {oid: {m: b for m, b in rows.items() if closed and m <= closed}
                  for oid, rows in books.items()}  # fmt: skip
        events.append(event)
        state = revenue_spec.fold(events)
        books = rebook(state, books, closed)
        for oid, rows in frozen.items():
            assert {m: b for m, b in books[oid].items() if closed and m <= closed} == rows
    for r in state.revenues():
        booked = total([b.amount for b in books[r.obligation_id].values()], state.currency)
        assert booked == r.recognised_to(history.last)
