"""Invariants of the revenue maths, over any allocation and any contract life."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.revenue.allocation import AllocationRefused, allocate_price
from domain.revenue.calendar import add_months, month_end, month_of
from domain.revenue.recognition import by_month
from domain.shared import total
from domain.testing.revenue import (
    START,
    ContractLife,
    allocation_problems,
    contract_lives,
    last_day,
)


@given(allocation_problems())
def test_allocations_sum_exactly_to_the_transaction_price(problem: tuple) -> None:  # type: ignore[type-arg]
    price, candidates, rules = problem
    try:
        result = allocate_price(price, candidates, rules)
    except AllocationRefused:
        return  # e.g. a residual that leaves nothing: refused, not guessed
    assert total([a.amount for a in result], price.currency) == price
    assert all(a.amount.amount >= 0 for a in result)
    assert [a.obligation_id for a in result] == [c.obligation_id for c in candidates]


@given(contract_lives(), st.lists(st.integers(0, 2000), min_size=1, max_size=8))
def test_recognised_never_exceeds_allocated_and_equals_it_once_satisfied(
    life: ContractLife, offsets: list[int]
) -> None:
    for obligation in life.obligations:
        for offset in offsets:
            day = START + timedelta(days=offset)
            recognised = obligation.recognised_to(day)
            allocated = obligation.allocated(day)
            assert recognised.amount <= max(allocated.amount, 0), (day, life.changes)
            latest = max(c.since for c in obligation.components)
            if obligation.satisfied(day) and day >= latest:
                assert recognised == allocated, (day, life.changes)


@given(contract_lives())
def test_lifetime_revenue_is_the_final_transaction_price(life: ContractLife) -> None:
    end = last_day(life)
    lifetime = [amount for o in life.obligations for _, amount in by_month(o, START, end)]
    assert total(lifetime, life.currency) == life.price
    for o in life.obligations:
        assert o.satisfied(end)


@given(contract_lives(), st.integers(0, 900), st.integers(0, 40))
def test_months_add_up_to_the_cumulative_to_date(
    life: ContractLife, first: int, months: int
) -> None:
    start = month_of(START + timedelta(days=first))
    last = add_months(start, months)
    for o in life.obligations:
        rows = by_month(o, start, last)
        assert [m for m, _ in rows] == [add_months(start, n) for n in range(months + 1)]
        before = o.recognised_to(start - timedelta(days=1))
        in_months = total([amount for _, amount in rows], life.currency)
        assert before + in_months == o.recognised_to(month_end(last))
