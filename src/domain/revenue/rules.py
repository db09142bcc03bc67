"""Named revenue rules: the defaults the business sets, and each check `decide` makes.

Every check raises `RevenueRefused`, naming the field that was wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from domain.contract_terms import Pattern, Satisfaction, Trigger
from domain.order.events import LineKind, OrderLine
from domain.revenue.calendar import day_after
from domain.revenue.commands import RecordFulfilment
from domain.revenue.events import Fulfilment
from domain.revenue.recognition import Component
from domain.revenue.state import ContractState, ObligationState
from domain.shared import LATEST_DAY, DomainError, Money


class RevenueRefused(DomainError):
    rule = "revenue_refused"


# What a product kind does unless the rulebook or the order says otherwise.
DEFAULT_SATISFACTION: dict[LineKind, Satisfaction] = {
    LineKind.HARDWARE: Satisfaction(pattern=Pattern.POINT_IN_TIME, trigger=Trigger.SHIPMENT),
    LineKind.SPARE_PART: Satisfaction(pattern=Pattern.POINT_IN_TIME, trigger=Trigger.SHIPMENT),
    LineKind.SOFTWARE_LICENCE: Satisfaction(
        pattern=Pattern.POINT_IN_TIME, trigger=Trigger.LICENCE_AVAILABLE
    ),
    LineKind.TRAINING: Satisfaction(
        pattern=Pattern.POINT_IN_TIME, trigger=Trigger.TRAINING_DELIVERED
    ),
    LineKind.IMPLEMENTATION: Satisfaction(pattern=Pattern.INPUT_METHOD),
    LineKind.MAINTENANCE: Satisfaction(pattern=Pattern.RATABLE),
    LineKind.SUBSCRIPTION: Satisfaction(pattern=Pattern.RATABLE),
    LineKind.OTHER: Satisfaction(pattern=Pattern.POINT_IN_TIME, trigger=Trigger.ACCEPTANCE),
}

# The point-in-time fact that passes control, and the patterns each over-time fact moves.
_TRIGGER_OF = {
    Fulfilment.SHIPMENT: Trigger.SHIPMENT,
    Fulfilment.ACCEPTANCE: Trigger.ACCEPTANCE,
    Fulfilment.LICENCE_AVAILABLE: Trigger.LICENCE_AVAILABLE,
    Fulfilment.TRAINING_DELIVERED: Trigger.TRAINING_DELIVERED,
}
_MOVES = {
    Fulfilment.SERVICE_STARTED: {Pattern.RATABLE},
    Fulfilment.COSTS_REPORTED: {Pattern.INPUT_METHOD},
    Fulfilment.MILESTONE_REACHED: {Pattern.MILESTONES},
    Fulfilment.COMPLETED: {Pattern.RATABLE, Pattern.INPUT_METHOD, Pattern.MILESTONES},
}


# -- the contract ----------------------------------------------------------------


def must_not_be_identified(state: ContractState, order_id: UUID) -> None:
    if state.exists:
        raise RevenueRefused(
            f"the contract of order {order_id} was identified already", field="order_id"
        )


def must_have_lines(lines: Sequence[OrderLine]) -> None:
    if not lines:
        raise RevenueRefused("a contract needs at least one line", field="lines")


def must_be_in_force(state: ContractState) -> None:
    if not state.exists:
        raise RevenueRefused("no revenue contract: the order is not signed", field="order_id")
    if state.terminated_on is not None:
        raise RevenueRefused(
            f"the contract was terminated: its last day was {state.terminated_on}",
            field="order_id",
        )


# The longest a contract runs: the longest service term a line may have (50 years)
# with room for late facts after it.
LONGEST_CONTRACT_YEARS = 60


def must_fall_within_contract(state: ContractState, on: date, field: str = "on") -> None:
    """A fact of the contract happens while it exists: not before its inception (the
    signing; a fact before it is not revenue of this contract, and would book at once
    what the pattern spreads), and not decades after it (a typing error such as
    9999-12-31, which would leave every revenue report waiting on it)."""
    begun = state.identified_on
    if begun is None:
        return
    if on < begun:
        raise RevenueRefused(
            f"{field} {on.isoformat()} is before the contract began on {begun.isoformat()} "
            "(its signing): date the fact on or after that day",
            field=field,
        )
    latest = date(min(begun.year + LONGEST_CONTRACT_YEARS, LATEST_DAY.year), 12, 31)
    if on > latest:
        raise RevenueRefused(
            f"{field} {on.isoformat()} is outside {begun.isoformat()} to {latest.isoformat()}, "
            f"the longest a contract runs ({LONGEST_CONTRACT_YEARS} years)",
            field=field,
        )


def must_satisfy_lines(s: Satisfaction, lines: Sequence[OrderLine], field: str) -> None:
    """The pattern is usable for these lines (a ratable one needs a service term)."""
    problem = s.problem(has_term=any(line.term_months for line in lines))
    if problem is not None:
        raise RevenueRefused(problem, field=field)


def never_negative(state: ContractState, changes: Sequence[tuple[str, Component]]) -> None:
    """No obligation may end up with a negative price, nor the contract."""
    after = {oid: o.revenue(state.currency).allocated() for oid, o in state.obligations.items()}
    for oid, component in changes:
        after[oid] = after.get(oid, Money.zero(state.currency)) + component.amount
    below = sorted(oid for oid, amount in after.items() if amount.amount < 0)
    if below:
        raise RevenueRefused(
            f"the change leaves a negative price on {', '.join(below)}", field="change"
        )


# -- fulfilment ------------------------------------------------------------------


def is_triggered(obligation: ObligationState, fact: Fulfilment) -> bool:
    """A point-in-time obligation, still in the contract, that `fact` passes control of."""
    s = obligation.terms.satisfaction
    return (
        not obligation.removed
        and s.pattern is Pattern.POINT_IN_TIME
        and s.trigger is _TRIGGER_OF[fact]
    )


def must_name_known_quantities(command: RecordFulfilment, state: ContractState) -> None:
    """Shipment and training give positive quantities of this contract's lines."""
    known = {i for o in state.obligations.values() for i in o.terms.line_ids}
    unknown = [q.line_id for q in command.lines if q.line_id not in known]
    if unknown or not command.lines or any(q.quantity <= 0 for q in command.lines):
        raise RevenueRefused(
            f"{command.fact.value} needs positive quantities of this contract's lines "
            f"(unknown: {unknown})",
            field="lines",
        )


