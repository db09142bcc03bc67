"""`decide` for the revenue periods: each command checked against the named rules."""

from __future__ import annotations

from typing import assert_never

from domain.revenue.calendar import month_of
from domain.revenue_periods import rules
from domain.revenue_periods.commands import ClosePeriod, PeriodCommand, PublishPatterns
from domain.revenue_periods.events import PatternsPublished, PeriodClosed, PeriodEvent
from domain.revenue_periods.state import PeriodsState


def decide(command: PeriodCommand, state: PeriodsState) -> list[PeriodEvent]:
    match command:
        case ClosePeriod(month=day, at=at, note=note):
            month = month_of(day)
            last = state.closed_through
            if last is not None and month <= last:
                return []  # closed already: closing again changes nothing
            rules.must_close_next(state, month)
            rules.must_have_ended(month, at)
            return [PeriodClosed(month=month, closed_at=at, note=note)]
        case PublishPatterns(by_kind=by_kind):
            rules.patterns_must_be_usable(by_kind)
            version = state.patterns.version + 1 if state.patterns else 1
            return [PatternsPublished(version=version, by_kind=by_kind)]
        case _:
            assert_never(command)
