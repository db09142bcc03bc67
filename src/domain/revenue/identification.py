"""Step 1 to 4 for a signed order: its contract, obligations, price and allocation.

Each line is an obligation, unless the order bundles lines that are not
distinct into one; each is satisfied as the command says for that line, else as
the line says, else as the rules in force (failing them, the defaults) say for
its kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from domain.contract_terms import Bundle, Satisfaction
from domain.order.events import LineKind, OrderLine
from domain.revenue.allocation import Candidate, allocate_price
from domain.revenue.commands import IdentifyContract
from domain.revenue.events import ContractIdentified, ObligationTerms
from domain.revenue.rules import DEFAULT_SATISFACTION, RevenueRefused, must_satisfy_lines
from domain.revenue.variable import transaction_price
from domain.shared import Money, total


def identify(command: IdentifyContract) -> ContractIdentified:
    currency = command.currency
    obligations = _obligations(command.lines, command, residual=set(command.residual))
    fixed = total([line.net for line in command.lines], currency)
    price = transaction_price(fixed, command.variable)
    candidates = [candidate(o) for o in obligations]
    allocation = allocate_price(price, candidates, command.discounts)
    return ContractIdentified(
        order_id=command.order_id,
        customer_id=command.customer_id,
        contract_number=command.contract_number,
        currency=currency,
        identified_on=command.signed_on,
        obligations=tuple(obligations),
        fixed_price=fixed,
        variable=command.variable,
        transaction_price=price,
        discounts=command.discounts,
        allocation=allocation,
        rules_version=command.rules_version,
    )


def candidate(terms: ObligationTerms) -> Candidate:
    return Candidate(
        obligation_id=terms.obligation_id, ssp=terms.ssp, residual_weight=terms.price.amount
    )


def _obligations(
    lines: Sequence[OrderLine], command: IdentifyContract, residual: set[str]
) -> list[ObligationTerms]:
    by_id = {line.line_id: line for line in lines}
    bundled: dict[str, Bundle] = {}
    for n, group in enumerate(command.bundles):
        for line_id in group.line_ids:
            if line_id not in by_id or line_id in bundled:
                raise RevenueRefused(
                    f"bundle {group.obligation_id}: line {line_id!r} is unknown or bundled twice",
                    field=f"bundles[{n}]",
                )
            bundled[line_id] = group
    unknown = (set(command.patterns) | residual) - set(by_id)
    if unknown:
        raise RevenueRefused(f"no such lines: {sorted(unknown)}", field="patterns")
    terms: list[ObligationTerms] = []
    seen: set[str] = set()
    for line in lines:
        bundle = bundled.get(line.line_id)
        if bundle is None:
            pattern = command.patterns.get(line.line_id) or pattern_of(line, command.by_kind)
            terms.append(obligation_terms(line.line_id, [line], pattern, residual))
        elif bundle.obligation_id not in seen:
            seen.add(bundle.obligation_id)
            members = [by_id[i] for i in bundle.line_ids]
            terms.append(
                obligation_terms(bundle.obligation_id, members, bundle.satisfaction, residual)
            )
    return terms


def pattern_of(line: OrderLine, by_kind: dict[LineKind, Satisfaction]) -> Satisfaction:
    """How a line is earned: as it says, else as the rules in force say for its kind."""
    return line.revenue or by_kind.get(line.kind) or DEFAULT_SATISFACTION[line.kind]


def obligation_terms(
    obligation_id: str, lines: Sequence[OrderLine], satisfaction: Satisfaction, residual: set[str]
) -> ObligationTerms:
    """The obligation `lines` make: its pattern, SSP (None if residual) and price."""
    currency = lines[0].unit_price.currency
    must_satisfy_lines(satisfaction, lines, f"obligations.{obligation_id}")
    ssp: Money | None = total(
        [line.standalone_selling_price.times(line.quantity).rounded() for line in lines], currency
    )
    if any(line.line_id in residual for line in lines):
        ssp = None
    starts = [line.term_start for line in lines if line.term_start is not None]
    months = [line.term_months for line in lines if line.term_months is not None]
    return ObligationTerms(
        obligation_id=obligation_id,
        line_ids=tuple(line.line_id for line in lines),
        kind=lines[0].kind,
        satisfaction=satisfaction,
        ssp=ssp,
        price=total([line.net for line in lines], currency),
        quantity=sum((line.quantity for line in lines), Decimal(0)),
        term_start=min(starts) if starts else None,
        term_months=max(months) if months else None,
    )
