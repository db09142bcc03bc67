"""`decide` for the revenue periods: each command checked against the named rules."""

from __future__ import annotations

from typing import assert_never

from domain.revenue.calendar import add_months, month_of
from domain.revenue_periods import rules
from domain.revenue_periods.commands import (
    ApproveReopen,
    ClosePeriod,
    PeriodCommand,
    PublishPatterns,
    RequestReopen,
    SoftClosePeriod,
)
from domain.revenue_periods.events import (
    PatternsPublished,
    PeriodClosed,
    PeriodEvent,
    PeriodReopened,
    PeriodReopenRequested,
    PeriodSoftClosed,
)
from domain.revenue_periods.state import PeriodsState


def decide(command: PeriodCommand, state: PeriodsState) -> list[PeriodEvent]:
    match command:
        case ClosePeriod(month=day, at=at, note=note):
            month = month_of(day)
            if state.closed(month):
                return []  # closed already: closing again changes nothing
            rules.must_close_next(state, month)
            rules.must_have_ended(month, at)
            return [PeriodClosed(month=month, closed_at=at, note=note)]
        case SoftClosePeriod(month=day, at=at, note=note):
            month = month_of(day)
            if state.closed(month) or state.soft_closed(month):
                return []  # soft-closed or closed already: nothing to add
            rules.must_soft_close_next(state, month)
            rules.must_have_ended(month, at)
            return [PeriodSoftClosed(month=month, soft_closed_at=at, note=note)]
        case RequestReopen(month=day, reason=reason, by=by, at=at):
            month = month_of(day)
            rules.must_give_a_reason(reason)
            rules.must_be_last_closed(state, month)
            rules.must_not_be_asked_already(state, month)
            return [PeriodReopenRequested(request_id=state.version + 1, month=month,
                                          reason=reason.strip(), requested_by=by,
                                          requested_at=at)]  # fmt: skip
        case ApproveReopen(request_id=number, by=by, at=at):
            asked = rules.pending_request(state, number)
            rules.must_be_someone_else(asked, by)
            # Back to the month before, or to nothing closed if it was the first.
            first = asked.month == state.first_closed
            through = None if first else add_months(asked.month, -1)
            return [PeriodReopened(request_id=number, month=asked.month, reason=asked.reason,
                                   requested_by=asked.requested_by, approved_by=by,
                                   reopened_at=at,
                                   closed_through=through)]  # fmt: skip
        case PublishPatterns(by_kind=by_kind):
            rules.patterns_must_be_usable(by_kind)
            version = state.patterns.version + 1 if state.patterns else 1
            return [PatternsPublished(version=version, by_kind=by_kind)]
        case _:
            assert_never(command)
