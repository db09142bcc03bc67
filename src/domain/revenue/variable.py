"""Step 3: the transaction price, with variable consideration estimated and constrained.

ASC 606-10-32-5..14 / IFRS 15.50-58. Variable consideration (bonuses,
penalties, volume rebates, price concessions) is estimated by the expected value
(probability-weighted) or the most likely amount, whichever predicts better, and
then constrained: only the amount that is highly probable not to reverse is
included. Finance enters that constraint as a cap, with its reason. Taxes
collected for authorities are never part of the price (our line prices are net
of tax).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

import msgspec

from domain.shared import DomainError, Money, total


class VariableConsiderationRefused(DomainError):
    rule = "variable_consideration_refused"


class Method(StrEnum):
    EXPECTED_VALUE = "expected_value"
    MOST_LIKELY_AMOUNT = "most_likely_amount"


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    amount: Money  # negative for a penalty or a price concession
    probability: Decimal


class VariableConsideration(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    method: Method
    outcomes: tuple[Outcome, ...]
    # The most that may be included (the constraint), with finance's reason; None: no cap.
    constraint: Money | None = None
    reason: str = ""

    def check(self, currency: str) -> None:
        where = f"variable_consideration.{self.name}"
        if not self.outcomes:
            raise VariableConsiderationRefused(f"{self.name}: no outcomes", field=where)
        if any(o.amount.currency != currency for o in self.outcomes) or (
            self.constraint is not None and self.constraint.currency != currency
        ):
            raise VariableConsiderationRefused(
                f"{self.name}: amounts must be in {currency}", field=where
            )
        if any(not Decimal(0) < o.probability <= 1 for o in self.outcomes):
            raise VariableConsiderationRefused(
                f"{self.name}: each probability must be above 0 and at most 1", field=where
            )
        if sum((o.probability for o in self.outcomes), Decimal(0)) != 1:
            raise VariableConsiderationRefused(
                f"{self.name}: the probabilities must add up to 1", field=where
            )
        if self.constraint is not None and not self.reason.strip():
            raise VariableConsiderationRefused(
                f"{self.name}: a constraint needs finance's reason", field=f"{where}.reason"
            )

    def estimate(self) -> Money:
        """The unconstrained estimate, rounded to the cent."""
        if self.method is Method.EXPECTED_VALUE:
            currency = self.outcomes[0].amount.currency
            weighted = [o.amount.times(o.probability) for o in self.outcomes]
            return total(weighted, currency).rounded()
        # Most likely; a tie goes to the smaller amount (the one less likely to reverse).
        best = max(self.outcomes, key=lambda o: (o.probability, -o.amount.amount))
        return best.amount.rounded()

    def included(self) -> Money:
        """What enters the transaction price: the estimate, capped by the constraint."""
        estimate = self.estimate()
        if self.constraint is None or estimate.amount <= self.constraint.amount:
            return estimate
        return self.constraint.rounded()


def transaction_price(fixed: Money, variable: Sequence[VariableConsideration] = ()) -> Money:
    """The fixed consideration plus each variable part as included; never below zero."""
    for part in variable:
        part.check(fixed.currency)
    price = total([fixed, *(v.included() for v in variable)], fixed.currency)
    if price.amount < 0:
        raise VariableConsiderationRefused(
            f"penalties and concessions take the price below zero ({price})",
            field="variable_consideration",
        )
    return price
