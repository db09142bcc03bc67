"""Step 4: allocate the transaction price to the performance obligations.

ASC 606-10-32-28..41 / IFRS 15.73-86. By default in proportion to standalone
selling prices (SSP). A discount is spread over every obligation unless a rule
says it belongs to some (606-10-32-37): then the others keep their SSP and the
named ones share what is left. An obligation whose SSP is highly variable or
uncertain takes the residual (606-10-32-34(c)): the price less the others'
observable SSPs, and only if that residual is positive (and, where a range of
observed prices is given, inside it). The exact shares are rounded to the cent
by largest remainder, so they always sum to the transaction price.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

import msgspec

from domain.contract_terms import DiscountRule
from domain.shared import DomainError, Money, allocate


class AllocationRefused(DomainError):
    rule = "allocation_refused"


class Basis(StrEnum):
    RELATIVE_SSP = "relative_ssp"
    DISCOUNT_GROUP = "discount_group"  # shares a discount a rule assigns to its group
    AT_SSP = "at_ssp"  # keeps its SSP: a discount was assigned elsewhere
    RESIDUAL = "residual"


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """An obligation to allocate to. `ssp` None: highly variable, so it takes the residual."""

    obligation_id: str
    ssp: Money | None
    # Observed prices bounding a residual obligation's SSP (low, high), if known.
    residual_range: tuple[Money, Money] | None = None
    # How residual obligations share the residual between themselves (e.g. list price).
    residual_weight: Decimal = Decimal(1)


class Allocated(msgspec.Struct, frozen=True, kw_only=True):
    obligation_id: str
    ssp: Money | None
    amount: Money
    basis: Basis


def allocate_price(
    price: Money, candidates: Sequence[Candidate], discounts: Sequence[DiscountRule] = ()
) -> tuple[Allocated, ...]:
    """The transaction price split over `candidates`, summing exactly to `price`."""
    _check(price, candidates, discounts)
    exact, basis = _exact_shares(price, candidates, discounts)
    amounts = allocate(price, [exact[c.obligation_id] for c in candidates])
    return tuple(
        Allocated(obligation_id=c.obligation_id, ssp=c.ssp, amount=a, basis=basis[c.obligation_id])
        for c, a in zip(candidates, amounts, strict=True)
    )


def _check(
    price: Money, candidates: Sequence[Candidate], discounts: Sequence[DiscountRule]
) -> None:
    if not candidates:
        raise AllocationRefused("a contract needs at least one obligation", field="obligations")
    if price.amount < 0:
        raise AllocationRefused(f"the transaction price {price} is negative", field="price")
    ids = [c.obligation_id for c in candidates]
    if len(set(ids)) != len(ids):
        raise AllocationRefused("obligation ids repeat", field="obligations")
    for c in candidates:
        for money in (c.ssp, *(c.residual_range or ())):
            if money is not None and money.currency != price.currency:
                raise AllocationRefused(
                    f"{c.obligation_id}: {money.currency} in a {price.currency} contract",
                    field=f"obligations.{c.obligation_id}",
                )
        if c.ssp is not None and c.ssp.amount < 0:
            raise AllocationRefused(
                f"{c.obligation_id}: a standalone selling price cannot be negative",
                field=f"obligations.{c.obligation_id}.ssp",
            )
        if c.residual_weight < 0:
            raise AllocationRefused(
                f"{c.obligation_id}: a residual weight cannot be negative",
                field=f"obligations.{c.obligation_id}.residual_weight",
            )
    residual = {c.obligation_id for c in candidates if c.ssp is None}
    for n, rule in enumerate(discounts):
        unknown = [o for o in rule.obligations if o not in ids]
        if unknown or not rule.obligations:
            raise AllocationRefused(
                f"discount rule {n} names no obligation of this contract: {unknown}",
                field=f"discounts[{n}]",
            )
        if residual & set(rule.obligations):
            raise AllocationRefused(
                f"discount rule {n} names an obligation valued by the residual approach",
                field=f"discounts[{n}]",
            )
        if rule.amount is not None and rule.amount.currency != price.currency:
            raise AllocationRefused(f"discount rule {n}: wrong currency", field=f"discounts[{n}]")
    if sum(1 for r in discounts if r.amount is None) > 1:
        raise AllocationRefused(
            "only one rule can take the whole discount of a contract", field="discounts"
        )
    if residual and any(r.amount is None for r in discounts):
        raise AllocationRefused(
            "with a residual obligation the discount is unknown: give its amount",
            field="discounts",
        )


def _exact_shares(
    price: Money, candidates: Sequence[Candidate], discounts: Sequence[DiscountRule]
) -> tuple[dict[str, Decimal], dict[str, Basis]]:
    ssp = {c.obligation_id: c.ssp.amount for c in candidates if c.ssp is not None}
    adjusted = dict(ssp)
    basis = dict.fromkeys(ssp, Basis.RELATIVE_SSP)
    for n, rule in enumerate(discounts):
        if rule.amount is None:
            continue
        group_ssp = sum((ssp[o] for o in rule.obligations), Decimal(0))
        if rule.amount.amount > group_ssp:
            raise AllocationRefused(
                f"discount rule {n} takes {rule.amount} from obligations worth {group_ssp}",
                field=f"discounts[{n}].amount",
            )
        for o in rule.obligations:
            share = rule.amount.amount * ssp[o] / group_ssp if group_ssp else Decimal(0)
            adjusted[o] -= share
            basis[o] = Basis.DISCOUNT_GROUP
    residual = [c for c in candidates if c.ssp is None]
    if residual:
        return _with_residual(price, residual, adjusted, basis)
    whole_rule = next((r for r in discounts if r.amount is None), None)
    if whole_rule is None:
        return _proportional(price.amount, adjusted), basis
    group = set(whole_rule.obligations)
    others = {o: a for o, a in adjusted.items() if o not in group}
    left = price.amount - sum(others.values(), Decimal(0))
    if left < 0:
        raise AllocationRefused(
            f"the obligations outside the discount group are worth more than the price {price}",
            field="discounts",
        )
    shares = {**others, **_proportional(left, {o: adjusted[o] for o in group})}
    basis.update(dict.fromkeys(others, Basis.AT_SSP) | dict.fromkeys(group, Basis.DISCOUNT_GROUP))
    return shares, basis


def _with_residual(
    price: Money,
    residual: Sequence[Candidate],
    adjusted: dict[str, Decimal],
    basis: dict[str, Basis],
) -> tuple[dict[str, Decimal], dict[str, Basis]]:
    left = price.amount - sum(adjusted.values(), Decimal(0))
    names = ", ".join(c.obligation_id for c in residual)
    if left <= 0:
        raise AllocationRefused(
            f"the residual approach leaves nothing for {names}: the other obligations' "
            f"standalone selling prices already reach the price {price}",
            field="obligations",
        )
    weights = {c.obligation_id: c.residual_weight for c in residual}
    shares = _proportional(left, weights)
    for c in residual:
        basis[c.obligation_id] = Basis.RESIDUAL
        if c.residual_range is not None:
            low, high = c.residual_range
            if not low.amount <= shares[c.obligation_id] <= high.amount:
                raise AllocationRefused(
                    f"the residual {shares[c.obligation_id]:.2f} for {c.obligation_id} is "
                    f"outside its observed prices {low.amount}-{high.amount}: the residual "
                    "approach does not apply",
                    field=f"obligations.{c.obligation_id}",
                )
    return {**adjusted, **shares}, basis


def _proportional(whole: Decimal, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    total = sum(weights.values(), Decimal(0))
    if total == 0:
        return {o: whole / len(weights) for o in weights}
    return {o: whole * w / total for o, w in weights.items()}
