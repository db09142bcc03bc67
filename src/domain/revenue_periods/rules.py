"""Named rules of the revenue periods: months close in order, once ended; only the last
closed month reopens, asked with a reason and approved by someone else; patterns are usable."""

from __future__ import annotations

from datetime import date

from domain.contract_terms import Satisfaction
from domain.order.events import TIME_BASED_KINDS, LineKind
from domain.revenue.calendar import add_months, month_of
from domain.revenue_periods.events import PeriodReopenRequested
from domain.revenue_periods.state import PeriodsState
from domain.shared import AwareDatetime, DomainError


class PeriodRefused(DomainError):
    rule = "period_refused"


def next_to_close(state: PeriodsState) -> date | None:
    """The month after the last closed one; after every month reopened, the first month
    ever closed (so closing never skips a month); None: any month may close first."""
    if state.closed_through is not None:
        return add_months(state.closed_through, 1)
    return state.first_closed


def must_close_next(state: PeriodsState, month: date) -> None:
    """Months close in order: the one after the last closed month comes next."""
    expected = next_to_close(state)
    if expected is not None and month != expected:
        raise PeriodRefused(f"close {expected:%Y-%m} before {month:%Y-%m}", field="month")


def must_soft_close_next(state: PeriodsState, month: date) -> None:
    """Soft closes come in order too: the first open month not soft-closed yet."""
    soft = state.soft_closed_through
    expected = add_months(soft, 1) if soft is not None and state.soft_closed(soft) else None
    expected = expected or next_to_close(state)
    if expected is not None and month != expected:
        raise PeriodRefused(f"soft-close {expected:%Y-%m} before {month:%Y-%m}", field="month")


def must_have_ended(month: date, at: AwareDatetime) -> None:
    if month_of(at.date()) <= month:
        raise PeriodRefused(f"{month:%Y-%m} cannot be closed before it has ended", field="month")


def must_give_a_reason(reason: str) -> None:
    if not reason.strip():
        raise PeriodRefused("say why the month must reopen", field="reason")


def must_be_last_closed(state: PeriodsState, month: date) -> None:
    """Months reopen in reverse order: only the last closed month may."""
    last = state.closed_through
    if last is None:
        raise PeriodRefused(f"{month:%Y-%m} is not closed: nothing to reopen", field="month")
    if month != last:
        raise PeriodRefused(
            f"only the last closed month, {last:%Y-%m}, can be reopened; not {month:%Y-%m}",
            field="month",
        )


def must_not_be_asked_already(state: PeriodsState, month: date) -> None:
    for number, asked in state.pending.items():
        if asked.month == month:
            raise PeriodRefused(
                f"request {number} to reopen {month:%Y-%m} awaits approval", field="month"
            )


def pending_request(state: PeriodsState, number: int) -> PeriodReopenRequested:
    """The request, while it awaits approval and its month is still the last closed."""
    asked = state.pending.get(number)
    if asked is None:
        raise PeriodRefused(f"no request {number} awaits approval", field="request_id")
    if asked.month != state.closed_through:
        raise PeriodRefused(
            f"request {number} asked to reopen {asked.month:%Y-%m}, no longer the last "
            "closed month: ask again",
            field="request_id",
        )
    return asked


def must_be_someone_else(asked: PeriodReopenRequested, by: str) -> None:
    """Dual authorisation: the person who asked never approves."""
    if by == asked.requested_by:
        raise PeriodRefused(
            f"{by} asked for this reopening; another person must approve it", field="by"
        )


def patterns_must_be_usable(by_kind: dict[LineKind, Satisfaction]) -> None:
    """Each kind's pattern fits the kind (a ratable one, a kind sold for a term)."""
    for kind, pattern in by_kind.items():
        problem = pattern.problem(has_term=kind in TIME_BASED_KINDS)
        if problem is not None:
            raise PeriodRefused(f"{kind.value}: {problem}", field=f"by_kind.{kind.value}")
