"""`decide` for the revenue contract: each command checked against the named rules."""

from __future__ import annotations

from typing import assert_never

from domain.revenue import rules
from domain.revenue.allocation import Allocated, Basis
from domain.revenue.changes import modify, terminate
from domain.revenue.commands import (
    IdentifyContract,
    ModifyContract,
    RecordContractCost,
    RecordFulfilment,
    ReestimateVariable,
    RevenueCommand,
    TerminateContract,
)
from domain.revenue.costs_decide import contract_cost
from domain.revenue.events import (
    ContractCostRecorded,
    Fulfilment,
    ProgressRecorded,
    RevenueEvent,
    VariableReestimated,
)
from domain.revenue.identification import identify
from domain.revenue.recognition import reestimate
from domain.revenue.state import ContractState
from domain.shared import Money


def decide(command: RevenueCommand, state: ContractState) -> list[RevenueEvent]:
    match command:
        case IdentifyContract():
            rules.must_not_be_identified(state, command.order_id)
            rules.must_have_lines(command.lines)
            return [identify(command)]
        case RecordFulfilment():
            rules.must_be_in_force(state)
            rules.must_fall_within_contract(state, command.on)
            return _fulfil(command, state)
        case ReestimateVariable():
            rules.must_be_in_force(state)
            rules.must_follow_signing_and_last_change(state, command.on)
            rules.must_fall_within_contract(state, command.on)
            return [_reestimate(command, state)]
        case ModifyContract():
            rules.must_be_in_force(state)
            rules.must_fall_within_contract(state, command.on)
            rules.must_follow_revision(state, command.revision)
            rules.override_needs_reason(command.override is not None, command.reason)
            return [modify(command, state)]
        case RecordContractCost():
            rules.must_be_in_force(state)
            rules.must_fall_within_contract(state, command.incurred_on, "incurred_on")
            return [ContractCostRecorded(cost=contract_cost(command, state))]
        case TerminateContract():
            rules.must_be_in_force(state)
            rules.must_end_after_last_change(state, command.last_day)
            return [terminate(command, state)]
        case _:
            assert_never(command)


def _fulfil(command: RecordFulfilment, state: ContractState) -> list[RevenueEvent]:
    moved = _moved(command, state)
    if not moved:
        return []
    return [
        ProgressRecorded(
            fact=command.fact,
            on=command.on,
            obligations=tuple(moved),
            lines=command.lines,
            obligation_id=command.obligation_id,
            incurred=command.incurred,
            uninstalled=command.uninstalled,
            estimated_total=command.estimated_total,
            milestone_id=command.milestone_id,
            source=command.source,
        )
    ]


def _moved(command: RecordFulfilment, state: ContractState) -> list[str]:
    """The obligations `command` moves (and it is refused if it names what is not there)."""
    fact = command.fact
    if fact in (Fulfilment.SHIPMENT, Fulfilment.TRAINING_DELIVERED):
        rules.must_name_known_quantities(command, state)
        lines = {q.line_id for q in command.lines}
        return [
            oid for oid, o in state.obligations.items()
            if rules.is_triggered(o, fact) and lines & set(o.terms.line_ids)
        ]  # fmt: skip
    if fact in (Fulfilment.ACCEPTANCE, Fulfilment.LICENCE_AVAILABLE):
        named = [command.obligation_id] if command.obligation_id else list(state.obligations)
        return [
            oid for oid in named if rules.is_triggered(rules.must_have_obligation(state, oid), fact)
        ]
    obligation = rules.must_have_obligation(state, command.obligation_id)
    rules.must_be_earned_by(obligation, fact)
    if fact is Fulfilment.COSTS_REPORTED:
        rules.costs_must_be_estimated(command)
    if fact is Fulfilment.MILESTONE_REACHED:
        rules.must_have_milestone(obligation, command.milestone_id)
        if command.milestone_id in {m for m, _ in obligation.reached}:
            return []
    return [command.obligation_id]


def _reestimate(command: ReestimateVariable, state: ContractState) -> VariableReestimated:
    new = command.consideration
    new.check(state.currency)
    old = state.variable.get(new.name)
    change = new.included() - (old.included() if old else Money.zero(state.currency))
    price = state.transaction_price() + change
    if price.amount < 0:
        raise rules.RevenueRefused(
            f"the re-estimate takes the price below zero ({price})", field="name"
        )
    open_ = [o for o in state.obligations.values() if not o.removed]
    if not open_:
        raise rules.RevenueRefused(
            "every obligation was removed: nothing takes the change", field="name"
        )
    revenues = [o.revenue(state.currency) for o in open_]
    weights = [o.weight for o in open_]
    cause = f"re-estimate of {new.name}"
    changed = reestimate(revenues, change, weights, command.on, cause)
    rules.never_negative(state, [(r.obligation_id, r.components[-1]) for r in changed])
    shares = tuple(
        Allocated(obligation_id=r.obligation_id, ssp=o.terms.ssp,
                  amount=r.components[-1].amount, basis=Basis.RELATIVE_SSP)
        for r, o in zip(changed, open_, strict=True)
    )  # fmt: skip
    return VariableReestimated(consideration=new, on=command.on, change=change, shares=shares)
