"""Uninstalled materials under the input method, to the cent against the standard's
own worked example.

ASC 606-10-55-187 to 55-192 (Example 19, "Uninstalled Materials"; IFRS 15 IE95-IE100):
a contract to refurbish a building and install new elevators for a price of
5,000,000; expected costs 4,000,000, of which the elevators 1,500,000. Control of the
elevators passes on delivery, months before they are installed; they do not depict
progress (606-10-55-21). At the year end 2,000,000 is incurred, the elevators
included: progress is (2,000,000 - 1,500,000) / (4,000,000 - 1,500,000) = 20 %, and
revenue is 20 % x (5,000,000 - 1,500,000) + 1,500,000 = 2,200,000 (costs of goods
sold 2,000,000, a margin of 200,000 on the work done and none on the elevators).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.contract_terms import Pattern, Satisfaction
from domain.order.events import LineKind
from domain.revenue import Fulfilment, RevenueRefused
from domain.testing import revenue_spec as given
from tests.domain.test_revenue_contract import cny, fulfil, identify, line

D = Decimal
BUILDING = line("REFURB", LineKind.IMPLEMENTATION, 5_000_000)
INPUT = {"REFURB": Satisfaction(pattern=Pattern.INPUT_METHOD)}
YEAR_END = date(2026, 12, 31)


def costs(incurred: int, estimated: int, uninstalled: int | None = None) -> object:
    return fulfil(Fulfilment.COSTS_REPORTED, YEAR_END, obligation_id="REFURB",
                  incurred=D(incurred), estimated_total=D(estimated),
                  uninstalled=None if uninstalled is None else D(uninstalled))  # fmt: skip


def test_example_19_revenue_is_2_200_000_with_the_elevators_at_cost() -> None:
    history = given.run(identify(lines=(BUILDING,), patterns=INPUT),
                        costs(2_000_000, 4_000_000, uninstalled=1_500_000))  # type: ignore[arg-type]
    [revenue] = given.fold(history).revenues()
    assert revenue.recognised_to(YEAR_END) == cny(2_200_000)


def test_counted_as_ordinary_costs_the_elevators_would_overstate_progress() -> None:
    """Without the rule: 2,000,000 / 4,000,000 = 50 %, revenue 2,500,000."""
    history = given.run(identify(lines=(BUILDING,), patterns=INPUT),
                        costs(2_000_000, 4_000_000))  # type: ignore[arg-type]
    [revenue] = given.fold(history).revenues()
    assert revenue.recognised_to(YEAR_END) == cny(2_500_000)


def test_uninstalled_materials_are_part_of_the_costs_incurred() -> None:
    history = given.run(identify(lines=(BUILDING,), patterns=INPUT))
    for bad in (costs(1_000_000, 4_000_000, uninstalled=1_500_000),
                costs(2_000_000, 1_500_000, uninstalled=1_500_000),
                costs(2_000_000, 4_000_000, uninstalled=-1)):  # fmt: skip
        given(*history).when(bad).raises(RevenueRefused, field="uninstalled")  # type: ignore[arg-type]
