"""Deciding a contract cost's treatment: capitalised, or expensed under the expedient."""

from __future__ import annotations

from datetime import date

from domain.revenue.calendar import add_months
from domain.revenue.commands import RecordContractCost
from domain.revenue.costs import ContractCost, CostTreatment
from domain.revenue.progress import Ratable
from domain.revenue.recognition import ObligationRevenue
from domain.revenue.rules import RevenueRefused
from domain.revenue.state import ContractState

EXPEDIENT_MONTHS = 12  # "one year or less" (ASC 340-40-25-4, IFRS 15.94)


def contract_cost(command: RecordContractCost, state: ContractState) -> ContractCost:
    """The cost as recorded, with its treatment and the reason for it; refused by field
    if it repeats an id, is not a positive amount in the contract's currency, or names
    an obligation the contract lacks."""
    if command.cost_id in state.costs:
        raise RevenueRefused(f"cost {command.cost_id!r} is recorded already", field="cost_id")
    if command.amount.currency != state.currency or command.amount.amount <= 0:
        raise RevenueRefused(
            f"a cost is a positive amount in the contract's currency {state.currency}",
            field="amount",
        )
    unknown = sorted(set(command.obligations) - set(state.obligations))
    if unknown:
        raise RevenueRefused(f"no such obligations: {unknown}", field="obligations")
    wanted = set(command.obligations)
    related = [r for r in state.revenues() if not wanted or r.obligation_id in wanted]
    start = command.incurred_on
    last = max([start, *(_last_day(r, start) for r in related)])
    names = ", ".join(command.obligations) or "the whole contract"
    if command.expedient and last <= add_months(start, EXPEDIENT_MONTHS):
        treatment = CostTreatment.EXPENSED
        reason = (f"the goods and services it relates to ({names}) transfer by "
                  f"{last.isoformat()}, within a year: expensed when incurred "
                  "(ASC 340-40-25-4)")  # fmt: skip
    else:
        treatment = CostTreatment.CAPITALISED
        why = ("the practical expedient is not used" if command.expedient is False
               else f"they transfer until {last.isoformat()}, beyond a year")  # fmt: skip
        reason = (f"capitalised and amortised as the revenue of {names} is recognised "
                  f"(ASC 340-40-35-1): {why}")  # fmt: skip
    return ContractCost(
        cost_id=command.cost_id, amount=command.amount, incurred_on=command.incurred_on,
        description=command.description, obligations=command.obligations,
        treatment=treatment, reason=reason,
    )  # fmt: skip


def _last_day(revenue: ObligationRevenue, known: date) -> date:
    """The last day the obligation's revenue is expected: a ratable term's last day, else
    the latest fact known (a point in time not yet reached counts as `known`)."""
    progress = revenue.progress
    if isinstance(progress, Ratable):
        return max(date.fromordinal(t.end.toordinal() - 1) for t in progress.terms)
    return max((d for d, _ in progress.points), default=known)
