"""ASC 606 / IFRS 15 maths checked against worked examples from public guidance.

Each test names its source. The IFRS 15 Illustrative Examples (IASB, 2014, as
amended 2016) are mirrored in ASC 606-10-55; the example numbers are IFRS's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.contract_terms import DiscountRule, Treatment
from domain.revenue.allocation import (
    AllocationRefused,
    Basis,
    Candidate,
    allocate_price,
)
from domain.revenue.modification import AddedGoods, classify
from domain.revenue.progress import Ratable, Term, cost_progress, steps
from domain.revenue.recognition import (
    Component,
    ObligationRevenue,
    by_month,
    concede,
    prospective,
    reestimate,
)
from domain.revenue.variable import (
    Method,
    Outcome,
    VariableConsideration,
    VariableConsiderationRefused,
    transaction_price,
)
from domain.shared import Money

D = Decimal


def usd(amount: str | int) -> Money:
    return Money.of(amount, "USD")


def allocated(*args: object, **kwargs: object) -> dict[str, Money]:
    return {a.obligation_id: a.amount for a in allocate_price(*args, **kwargs)}  # type: ignore[arg-type]


ABC = [
    Candidate(obligation_id="A", ssp=usd(40)),
    Candidate(obligation_id="B", ssp=usd(55)),
    Candidate(obligation_id="C", ssp=usd(45)),
]


def test_a_bundle_discount_is_spread_by_relative_ssp() -> None:
    """IFRS 15.81 / ASC 606-10-32-36, on the facts of IFRS 15 IE Example 34 (SSPs 40, 55,
    45; price 100) when no evidence ties the discount to some of the products."""
    assert allocated(usd(100), ABC) == {"A": usd("28.57"), "B": usd("39.29"), "C": usd("32.14")}


def test_a_discount_that_belongs_to_some_products_goes_only_to_them() -> None:
    """IFRS 15 IE Example 34, Case A: B and C regularly sell together for 60 and A alone
    for 40, so the whole discount of 40 is allocated to B and C: A 40, B 33, C 27."""
    rule = DiscountRule(obligations=("B", "C"), reason="B and C regularly sold together for 60")
    result = allocate_price(usd(100), ABC, [rule])
    assert {a.obligation_id: a.amount for a in result} == {"A": usd(40), "B": usd(33), "C": usd(27)}
    assert [a.basis for a in result] == [Basis.AT_SSP, Basis.DISCOUNT_GROUP, Basis.DISCOUNT_GROUP]


def test_the_residual_approach_after_an_observable_discount() -> None:
    """IFRS 15 IE Example 34, Case B: D's SSP is highly variable; A, B and C take 100 as in
    Case A (B and C sell together at a discount of 40), and D the residual, 130 - 100 = 30."""
    abcd = [*ABC, Candidate(obligation_id="D", ssp=None, residual_range=(usd(15), usd(45)))]
    rule = DiscountRule(obligations=("B", "C"), amount=usd(40))
    assert allocated(usd(130), abcd, [rule]) == {
        "A": usd(40),
        "B": usd(33),
        "C": usd(27),
        "D": usd(30),
    }


def test_the_residual_approach_is_refused_outside_the_observed_prices() -> None:
    """IFRS 15 IE Example 34, Case C: at a price of 105 the residual for D would be 5, below
    its observed selling prices, so the residual approach is not appropriate."""
    abcd = [*ABC, Candidate(obligation_id="D", ssp=None, residual_range=(usd(15), usd(45)))]
    rule = DiscountRule(obligations=("B", "C"), amount=usd(40))
    with pytest.raises(AllocationRefused, match="outside its observed prices") as refused:
        allocate_price(usd(105), abcd, [rule])
    assert refused.value.field == "obligations.D"


def test_a_residual_that_leaves_nothing_is_refused() -> None:
    """ASC 606-10-32-34(c): the residual approach needs something left to allocate."""
    with pytest.raises(AllocationRefused, match="leaves nothing for D"):
        allocate_price(usd(140), [*ABC, Candidate(obligation_id="D", ssp=None)])


def test_ratable_revenue_from_a_mid_month_start_is_earned_by_day() -> None:
    """Stripe Revenue Recognition docs ("Recognition schedules": ratable recognition spreads
    revenue evenly over each day of the service period) and Zuora Revenue ("daily
    ratable"): a 1,200 one-year subscription from 15 January 2025 (365 days) earns
    1,200 x 17/365 in January, and each month reports the rounded cumulative to date less
    the rounded cumulative before it."""
    subscription = ObligationRevenue(
        obligation_id="SaaS",
        currency="USD",
        progress=Ratable(
            terms=(
                Term(known_from=date(2025, 1, 1), start=date(2025, 1, 15), end=date(2026, 1, 15)),
            )
        ),
        components=(Component(amount=usd(1200), since=date(2025, 1, 1)),),
    )
    months = by_month(subscription, date(2025, 1, 1), date(2026, 2, 1))
    amounts = [m[1].amount for m in months]
    assert amounts[:3] == [D("55.89"), D("92.06"), D("101.91")]  # 17, 28 and 31 days
    assert amounts[-2:] == [D("46.03"), D("0.00")]  # 14 days of January 2026, then nothing
    assert sum(amounts) == D(1200)
    assert subscription.recognised_to(date(2025, 6, 30)) == usd("549.04")  # 167 days


def test_additional_goods_at_their_ssp_are_a_separate_contract() -> None:
    """IFRS 15 IE Example 5, Case A: 30 more products at 95 each, their SSP then."""
    added = [AddedGoods(obligation_id="P2", ssp=usd(2850), price=usd(2850))]
    assert classify(added, usd(0), remaining_distinct=True) is Treatment.SEPARATE_CONTRACT


def test_a_prospective_modification_spreads_what_is_left_over_what_remains() -> None:
    """IFRS 15 IE Example 5, Case B: 120 products at 100; after 60 are delivered, 30 more
    are added at 95 (their SSP) in a deal that also carries a price concession on the 60
    delivered. The remaining 60 and the new 30 are distinct from those delivered, so the
    change is prospective: (60 x 100 + 30 x 95) / 90 = 98.33 per product from then on."""
    on = date(2025, 4, 1)
    original = ObligationRevenue(
        obligation_id="P",
        currency="USD",
        progress=steps([(date(2025, 3, 10), D("0.5")), (date(2025, 5, 20), D(1))]),
        components=(Component(amount=usd(12000), since=date(2025, 1, 1)),),
    )
    new = ObligationRevenue(
        obligation_id="P2", currency="USD", progress=steps([(date(2025, 5, 20), D(1))])
    )
    added = [AddedGoods(obligation_id="P2", ssp=usd(2850), price=usd(2850))]
    assert classify(added, usd(-900), remaining_distinct=True) is Treatment.PROSPECTIVE
    [kept], [added_now] = prospective(
        [original],
        remaining_ssp=[D(95 * 120)],
        added=[new],
        added_ssp=[D(2850)],
        change=usd(2850),
        on=on,
        cause="change order 1",
    )
    assert kept.recognised_to(date(2025, 3, 31)) == usd(6000)  # the 60 delivered, untouched
    assert kept.allocated() - usd(6000) == usd(5900)  # 60 x 98.33
    assert added_now.allocated() == usd(2950)  # 30 x 98.33
    conceded = concede(kept, usd(-900), on, "15 off each of the 60 delivered")
    assert conceded.recognised_to(on) == usd(5100)  # the concession is caught up at once
    assert conceded.recognised_to(date(2025, 5, 31)) == usd(11000)


def test_an_input_method_project_with_a_cumulative_catch_up() -> None:
    """IFRS 15 IE Example 8: a building for 1,000,000 plus a 200,000 bonus that is
    constrained out; costs 700,000. Year 1: 420,000 incurred, 60 % complete, revenue
    600,000. Early year 2 the floor plan changes: +150,000 price, +120,000 costs, and the
    bonus is now included. The change is not distinct (one building), so it is caught up
    at once: 1,350,000 x 420/820 - 600,000. The Example rounds progress to 51.2 % and shows
    91,200; unrounded progress gives 91,463.41."""
    bonus = VariableConsideration(
        name="completion bonus",
        method=Method.MOST_LIKELY_AMOUNT,
        outcomes=(
            Outcome(amount=usd(200_000), probability=D("0.6")),
            Outcome(amount=usd(0), probability=D("0.4")),
        ),
        constraint=usd(0),
        reason="weather and regulators outside our control",
    )
    assert transaction_price(usd(1_000_000), [bonus]) == usd(1_000_000)
    changed_on = date(2026, 2, 10)
    building = ObligationRevenue(
        obligation_id="building",
        currency="USD",
        progress=cost_progress(
            [(date(2025, 12, 31), D(420_000), D(700_000)), (changed_on, D(420_000), D(820_000))]
        ),
        components=(Component(amount=usd(1_000_000), since=date(2025, 1, 1)),),
    )
    assert building.recognised_to(date(2025, 12, 31)) == usd(600_000)
    unconstrained = VariableConsideration(
        name="completion bonus", method=Method.MOST_LIKELY_AMOUNT, outcomes=bonus.outcomes
    )
    assert classify([], usd(150_000), remaining_distinct=False) is Treatment.CUMULATIVE_CATCH_UP
    [modified] = reestimate(
        [building],
        usd(150_000) + unconstrained.included(),
        [D(1)],
        changed_on,
        "floor plan change; bonus now highly probable",
    )
    [(_, january), (_, february)] = by_month(modified, date(2026, 1, 1), date(2026, 2, 1))
    assert (january, february) == (usd(0), usd("91463.41"))
    assert modified.allocated() == usd(1_350_000)


def test_variable_consideration_by_expected_value_and_most_likely_amount() -> None:
    """ASC 606-10-32-8 / IFRS 15.53 and IE Example 21 (one contract, both methods: expected
    value for a daily incentive/penalty, most likely amount for an all-or-nothing bonus).
    The probabilities are ours; the Example gives none."""
    daily = VariableConsideration(
        name="early/late completion",
        method=Method.EXPECTED_VALUE,
        outcomes=(
            Outcome(amount=usd(-20_000), probability=D("0.2")),
            Outcome(amount=usd(0), probability=D("0.5")),
            Outcome(amount=usd(30_000), probability=D("0.3")),
        ),
    )
    rating = VariableConsideration(
        name="inspection rating bonus",
        method=Method.MOST_LIKELY_AMOUNT,
        outcomes=(
            Outcome(amount=usd(150_000), probability=D("0.7")),
            Outcome(amount=usd(0), probability=D("0.3")),
        ),
    )
    assert (daily.estimate(), rating.estimate()) == (usd(5_000), usd(150_000))
    capped = VariableConsideration(
        name=rating.name,
        method=rating.method,
        outcomes=rating.outcomes,
        constraint=usd(100_000),
        reason="the inspector has failed 2 of our last 5 sites",
    )
    assert transaction_price(usd(2_500_000), [daily, capped]) == usd(2_605_000)


@pytest.mark.parametrize(
    ("outcomes", "constraint", "reason", "message"),
    [
        (((100, "0.5"), (0, "0.4")), None, "", "add up to 1"),
        (((100, "0"), (0, "1")), None, "", "above 0"),
        (((100, "1"),), 50, "", "needs finance's reason"),
        ((), None, "", "no outcomes"),
    ],
)
def test_bad_variable_consideration_is_refused_by_name(
    outcomes: tuple[tuple[int, str], ...], constraint: int | None, reason: str, message: str
) -> None:
    part = VariableConsideration(
        name="bonus",
        method=Method.EXPECTED_VALUE,
        outcomes=tuple(Outcome(amount=usd(a), probability=D(p)) for a, p in outcomes),
        constraint=None if constraint is None else usd(constraint),
        reason=reason,
    )
    with pytest.raises(VariableConsiderationRefused, match=message):
        transaction_price(usd(1000), [part])
