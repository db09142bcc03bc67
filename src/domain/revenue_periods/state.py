"""The revenue periods' state, and `evolve`: the last closed month, the patterns in force."""

from __future__ import annotations

from datetime import date
from typing import assert_never

import msgspec
from msgspec.structs import replace

from domain.contract_terms import Satisfaction
from domain.order.events import LineKind
from domain.revenue.rules import DEFAULT_SATISFACTION
from domain.revenue_periods.events import PatternsPublished, PeriodClosed, PeriodEvent


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


def evolve(state: PeriodsState, event: PeriodEvent) -> PeriodsState:
    match event:
        case PeriodClosed(month=month):
            return replace(state, version=state.version + 1, closed_through=month)
        case PatternsPublished():
            return replace(state, version=state.version + 1, patterns=event)
        case _:
            assert_never(event)
