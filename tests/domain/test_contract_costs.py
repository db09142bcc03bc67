"""Costs to obtain a contract (ASC 340-40): capitalised and amortised on the pattern of
the goods and services they relate to, or expensed under the one-year practical
expedient (340-40-25-4).

Worked example (checkable by hand): a commission of 2,400.00 on two years of
maintenance (24,000, ratable by day from 2026-02-01 to 2028-01-31: 730 days) is
capitalised - the period is over a year - and amortised as the revenue is recognised:
February 2026 is 28 of 730 days, 2,400 x 28 / 730 = 92.05; by 2027-01-31 (365 days)
half, 1,200.00, with 1,200.00 still an asset.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given as hypothesis_given
from hypothesis import strategies as st

from domain.order.events import LineKind
from domain.revenue import Fulfilment, RecordContractCost, RevenueRefused
from domain.revenue.costs import CostTreatment, by_month
from domain.testing import revenue_spec as given
from tests.domain.test_revenue_contract import SIGNED, cny, deliver, identify, line

MAINTENANCE = line("MNT", LineKind.MAINTENANCE, 24_000, term_start=date(2026, 2, 1),
                   term_months=24)  # fmt: skip
HARDWARE = line("HW", LineKind.HARDWARE, 100_000)


def cost(**fields: object) -> RecordContractCost:
    base: dict[str, object] = {"cost_id": "commission-1", "amount": cny(2_400),
                               "incurred_on": SIGNED, "description": "销售佣金 commission"}
    return RecordContractCost(**{**base, **fields})  # type: ignore[arg-type]


def test_a_commission_on_two_years_of_maintenance_is_amortised_with_its_revenue() -> None:
    history = given.run(identify(lines=(MAINTENANCE,)), cost())
    state = given.fold(history)
    recorded = state.costs["commission-1"]
    assert recorded.treatment is CostTreatment.CAPITALISED
    assert "until 2028-01-31, beyond a year" in recorded.reason and "340-40-35-1" in recorded.reason
    revenues = state.revenues()
    months = dict(by_month(recorded, revenues, date(2026, 1, 1), date(2026, 3, 1)))
    assert months[date(2026, 1, 1)] == cny(0)
    assert months[date(2026, 2, 1)] == cny("92.05")
    assert recorded.amortised_to(revenues, date(2027, 1, 31)) == cny("1200.00")
    assert recorded.balance(revenues, date(2027, 1, 31)) == cny("1200.00")
    assert recorded.amortised_to(revenues, date(2028, 1, 31)) == cny(2_400)


def test_within_a_year_the_expedient_expenses_it_and_without_it_the_shipment_does() -> None:
    expensed = given.fold(given.run(identify(lines=(HARDWARE,)), cost())).costs["commission-1"]
    assert expensed.treatment is CostTreatment.EXPENSED
    assert "340-40-25-4" in expensed.reason
    history = given.run(identify(lines=(HARDWARE,)), cost(expedient=False))
    kept = given.fold(history).costs["commission-1"]
    assert kept.treatment is CostTreatment.CAPITALISED
    assert "the practical expedient is not used" in kept.reason
    shipped = given.fold([*history, *given(*history).when(
        deliver(Fulfilment.SHIPMENT, date(2026, 3, 10), "HW")).events()])  # fmt: skip
    revenues = shipped.revenues()
    assert kept.amortised_to(revenues, date(2026, 3, 9)) == cny(0)
    assert kept.amortised_to(revenues, date(2026, 3, 10)) == cny(2_400)


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (cost(amount=cny(-1)), "amount"),
        (cost(amount=cny(0)), "amount"),
        (cost(obligations=("NOPE",)), "obligations"),
        (cost(incurred_on=date(2025, 1, 1)), "incurred_on"),
    ],
)
def test_a_cost_that_cannot_be_is_refused_by_field(command: RecordContractCost, field: str) -> None:
    history = given.run(identify(lines=(MAINTENANCE,)))
    given(*history).when(command).raises(RevenueRefused, field=field)


def test_a_cost_id_is_recorded_once() -> None:
    history = given.run(identify(lines=(MAINTENANCE,)), cost())
    given(*history).when(cost()).raises(RevenueRefused, field="cost_id")


@hypothesis_given(amount=st.integers(1, 10**7), months=st.integers(1, 60),
                  start=st.integers(0, 400))  # fmt: skip
def test_monthly_amortisation_sums_to_the_cost_and_never_runs_backwards(
    amount: int, months: int, start: int
) -> None:
    term_start = date.fromordinal(SIGNED.toordinal() + start)
    service = line("S", LineKind.MAINTENANCE, 50_000, term_start=term_start, term_months=months)
    state = given.fold(given.run(identify(lines=(service,)),
                                 cost(amount=cny(amount), expedient=False)))  # fmt: skip
    recorded, revenues = state.costs["commission-1"], state.revenues()
    rows = by_month(recorded, revenues, SIGNED, date(2032, 12, 31))
    assert all(m.amount >= 0 for _, m in rows)
    assert sum(m.amount for _, m in rows) == cny(amount).amount
