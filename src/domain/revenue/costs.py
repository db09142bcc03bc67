"""Costs to obtain a contract (ASC 340-40, IFRS 15.91-94): a sales commission earned
because the contract was won is an asset, amortised on the pattern of the goods and
services it relates to (340-40-35-1) - here, as the revenue of the obligations it
names (all, if none) is recognised. The practical expedient (340-40-25-4, IFRS
15.94): where the amortisation period would be one year or less, the cost may be
expensed when incurred; whether the company uses it is a setting, recorded on each
cost with the reason for its treatment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

import msgspec

from domain.revenue.calendar import add_months, month_of
from domain.revenue.recognition import ObligationRevenue
from domain.shared import Money


class CostTreatment(StrEnum):
    CAPITALISED = "capitalised"  # an asset, amortised with the related revenue
    EXPENSED = "expensed"  # the practical expedient: expensed when incurred


class ContractCost(msgspec.Struct, frozen=True, kw_only=True):
    cost_id: str
    amount: Money
    incurred_on: date
    description: str
    obligations: tuple[str, ...]  # those it relates to (empty: the whole contract)
    treatment: CostTreatment
    reason: str

    def related(self, revenues: Sequence[ObligationRevenue]) -> list[ObligationRevenue]:
        wanted = set(self.obligations)
        return [r for r in revenues if not wanted or r.obligation_id in wanted]

    def amortised_to(self, revenues: Sequence[ObligationRevenue], day: date) -> Money:
        """The cost expensed by the end of `day`: all of it when incurred under the
        expedient; otherwise its share of the related revenue recognised by then (the
        revenue's own pattern), rounded to the cent, never more than the cost."""
        if day < self.incurred_on:
            return Money.zero(self.amount.currency)
        if self.treatment is CostTreatment.EXPENSED:
            return self.amount
        related = self.related(revenues)
        price = sum((r.allocated().amount for r in related), Decimal(0))
        if price <= 0:
            return Money.zero(self.amount.currency)
        earned = sum((r.exact_to(day) for r in related), Decimal(0))
        share = min(max(earned / price, Decimal(0)), Decimal(1))
        return Money(amount=self.amount.amount * share, currency=self.amount.currency).rounded()

    def balance(self, revenues: Sequence[ObligationRevenue], day: date) -> Money:
        """What stands as an asset at the end of `day`."""
        if day < self.incurred_on:
            return Money.zero(self.amount.currency)
        return self.amount - self.amortised_to(revenues, day)


def by_month(
    cost: ContractCost, revenues: Sequence[ObligationRevenue], first: date, last: date
) -> list[tuple[date, Money]]:
    """Amortisation of each month from `first` to `last`: the cumulative to each month's
    end less the cumulative before, so the months sum to what is amortised by `last`."""
    rows: list[tuple[date, Money]] = []
    month = month_of(first)
    before = cost.amortised_to(revenues, date.fromordinal(month.toordinal() - 1))
    while month <= month_of(last):
        end = date.fromordinal(add_months(month, 1).toordinal() - 1)
        to_date = cost.amortised_to(revenues, end)
        rows.append((month, to_date - before))
        before, month = to_date, add_months(month, 1)
    return rows
