"""Named rules of the revenue periods: months close in order, once ended; patterns are usable."""

from __future__ import annotations

from datetime import date

from domain.contract_terms import Satisfaction
from domain.order.events import TIME_BASED_KINDS, LineKind
from domain.revenue.calendar import add_months, month_of
from domain.revenue_periods.state import PeriodsState
from domain.shared import AwareDatetime, DomainError


class PeriodRefused(DomainError):
    rule = "period_refused"


def must_close_next(state: PeriodsState, month: date) -> None:
    """Months close in order: the one after the last closed month comes next."""
    last = state.closed_through
    if last is not None and month != add_months(last, 1):
        raise PeriodRefused(
            f"close {add_months(last, 1):%Y-%m} before {month:%Y-%m}", field="month"
        )


def must_have_ended(month: date, at: AwareDatetime) -> None:
    if month_of(at.date()) <= month:
        raise PeriodRefused(f"{month:%Y-%m} cannot be closed before it has ended", field="month")


def patterns_must_be_usable(by_kind: dict[LineKind, Satisfaction]) -> None:
    """Each kind's pattern fits the kind (a ratable one, a kind sold for a term)."""
    for kind, pattern in by_kind.items():
        problem = pattern.problem(has_term=kind in TIME_BASED_KINDS)
        if problem is not None:
            raise PeriodRefused(f"{kind.value}: {problem}", field=f"by_kind.{kind.value}")
