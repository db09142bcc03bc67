"""Revenue periods: finance closes months in order; a closed month never changes again."""

from __future__ import annotations

from datetime import date
from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.revenue.calendar import add_months, month_of
from domain.shared import AwareDatetime, DomainError

PERIODS_ID = UUID("6f1c1f0e-0000-4000-8000-000000000606")


class PeriodRefused(DomainError):
    rule = "period_refused"


class ClosePeriod(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    month: date  # any day of the month to close
    at: AwareDatetime
    note: str = ""


class PeriodClosed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    month: date  # its first day
    closed_at: AwareDatetime
    note: str = ""


PeriodCommand = ClosePeriod
PeriodEvent = PeriodClosed


class PeriodsState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    closed_through: date | None = None  # the last closed month


INITIAL = PeriodsState()


def decide(command: PeriodCommand, state: PeriodsState) -> list[PeriodEvent]:
    match command:
        case ClosePeriod(month=day, at=at, note=note):
            month = month_of(day)
            last = state.closed_through
            if last is not None and month <= last:
                return []  # closed already: closing again changes nothing
            if last is not None and month != add_months(last, 1):
                raise PeriodRefused(
                    f"close {add_months(last, 1):%Y-%m} before {month:%Y-%m}", field="month"
                )
            if month_of(at.date()) <= month:
                raise PeriodRefused(
                    f"{month:%Y-%m} cannot be closed before it has ended", field="month"
                )
            return [PeriodClosed(month=month, closed_at=at, note=note)]
        case _:
            assert_never(command)


def evolve(state: PeriodsState, event: PeriodEvent) -> PeriodsState:
    match event:
        case PeriodClosed(month=month):
            return replace(state, version=state.version + 1, closed_through=month)
        case _:
            assert_never(event)
