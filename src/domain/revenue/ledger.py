"""The revenue ledger: what each month books, with closed months frozen.

The schedule an obligation *should* have (`ideal`) follows from the facts known
now. Once finance closes a month, what it booked never changes: whatever a later
fact would have changed in a closed month is booked in the first open month as
an adjustment, labelled as such. Open months book what the schedule says. So the
months of an obligation always add up to its revenue to date, exactly.

A reopened month books what the schedule says again, but the adjustments booked
after it while it was closed happened and stay where they are: the first open
month nets them (its adjustment takes them back), so the sum stays exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

import msgspec

from domain.revenue.calendar import add_months, month_of
from domain.revenue.events import RevenueEvent
from domain.revenue.progress import Ratable
from domain.revenue.recognition import ObligationRevenue, by_month
from domain.revenue.state import INITIAL, ContractState, evolve
from domain.revenue_periods.events import PeriodClosed, PeriodReopened
from domain.shared import Money, total


class Booking(msgspec.Struct, frozen=True, kw_only=True):
    month: date  # the first day of the month booked in
    regular: Money  # the schedule's revenue for the month
    adjustment: Money  # for closed months, booked here because they may not change

    @property
    def amount(self) -> Money:
        return self.regular + self.adjustment


def horizon(revenue: ObligationRevenue) -> date:
    """The last month in which the obligation's revenue can still change, as known now."""
    days = [c.since for c in revenue.components]
    progress = revenue.progress
    if isinstance(progress, Ratable):
        days += [t.end for t in progress.terms] + [t.known_from for t in progress.terms]
    else:
        days += [d for d, _ in progress.points]
    return month_of(max(days, default=date.min))  # date.min: nothing allocated or done


def ideal(revenue: ObligationRevenue, first: date) -> dict[date, Money]:
    """Revenue by month from the month of `first` to the horizon, by cumulative rounding."""
    return dict(by_month(revenue, first, max(horizon(revenue), month_of(first))))


def book(
    schedule: Mapping[date, Money],
    booked: Mapping[date, Booking],
    closed_through: date | None,
    currency: str,
    reopened: date | None = None,
) -> dict[date, Booking]:
    """The bookings after a change: closed months as they were, the rest from `schedule`.

    `closed_through` is the last closed month (None: nothing closed yet, or every
    closed month reopened down to `reopened`, the first month ever closed).
    """
    zero = Money.zero(currency).rounded()  # 0.00: every booking shows its cents
    frozen = {m: b for m, b in booked.items() if closed_through is not None and m <= closed_through}
    rows: dict[date, Booking] = dict(frozen)
    first_open = add_months(closed_through, 1) if closed_through is not None else reopened
    # Adjustments booked past the first open month: only a reopening leaves them there.
    carried = {m: b.adjustment for m, b in booked.items()
               if first_open is not None and m > first_open and b.adjustment.amount}  # fmt: skip
    late = zero
    if closed_through is not None:
        should = total([a for m, a in schedule.items() if m <= closed_through], currency)
        late = should - total([b.amount for b in frozen.values()], currency)
    late -= total(list(carried.values()), currency)
    months = sorted({*carried, *(m for m in schedule if first_open is None or m >= first_open)})
    if first_open is not None and (late.amount or first_open in schedule):
        months = sorted({*months, first_open})
    for month in months:
        adjustment = late if month == first_open else carried.get(month, zero)
        rows[month] = Booking(month=month, regular=schedule.get(month, zero),
                              adjustment=adjustment)  # fmt: skip
    return rows


Books = dict[str, dict[date, Booking]]  # by obligation, by month


def rebook(
    state: ContractState, books: Books, closed_through: date | None, reopened: date | None = None
) -> Books:
    """Every obligation of the contract booked again after a change of `state`."""
    assert state.identified_on is not None
    return {
        r.obligation_id: book(ideal(r, state.identified_on), books.get(r.obligation_id, {}),
                              closed_through, state.currency, reopened)
        for r in state.revenues()
    }  # fmt: skip


def replay(
    events: Iterable[RevenueEvent | PeriodClosed | PeriodReopened],
) -> tuple[ContractState, Books]:
    """A contract's books from its events and the period closes and reopenings, in log
    order: what the revenue read model holds after the same events (used to read it as
    known at a past moment)."""
    state, books = INITIAL, Books()
    closed: date | None = None
    reopened: date | None = None
    for event in events:
        if isinstance(event, PeriodClosed):
            closed = event.month
            continue
        if isinstance(event, PeriodReopened):
            closed, reopened = event.closed_through, event.month
            continue
        state = evolve(state, event)
        books = rebook(state, books, closed, reopened)
    return state, books


class Balance(msgspec.Struct, frozen=True, kw_only=True):
    """A contract's balance for a month: opening + billed - recognised = closing."""

    month: date
    opening: Decimal
    billed: Decimal
    recognised: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.billed - self.recognised

    @property
    def liability(self) -> Decimal:
        """Billed ahead of revenue: deferred revenue."""
        return max(self.closing, Decimal(0))

    @property
    def asset(self) -> Decimal:
        """Revenue ahead of billing: unbilled."""
        return max(-self.closing, Decimal(0))


def roll_forward(
    billed: Mapping[date, Decimal], recognised: Mapping[date, Decimal], months: Sequence[date]
) -> list[Balance]:
    """One contract's balances over `months` (consecutive), from everything before them."""
    first = months[0]
    opening = sum((v for m, v in billed.items() if m < first), Decimal(0)) - sum(
        (v for m, v in recognised.items() if m < first), Decimal(0)
    )
    rows = []
    for month in months:
        row = Balance(month=month, opening=opening, billed=billed.get(month, Decimal(0)),
                      recognised=recognised.get(month, Decimal(0)))  # fmt: skip
        rows.append(row)
        opening = row.closing
    return rows