def must_have_obligation(state: ContractState, obligation_id: str) -> ObligationState:
    found = state.obligations.get(obligation_id)
    if found is None or found.removed:
        raise RevenueRefused(f"no obligation {obligation_id!r}", field="obligation_id")
    return found


def must_be_earned_by(obligation: ObligationState, fact: Fulfilment) -> None:
    """An over-time fact moves only the patterns it measures."""
    pattern = obligation.terms.satisfaction.pattern
    if pattern not in _MOVES[fact]:
        raise RevenueRefused(
            f"{obligation.terms.obligation_id} is earned {pattern.value}, not by {fact.value}",
            field="fact",
        )


def costs_must_be_estimated(command: RecordFulfilment) -> None:
    if (
        command.incurred is None
        or command.estimated_total is None
        or command.incurred < 0
        or command.estimated_total <= 0
    ):
        raise RevenueRefused(
            "costs need incurred (0 or more) and an estimated total above 0", field="incurred"
        )
    uninstalled = command.uninstalled
    if uninstalled is not None and not (
        0 <= uninstalled <= command.incurred and uninstalled < command.estimated_total
    ):
        raise RevenueRefused(
            f"uninstalled materials ({uninstalled}) are part of the costs incurred "
            f"({command.incurred}) and less than the estimated total "
            f"({command.estimated_total})",
            field="uninstalled",
        )


def must_have_milestone(obligation: ObligationState, milestone_id: str) -> None:
    ids = {m.milestone_id for m in obligation.terms.satisfaction.milestones}
    if milestone_id not in ids:
        raise RevenueRefused(
            f"{obligation.terms.obligation_id} has no milestone {milestone_id!r}",
            field="milestone_id",
        )


# -- changes ---------------------------------------------------------------------


def must_follow_revision(state: ContractState, revision: int) -> None:
    if revision <= state.revision:
        raise RevenueRefused(f"revision {revision} is not after {state.revision}", field="revision")


def override_needs_reason(overridden: bool, reason: str) -> None:
    """Finance may override the rule's treatment of a change, saying why."""
    if overridden and not reason.strip():
        raise RevenueRefused("overriding the rule needs finance's reason", field="reason")


def must_follow_signing_and_last_change(state: ContractState, on: date) -> None:
    """A change of price is dated on or after the contract's signing and its last change:
    changes come in date order."""
    assert state.identified_on is not None
    if on < state.identified_on:
        raise RevenueRefused(
            f"a change dated {on} is before the contract was signed, on {state.identified_on}",
            field="on",
        )
    last = max((c.since for o in state.obligations.values() for c in o.components),
               default=state.identified_on)  # fmt: skip
    if on < last:
        raise RevenueRefused(
            f"a change dated {on} is before the last one, dated {last}; changes come in date order",
            field="on",
        )


def must_end_after_last_change(state: ContractState, last_day: date) -> None:
    """A contract ends after the day it was signed, and not before its last change."""
    assert state.identified_on is not None
    ends = day_after(last_day)
    # The allocation is dated the day of signing: the latest component is the last change.
    changed = max(c.since for o in state.obligations.values() for c in o.components)
    if ends <= state.identified_on or ends < changed:
        raise RevenueRefused(
            f"the last day {last_day} comes before the contract's signing or its "
            f"last change ({changed})",
            field="last_day",
        )
