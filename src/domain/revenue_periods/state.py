"""The revenue periods' state, and `evolve`: the last closed and soft-closed months, the
requests to reopen awaiting approval, the patterns in force."""

from __future__ import annotations

from datetime import date
from typing import assert_never

import msgspec
from msgspec.structs import replace

from domain.contract_terms import Satisfaction
from domain.order.events import LineKind
from domain.revenue.calendar import add_months
from domain.revenue.rules import DEFAULT_SATISFACTION
from domain.revenue_periods.events import (
    PatternsPublished,
    PeriodClosed,
    PeriodEvent,
    PeriodReopened,
    PeriodReopenRequested,
    PeriodSoftClosed,
)


class PeriodsState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    closed_through: date | None = None  # the last closed month
    first_closed: date | None = None  # the first month ever closed: where closing restarts
    soft_closed_through: date | None = None  # the last soft-closed month, once past closed
    soft_closed_from: date | None = None  # the first month of that run of soft closes
    pending: dict[int, PeriodReopenRequested] = {}  # requests to reopen, by number
    patterns: PatternsPublished | None = None

    def by_kind(self) -> tuple[dict[LineKind, Satisfaction], int]:
        """The patterns in force and their version (0: the defaults, never published)."""
        if self.patterns is None:
            return DEFAULT_SATISFACTION, 0
        return {**DEFAULT_SATISFACTION, **self.patterns.by_kind}, self.patterns.version

    def closed(self, month: date) -> bool:
        return self.closed_through is not None and month <= self.closed_through

    def soft_closed(self, month: date) -> bool:
        """Soft-closed and not (yet) closed: facts still book in it, with a warning."""
        soft, since = self.soft_closed_through, self.soft_closed_from or date.min
        return soft is not None and since <= month <= soft and not self.closed(month)

    def warnings(self, month: date | None = None) -> list[str]:
        """What to tell whoever books a fact of `month` (any day of it): whether it books
        in a soft-closed month; without a month, every soft-closed month."""
        soft = self.soft_closed_through
        if soft is None or not self.soft_closed(soft):
            return []
        if month is None:
            months, at = [], self.soft_closed_from or soft
            while at <= soft:
                months += [at] if self.soft_closed(at) else []
                at = add_months(at, 1)
        else:
            booked = self.books_in(month.replace(day=1))
            months = [booked] if self.soft_closed(booked) else []
        return [f"{m:%Y-%m} is soft-closed: facts still book in it, but finance is closing "
                "it; tell finance of any change" for m in months]  # fmt: skip

    def books_in(self, month: date) -> date:
        """The month a fact of `month` books in: its own, or the first open one."""
        if self.closed_through is None or month > self.closed_through:
            return month
        return add_months(self.closed_through, 1)


INITIAL = PeriodsState()


def evolve(state: PeriodsState, event: PeriodEvent) -> PeriodsState:
    state = replace(state, version=state.version + 1)
    match event:
        case PeriodClosed(month=month):
            # A close makes every request to reopen stale: it asked about an earlier month.
            return replace(state, closed_through=month, first_closed=state.first_closed or month,
                           pending={})  # fmt: skip
        case PeriodSoftClosed(month=month):
            running = state.soft_closed_through is not None and state.soft_closed(
                state.soft_closed_through
            )
            since = state.soft_closed_from if running else month
            return replace(state, soft_closed_through=month, soft_closed_from=since)
        case PeriodReopenRequested(request_id=number):
            return replace(state, pending={**state.pending, number: event})
        case PeriodReopened(request_id=number, closed_through=through):
            rest = {n: r for n, r in state.pending.items() if n != number}
            # Open again, and no longer soft-closed either: a soft close may come again.
            return replace(state, closed_through=through, soft_closed_through=through,
                           pending=rest)  # fmt: skip
        case PatternsPublished():
            return replace(state, patterns=event)
        case _:
            assert_never(event)
