"""When milestones become billable: their trigger facts, dates and the acceptance report."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import assert_never

from domain.receivable.events import Fact, MilestoneBillable
from domain.receivable.plans import add_months
from domain.receivable.state import ReceivableState
from domain.receivable.terms import MilestoneTerm, Trigger

__all__ = ["add_months", "billable_on", "newly_billable", "waiting_for"]


def billable_on(term: MilestoneTerm, facts: dict[Fact, datetime]) -> date | None:
    """The day the milestone's condition is (or will be) met, if its facts are known."""
    on: date | None
    match term.trigger:
        case Trigger.SIGNING | Trigger.SHIPMENT | Trigger.ACCEPTANCE:
            at = facts.get(Fact(term.trigger.value))
            on = at.date() if at else None
        case Trigger.DATE | Trigger.MONTHLY_IN_ARREARS:
            on = term.on_date
        case Trigger.ANNUAL_IN_ADVANCE:
            # In advance: a year already begun by the signing is billable at the signing.
            signed = facts.get(Fact.SIGNING)
            on = max(term.on_date, signed.date()) if term.on_date and signed else None
        case Trigger.AFTER_ACCEPTANCE:
            accepted = facts.get(Fact.ACCEPTANCE)
            on = add_months(accepted.date(), term.months_after) if accepted else None
        case _:
            assert_never(term.trigger)
    if on is not None and term.needs_acceptance_report:
        report = facts.get(Fact.ACCEPTANCE_REPORT)
        on = max(on, report.date()) if report else None
    return on


_AWAITED = {
    Trigger.SIGNING: "the signing",
    Trigger.SHIPMENT: "the shipment of everything shippable",
    Trigger.ACCEPTANCE: "the customer's acceptance",
}


def waiting_for(term: MilestoneTerm, facts: dict[Fact, datetime]) -> str:
    """What a milestone not yet billable waits for, in words an accountant acts on."""
    missing: list[str] = []
    match term.trigger:
        case Trigger.SIGNING | Trigger.SHIPMENT | Trigger.ACCEPTANCE:
            if Fact(term.trigger.value) not in facts:
                missing.append(_AWAITED[term.trigger])
        case Trigger.DATE | Trigger.MONTHLY_IN_ARREARS | Trigger.ANNUAL_IN_ADVANCE:
            pass
        case Trigger.AFTER_ACCEPTANCE:
            accepted = facts.get(Fact.ACCEPTANCE)
            if accepted is None:
                missing.append(f"the customer's acceptance, then {term.months_after} months")
        case _:
            assert_never(term.trigger)
    if term.needs_acceptance_report and Fact.ACCEPTANCE_REPORT not in facts:
        missing.append("the acceptance report (upload it as a document of kind "
                       "acceptance_report)")  # fmt: skip
    when = ""
    if term.trigger is Trigger.AFTER_ACCEPTANCE and Fact.ACCEPTANCE in facts:
        accepted_on = facts[Fact.ACCEPTANCE].date()
        months_on = add_months(accepted_on, term.months_after)
        when = (f"{term.months_after} months after acceptance on {accepted_on.isoformat()} "
                f"is {months_on.isoformat()}")  # fmt: skip
    if missing:
        return "it waits for " + " and ".join(missing) + (f"; {when}" if when else "")
    on = billable_on(term, facts)
    assert on is not None
    return f"it is billable from {on.isoformat()}" + (f" ({when})" if when else "")


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
