"""Invariants of the revenue contract over any history the rules accept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import revenue as revenue_decide
from domain.revenue import RevenueRefused, TerminateContract
from domain.revenue.recognition import by_month
from domain.shared import total
from domain.testing import revenue_spec
from domain.testing.revenue import HORIZON, RevenueHistory, revenue_histories


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


@given(revenue_histories(complete=False), st.integers(0, 400))
def test_a_terminated_contract_keeps_what_it_earned_and_earns_nothing_more(
    history: RevenueHistory, days: int
) -> None:
    state = revenue_spec.fold(history.events)
    last_day = history.last + timedelta(days=days)
    earned = {r.obligation_id: r.recognised_to(last_day) for r in state.revenues()}
    end = TerminateContract(last_day=last_day, reason="the order was cancelled")
    ended = revenue_spec.fold([*history.events, *revenue_decide.decide(end, state)])
    assert ended.terminated_on == last_day
    far = last_day + timedelta(days=HORIZON + 31 * 25)
    for revenue in ended.revenues():
        kept = earned[revenue.obligation_id]
        assert revenue.recognised_to(last_day) == kept  # what was earned stays
        assert revenue.recognised_to(far) == kept  # and nothing more is earned
        assert revenue.allocated() == kept
    lifetime = [amount for r in ended.revenues() for _, amount in by_month(r, history.first, far)]
    assert total(lifetime, ended.currency) == ended.transaction_price()
    with pytest.raises(RevenueRefused, match="terminated"):
        revenue_decide.decide(end, ended)
