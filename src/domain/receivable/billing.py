"""When milestones become billable: their trigger facts, dates and the acceptance report."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import assert_never

from domain.receivable.events import Fact, MilestoneBillable
from domain.receivable.state import ReceivableState
from domain.receivable.terms import MilestoneTerm, Trigger


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def billable_on(term: MilestoneTerm, facts: dict[Fact, datetime]) -> date | None:
    """The day the milestone's condition is (or will be) met, if its facts are known."""
    on: date | None
    match term.trigger:
        case Trigger.SIGNING | Trigger.SHIPMENT | Trigger.ACCEPTANCE:
            at = facts.get(Fact(term.trigger.value))
            on = at.date() if at else None
        case Trigger.DATE:
            on = term.on_date
        case Trigger.AFTER_ACCEPTANCE:
            accepted = facts.get(Fact.ACCEPTANCE)
            on = add_months(accepted.date(), term.months_after) if accepted else None
        case _:
            assert_never(term.trigger)
    if on is not None and term.needs_acceptance_report:
        report = facts.get(Fact.ACCEPTANCE_REPORT)
        on = max(on, report.date()) if report else None
    return on


def newly_billable(state: ReceivableState, as_of: datetime) -> list[MilestoneBillable]:
    events: list[MilestoneBillable] = []
    for m in state.milestones:
        on = None if m.billable_on else billable_on(m.milestone.term, state.facts)
        if on is not None and on <= as_of.date():
            due = on + timedelta(days=m.milestone.term.due_days)
            events.append(
                MilestoneBillable(milestone_id=m.milestone.milestone_id, billable_on=on, due_on=due)
            )
    return events
