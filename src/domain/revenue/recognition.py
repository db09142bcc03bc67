"""Step 5: revenue to date and by month, and how changes of price reach it.

An obligation's allocated price is the sum of its components, each a dated
change with how it is earned. Revenue to date is earned along a *basis*: the
revenue already recognised when the basis began (R), the price allocated now
(T), and the progress made since the basis began (G, from 0 to 1):

    revenue to date = R + (T - R) x G

* a catch-up component (the price at inception, a re-estimate of variable
  consideration, a change that is not distinct: 606-10-25-13(b), 606-10-32-43)
  changes T from its date on, so on that day revenue catches up with the
  progress already made on the basis;
* a prospective component (a modification whose remaining goods are distinct,
  606-10-25-13(a): the old contract ends, a new one begins) starts a new basis
  on its date: what was recognised stays, and the rest is earned over the
  progress still to make;
* an at-once component (a price concession on goods already transferred)
  moves R and T together: recognised in full on its date.

If a fall in price leaves T below R, revenue is T: what exceeds the price is
reversed at once. Revenue never exceeds the allocated price, and equals it once
the obligation is satisfied.

Revenue is reported with cumulative rounding: revenue to date is rounded to the
cent, and a month's revenue is the rounded cumulative at its end less the
rounded cumulative at the end of the month before, so the months always add up
to the total, exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

import msgspec
from msgspec.structs import replace

from domain.revenue.calendar import day_before, month_end, month_of, months_between
from domain.revenue.progress import ONE, Progress
from domain.shared import DomainError, Money, allocate, total


class RecognitionRefused(DomainError):
    rule = "recognition_refused"


class Earning(StrEnum):
    CATCH_UP = "catch_up"
    PROSPECTIVE = "prospective"
    AT_ONCE = "at_once"


class Component(msgspec.Struct, frozen=True, kw_only=True):
    amount: Money
    since: date
    earning: Earning = Earning.CATCH_UP
    cause: str = ""  # what brought it: "allocation", "re-estimate ...", "modification ..."


class ObligationRevenue(msgspec.Struct, frozen=True, kw_only=True):
    obligation_id: str
    currency: str
    progress: Progress
    components: tuple[Component, ...] = ()

    def allocated(self, as_of: date = date.max) -> Money:
        """The price allocated to the obligation as known on `as_of`."""
        return total([c.amount for c in self.components if c.since <= as_of], self.currency)

    def exact_to(self, day: date, *, every_component: bool = False) -> Decimal:
        """Revenue earned by the end of `day`, unrounded.

        `every_component`: as if the components dated after `day` had been in
        force already (what a prospective change counts as earned before it).
        """
        known = [c for c in self.components if every_component or c.since <= day]
        return self._earned(day, known)

    def _earned(self, day: date, components: Sequence[Component]) -> Decimal:
        recognised, price, anchor = Decimal(0), Decimal(0), Decimal(0)
        for i, c in enumerate(components):
            if c.earning is Earning.PROSPECTIVE:  # a new basis from its day on
                eve = day_before(c.since)
                recognised, anchor = self._earned(eve, components[:i]), self.progress.at(eve)
            elif c.earning is Earning.AT_ONCE:
                recognised += c.amount.amount
            price += c.amount.amount
        if price < recognised:
            return price
        if anchor >= ONE:
            return price
        progress = (self.progress.at(day) - anchor) / (ONE - anchor)
        return recognised + (price - recognised) * progress

    def recognised_to(self, day: date) -> Money:
        """Revenue recognised up to the end of `day`, rounded to the cent."""
        return Money(amount=self.exact_to(day), currency=self.currency).rounded()

    def recognised_before(self, on: date) -> Money:
        """What a change on `on` finds recognised: to the day before, with the changes
        made earlier that same day counted as in force (they are known already)."""
        earned = self.exact_to(day_before(on), every_component=True)
        return Money(amount=earned, currency=self.currency).rounded()

    def satisfied(self, day: date) -> bool:
        return self.progress.at(day) >= ONE

    def with_component(self, component: Component) -> ObligationRevenue:
        """`component` added; changes come in business-time order, never before the
        obligation began (its first component) nor before the last change. Every change
        is dated by its command's `on`, so that is the field refused."""
        oid, since = self.obligation_id, component.since
        began = min((c.since for c in self.components), default=date.min)
        last = max((c.since for c in self.components), default=date.min)
        if since < began:
            raise RecognitionRefused(
                f"{oid}: a change dated {since} is before the obligation began, on {began}",
                field="on",
            )
        if since < last:
            raise RecognitionRefused(
                f"{oid}: a change dated {since} is before the last one, dated {last}; "
                "changes come in date order",
                field="on",
            )
        if component.amount.currency != self.currency:
            raise RecognitionRefused(
                f"{self.obligation_id}: {component.amount.currency} in a {self.currency} contract",
                field="currency",
            )
        return replace(self, components=(*self.components, component))


