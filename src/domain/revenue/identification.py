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
    judged = [line_ssp(line) for line in lines]
    ssp: Money | None = total([amount for amount, _ in judged], currency)
    basis = tuple(f"{line.line_id}: {why}" for line, (_, why) in zip(lines, judged, strict=True))
    if any(line.line_id in residual for line in lines):
        ssp, basis = None, ("residual: the price less the other obligations' SSPs",)
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
        ssp_basis=basis,
    )


def line_ssp(line: OrderLine) -> tuple[Money, str]:
    """A line's SSP for its quantity and why. With a range: the price sold at, if it lies
    within the range, else the nearer bound; without: the SSP the line states."""
    stated = line.standalone_selling_price
    rng = line.ssp_range
    if rng is None:
        return stated.times(line.quantity).rounded(), f"stated SSP {stated.amount:,.2f} per unit"
    each = line.net.amount / line.quantity if line.quantity else Decimal(0)
    span = f"{rng.low.amount:,.2f}-{rng.high.amount:,.2f}"
    if rng.low.amount <= each <= rng.high.amount:
        return line.net, f"price {each:,.2f} per unit within the SSP range {span}: its own SSP"
    bound, side = (rng.low, "below") if each < rng.low.amount else (rng.high, "above")
    why = f"price {each:,.2f} per unit {side} the SSP range {span}: the bound {bound.amount:,.2f}"
    return bound.times(line.quantity).rounded(), why
