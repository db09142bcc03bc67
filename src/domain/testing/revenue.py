"""Hypothesis strategies for the revenue maths: allocations, progress, contract lives.

`contract_lives()` draws a contract (obligations with SSPs and progress that
completes by a known day), allocates a price, and applies a sequence of dated
changes — re-estimates, prospective modifications adding obligations, price
concessions — through the real functions, so a property can check what must hold
after any such life.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from domain.revenue.allocation import Candidate, DiscountRule, allocate_price
from domain.revenue.calendar import add_months
from domain.revenue.progress import Progress, Ratable, Term, steps
from domain.revenue.recognition import (
    Component,
    ObligationRevenue,
    RecognitionRefused,
    concede,
    prospective,
    reestimate,
)
from domain.shared import Money, minor_units

START = date(2025, 1, 1)
HORIZON = 900  # days: every drawn obligation is satisfied before START + HORIZON


def amounts(currency: str, low: int = 0, high: int = 1_000_000) -> st.SearchStrategy[Money]:
    places = minor_units(currency)
    return st.decimals(low, high, places=places).map(lambda a: Money(amount=a, currency=currency))


@st.composite
def allocation_problems(
    draw: st.DrawFn, currency: str = "CNY"
) -> tuple[Money, list[Candidate], list[DiscountRule]]:
    """A price, obligations (some valued by the residual approach) and discount rules."""
    n = draw(st.integers(1, 6))
    ids = [f"PO{i}" for i in range(n)]
    residual = set(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)))
    candidates = [
        Candidate(
            obligation_id=oid,
            ssp=None if oid in residual else draw(amounts(currency, 0, 500_000)),
            residual_weight=Decimal(draw(st.integers(0, 5))),
        )
        for oid in ids
    ]
    priced = [c.obligation_id for c in candidates if c.ssp is not None]
    rules: list[DiscountRule] = []
    wants_rule: bool = draw(st.booleans())
    if priced and wants_rule:
        group = tuple(draw(st.lists(st.sampled_from(priced), min_size=1, unique=True)))
        amount = None if not residual and draw(st.booleans()) else draw(amounts(currency, 0, 50))
        rules.append(DiscountRule(obligations=group, amount=amount))
    return draw(amounts(currency, 0, 2_000_000)), candidates, rules


@st.composite
def progress_functions(draw: st.DrawFn, start: date = START) -> Progress:
    """Progress that reaches 1 before `start + HORIZON`: dated steps, or a service term."""
    if draw(st.booleans()):
        begins = start + timedelta(days=draw(st.integers(0, 200)))
        months = draw(st.integers(1, 24))
        terms = [Term(known_from=start, start=begins, end=add_months(begins, months))]
        if draw(st.booleans()):  # the term changes once, from a later day
            known = begins + timedelta(days=draw(st.integers(0, 200)))
            end = known + timedelta(days=draw(st.integers(0, 150)))
            terms.append(Term(known_from=known, start=begins, end=end))
        return Ratable(terms=tuple(terms))
    days = draw(st.lists(st.integers(0, HORIZON - 2), min_size=0, max_size=4))
    fractions = draw(st.lists(st.decimals(0, 1, places=3), min_size=len(days), max_size=len(days)))
    points = [(start + timedelta(days=d), f) for d, f in zip(days, fractions, strict=True)]
    done = start + timedelta(days=draw(st.integers(max(days, default=0), HORIZON - 1)))
    return steps([*points, (done, Decimal(1))])


@dataclass(frozen=True)
class ContractLife:
    """A contract after a drawn life: its obligations and the SSPs they were sold at."""

    currency: str
    obligations: tuple[ObligationRevenue, ...]
    ssp: tuple[Decimal, ...]
    changes: tuple[str, ...]

    @property
    def price(self) -> Money:
        total = Money.zero(self.currency)
        for o in self.obligations:
            total = total + o.allocated()
        return total


@st.composite
def contract_lives(draw: st.DrawFn, currency: str = "CNY") -> ContractLife:
    n = draw(st.integers(1, 4))
    ssp = [draw(amounts(currency, 1, 300_000)).amount for _ in range(n)]
    price = draw(amounts(currency, 0, 1_000_000))
    candidates = [Candidate(obligation_id=f"PO{i}", ssp=Money(amount=s, currency=currency))
                  for i, s in enumerate(ssp)]  # fmt: skip
    shares = allocate_price(price, candidates)
    obligations = [
        ObligationRevenue(
            obligation_id=c.obligation_id,
            currency=currency,
            progress=draw(progress_functions()),
            components=(Component(amount=a.amount, since=START, cause="allocation"),),
        )
        for c, a in zip(candidates, shares, strict=True)
    ]
    day, changes = START, []
    for step in range(draw(st.integers(0, 5))):
        day += timedelta(days=draw(st.integers(0, 120)))
        kind = draw(st.sampled_from(["re-estimate", "modification", "concession"]))
        try:
            if kind == "re-estimate":
                price_now = sum((o.allocated().amount for o in obligations), Decimal(0))
                change = draw(amounts(currency, -int(price_now), 200_000))
                obligations = list(reestimate(obligations, change, ssp, day, f"{kind} {step}"))
            elif kind == "modification":
                new_ssp = draw(amounts(currency, 1, 300_000))
                new = ObligationRevenue(
                    obligation_id=f"PO{len(obligations)}",
                    currency=currency,
                    progress=draw(progress_functions(start=day)),
                )
                change = draw(amounts(currency, 0, 300_000))
                kept, added = prospective(
                    obligations, remaining_ssp=ssp, added=[new], added_ssp=[new_ssp.amount],
                    change=change, on=day, cause=f"{kind} {step}")  # fmt: skip
                obligations = [*kept, *added]
                ssp = [*ssp, new_ssp.amount]
            else:
                i = draw(st.integers(0, len(obligations) - 1))
                cut = draw(amounts(currency, 0, 10_000))
                obligations[i] = concede(
                    obligations[i], Money.zero(currency) - cut, day, f"{kind} {step}"
                )
        except RecognitionRefused:
            continue  # a change the rules refuse leaves the contract as it was
        changes.append(f"{day} {kind}")
    return ContractLife(currency, tuple(obligations), tuple(ssp), tuple(changes))


def last_day(life: ContractLife) -> date:
    """A day by which every obligation of `life` is satisfied."""
    latest = max((c.since for o in life.obligations for c in o.components), default=START)
    return latest + timedelta(days=HORIZON + 31 * 25)
