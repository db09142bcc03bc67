"""Invariants of the revenue contract over any history the rules accept."""

from __future__ import annotations

from hypothesis import given

from domain.revenue.recognition import by_month
from domain.shared import total
from domain.testing import revenue_spec
from domain.testing.revenue import RevenueHistory, revenue_histories


@given(revenue_histories())
def test_lifetime_revenue_equals_the_final_transaction_price(history: RevenueHistory) -> None:
    state = revenue_spec.fold(history.events)
    lifetime = [
        amount
        for revenue in state.revenues()
        for _, amount in by_month(revenue, history.first, history.last)
    ]
    assert total(lifetime, state.currency) == state.transaction_price()
    for oid, obligation in state.obligations.items():
        if not obligation.removed:
            assert obligation.revenue(state.currency).satisfied(history.last), oid


@given(revenue_histories(complete=False))
def test_recognised_never_exceeds_allocated(history: RevenueHistory) -> None:
    state = revenue_spec.fold(history.events)
    for revenue in state.revenues():
        for month, _ in by_month(revenue, history.first, history.last):
            recognised = revenue.recognised_to(month)
            allocated = revenue.allocated(month)
            assert allocated.amount >= 0  # no change may leave a negative price
            assert recognised.amount <= allocated.amount
    assert state.transaction_price().amount >= 0