def by_month(obligation: ObligationRevenue, first: date, last: date) -> list[tuple[date, Money]]:
    """Revenue of each month from `first` to `last` (months), by cumulative rounding."""
    rows: list[tuple[date, Money]] = []
    before = obligation.recognised_to(day_before(month_of(first)))
    for month in months_between(first, last):
        to_date = obligation.recognised_to(month_end(month))
        rows.append((month, to_date - before))
        before = to_date
    return rows


def reestimate(
    obligations: Sequence[ObligationRevenue],
    change: Money,
    weights: Sequence[Decimal],
    on: date,
    cause: str,
) -> tuple[ObligationRevenue, ...]:
    """A change of the transaction price spread on the original basis, caught up at once.

    `weights` are the standalone selling prices the price was first allocated on
    (606-10-32-43: not re-allocated for later changes in SSP).
    """
    shares = allocate(change, list(weights))
    return tuple(
        o.with_component(Component(amount=s, since=on, cause=cause))
        for o, s in zip(obligations, shares, strict=True)
    )


def concede(
    obligation: ObligationRevenue, amount: Money, on: date, cause: str
) -> ObligationRevenue:
    """A price concession on what was already transferred: revenue falls at once.

    It may not take back more than was recognised before `on`.
    """
    earned = obligation.recognised_to(day_before(on))
    if amount.amount > 0 or earned.amount + amount.amount < 0:
        raise RecognitionRefused(
            f"a concession of {amount} on {obligation.obligation_id} must be negative and at "
            f"most the {earned} recognised so far",
            field="amount",
        )
    return obligation.with_component(
        Component(amount=amount, since=on, earning=Earning.AT_ONCE, cause=cause)
    )


def prospective(  # noqa: PLR0913 - the remaining and the new obligations, their weights, when
    remaining: Sequence[ObligationRevenue],
    *,
    remaining_ssp: Sequence[Decimal],
    added: Sequence[ObligationRevenue],
    added_ssp: Sequence[Decimal],
    change: Money,
    on: date,
    cause: str,
) -> tuple[tuple[ObligationRevenue, ...], tuple[ObligationRevenue, ...]]:
    """A modification treated as a new contract from `on` (606-10-25-13(a)).

    The price not yet recognised on the remaining obligations, plus `change`, is
    allocated over what remains to do — each remaining obligation weighted by
    its SSP times the share of it still to satisfy, each new one by its SSP —
    and earned from `on` on. Revenue before `on` does not move.
    """
    if not remaining and not added:
        raise RecognitionRefused("a modification needs obligations to allocate to", field="change")
    yesterday = day_before(on)
    currency = change.currency
    recognised = [o.recognised_before(on) for o in remaining]
    unearned = [o.allocated() - r for o, r in zip(remaining, recognised, strict=True)]
    pool = total([*unearned, change], currency)
    if pool.amount < 0:
        raise RecognitionRefused(
            f"the modification takes away more ({change}) than is left to recognise",
            field="change",
        )
    weights = [
        ssp * (ONE - o.progress.at(yesterday))
        for o, ssp in zip(remaining, remaining_ssp, strict=True)
    ] + list(added_ssp)
    shares = allocate(pool, weights)
    kept = tuple(
        o.with_component(
            Component(
                amount=r + s - o.allocated(),
                since=on,
                earning=Earning.PROSPECTIVE,
                cause=cause,
            )
        )
        for o, r, s in zip(remaining, recognised, shares[: len(remaining)], strict=True)
    )
    new = tuple(
        o.with_component(Component(amount=s, since=on, cause=cause))
        for o, s in zip(added, shares[len(remaining) :], strict=True)
    )
    return kept, new
