"""Revenue books: the months finance closes, and how each product kind earns revenue.

Months close in order; a closed month never changes again. The satisfaction
pattern of each product kind is finance's accounting policy, versioned like any
rule: contracts identified afterwards use it (and record its version); an order
line may still say otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.order.events import TIME_BASED_KINDS, LineKind
from domain.revenue.calendar import add_months, month_of
from domain.revenue.progress import Satisfaction
from domain.revenue.rules import DEFAULT_SATISFACTION
from domain.shared import AwareDatetime, DomainError

PERIODS_ID = UUID("6f1c1f0e-0000-4000-8000-000000000606")


class PeriodRefused(DomainError):
    rule = "period_refused"


class ClosePeriod(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    month: date  # any day of the month to close
    at: AwareDatetime
    note: str = ""


class PublishPatterns(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by_kind: dict[LineKind, Satisfaction]


class PeriodClosed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    month: date  # its first day
    closed_at: AwareDatetime
    note: str = ""


class PatternsPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    version: int
    by_kind: dict[LineKind, Satisfaction]


PeriodCommand = ClosePeriod | PublishPatterns
PeriodEvent = PeriodClosed | PatternsPublished


class PeriodsState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    closed_through: date | None = None  # the last closed month
    patterns: PatternsPublished | None = None

    def by_kind(self) -> tuple[dict[LineKind, Satisfaction], int]:
        """The patterns in force and their version (0: the defaults, never published)."""
        if self.patterns is None:
            return DEFAULT_SATISFACTION, 0
        return {**DEFAULT_SATISFACTION, **self.patterns.by_kind}, self.patterns.version


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
        case PublishPatterns(by_kind=by_kind):
            for kind, pattern in by_kind.items():
                problem = pattern.problem(has_term=kind in TIME_BASED_KINDS)
                if problem is not None:
                    raise PeriodRefused(f"{kind.value}: {problem}", field=f"by_kind.{kind.value}")
            version = state.patterns.version + 1 if state.patterns else 1
            return [PatternsPublished(version=version, by_kind=by_kind)]
        case _:
            assert_never(command)


def evolve(state: PeriodsState, event: PeriodEvent) -> PeriodsState:
    match event:
        case PeriodClosed(month=month):
            return replace(state, version=state.version + 1, closed_through=month)
        case PatternsPublished():
            return replace(state, version=state.version + 1, patterns=event)
        case _:
            assert_never(event)
