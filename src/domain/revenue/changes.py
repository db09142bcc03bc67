"""Contract changes: a change order by its treatment, and termination.

A change order is classified by the rules (`modification.classify`), or as
finance overrides them, and its effect on each obligation's price follows the
treatment: a separate contract prices the added goods alone; a prospective
change closes what was earned and re-allocates the rest over what remains and
what is added; a cumulative catch-up changes the price of the obligations in
progress that the change is part of. A removed obligation, and every open one on
termination, keeps what it earned by then; the rest of its price leaves it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import assert_never

from domain.contract_terms import Pattern, Treatment
from domain.order.events import OrderLine
from domain.revenue.allocation import allocate_price
from domain.revenue.calendar import day_after, day_before
from domain.revenue.commands import ModifyContract, TerminateContract
from domain.revenue.events import (
    ContractModified,
    ContractTerminated,
    ObligationChange,
    ObligationTerms,
)
from domain.revenue.identification import candidate, obligation_terms, pattern_of
from domain.revenue.modification import AddedGoods, classify
from domain.revenue.progress import ONE
from domain.revenue.recognition import (
    Component,
    Earning,
    ObligationRevenue,
    prospective,
    reestimate,
)
from domain.revenue.rules import RevenueRefused, never_negative
from domain.revenue.state import ContractState, ObligationState, weight_of
from domain.shared import Money, total

# Over-time obligations whose remaining goods are not distinct from those delivered.
_OVER_TIME_NOT_DISTINCT = frozenset({Pattern.INPUT_METHOD, Pattern.MILESTONES})

Changes = list[tuple[str, Component]]


def terminate(command: TerminateContract, state: ContractState) -> ContractTerminated:
    """Every open obligation closed at what it earned by the end of the last day."""
    ends = day_after(command.last_day)
    cause = f"termination: {command.reason}" if command.reason else "termination"
    changes = [
        change
        for o in state.obligations.values()
        if not o.removed
        for change in _closed(o.revenue(state.currency), ends, cause)
        if change[1].amount.amount
    ]
    return ContractTerminated(
        last_day=command.last_day, reason=command.reason,
        components=tuple(ObligationChange(obligation_id=oid, component=c) for oid, c in changes),
    )  # fmt: skip


def modify(command: ModifyContract, state: ContractState) -> ContractModified:
    currency = state.currency
    removed = _removed(command.removed, state)
    repricing = _repricing(command.repriced, state)
    added = [
        obligation_terms(line.line_id, [line], pattern_of(line, command.by_kind), set())
        for line in command.added
    ]
    taken = {i for o in state.obligations.values() for i in o.terms.line_ids}
    clash = [t.obligation_id for t in added if set(t.line_ids) & taken]
    if clash:
        raise RevenueRefused(f"lines already in the contract: {clash}", field="added")
    eve = day_before(command.on)
    repriced_by = total([*repricing.values()], currency)
    existing_change = repriced_by - total(
        [state.obligations[oid].terms.price for oid in removed], currency
    )
    change = existing_change + total([t.price for t in added], currency)
    open_not_distinct = [
        oid for oid, o in state.obligations.items()
        if oid not in removed and not o.removed
        and o.terms.satisfaction.pattern in _OVER_TIME_NOT_DISTINCT
        and Decimal(0) < o.revenue(currency).progress.at(eve) < ONE
    ]  # fmt: skip
    goods = [
        AddedGoods(obligation_id=t.obligation_id, ssp=t.ssp or t.price, price=t.price,
                   distinct=command.added_distinct)
        for t in added
    ]  # fmt: skip
    by_rule = classify(goods, existing_change, not open_not_distinct, command.ssp_tolerance)
    treatment = command.override or by_rule
    change_ = _Change(
        added=added, removed=removed, change=change, existing_change=existing_change,
        repriced_by=repriced_by, targets=open_not_distinct, on=command.on,
        cause=f"change order {command.revision} ({treatment.value})",
    )  # fmt: skip
    match treatment:
        case Treatment.SEPARATE_CONTRACT:
            components = _separate(change_)
        case Treatment.PROSPECTIVE:
            components = _prospective(state, change_)
        case Treatment.CUMULATIVE_CATCH_UP:
            components = _catch_up(state, change_)
        case _:
            assert_never(treatment)
    never_negative(state, components)
    changes = [
        ObligationChange(obligation_id=oid, component=c)
        for oid, c in components
        if c.amount.amount != 0
    ]
    return ContractModified(
        revision=command.revision,
        on=command.on,
        treatment=treatment,
        by_rule=by_rule,
        reason=command.reason,
        change=total([c.component.amount for c in changes], currency),
        added=tuple(added),
        removed=tuple(removed),
        components=tuple(changes),
    )


def _removed(line_ids: Iterable[str], state: ContractState) -> list[str]:
    wanted = set(line_ids)
    removed = []
    for oid, o in state.obligations.items():
        lines = set(o.terms.line_ids)
        if lines & wanted and not o.removed:
            if not lines <= wanted:
                raise RevenueRefused(
                    f"{oid} bundles {sorted(lines)}: remove all of them or none", field="removed"
                )
            removed.append(oid)
    missing = wanted - {i for oid in removed for i in state.obligations[oid].terms.line_ids}
    if missing:
        raise RevenueRefused(f"no such lines in the contract: {sorted(missing)}", field="removed")
    return removed


def _repricing(lines: Sequence[OrderLine], state: ContractState) -> dict[str, Money]:
    """The change of price of each repriced obligation."""
    owner = {i: oid for oid, o in state.obligations.items() for i in o.terms.line_ids}
    deltas: dict[str, Money] = {}
    for line in lines:
        oid = owner.get(line.line_id)
        if oid is None or state.obligations[oid].removed:
            raise RevenueRefused(f"no line {line.line_id!r} to reprice", field="repriced")
        terms = state.obligations[oid].terms
        if len(terms.line_ids) > 1:
            raise RevenueRefused(f"{oid} is a bundle: reprice it as a whole", field="repriced")
        deltas[oid] = line.net - terms.price
    return deltas


@dataclass(frozen=True)
class _Change:
    added: Sequence[ObligationTerms]
    removed: Sequence[str]
    change: Money  # of the whole contract's price
    existing_change: Money  # of the price of what was there before
    repriced_by: Money  # of the price of what stays
    targets: Sequence[str]  # over-time obligations in progress that the change is part of
    on: date
    cause: str


def _separate(ch: _Change) -> Changes:
    if ch.removed or ch.existing_change.amount or not ch.added:
        raise RevenueRefused(
            "a separate contract only adds goods: it cannot remove or reprice", field="override"
        )
    price = total([t.price for t in ch.added], ch.change.currency)
    shares = allocate_price(price, [candidate(t) for t in ch.added])
    return [
        (s.obligation_id, Component(amount=s.amount, since=ch.on, cause=ch.cause)) for s in shares
    ]


def _prospective(state: ContractState, ch: _Change) -> Changes:
    """The remaining contract re-allocated (repricing is in the change of price); a removed
    obligation keeps what it earned and hands the rest to the others."""
    changes: Changes = []
    handed_over = Money.zero(state.currency)
    for oid in ch.removed:
        revenue = state.obligations[oid].revenue(state.currency)
        changes += _closed(revenue, ch.on, ch.cause)
        handed_over = handed_over + revenue.allocated() - revenue.recognised_before(ch.on)
    kept = [o for oid, o in state.obligations.items() if not o.removed and oid not in ch.removed]
    remaining, fresh = prospective(
        [o.revenue(state.currency) for o in kept],
        remaining_ssp=[o.weight for o in kept],
        added=[_fresh(t, state.currency) for t in ch.added],
        added_ssp=[weight_of(t) for t in ch.added],
        change=ch.change + handed_over,
        on=ch.on,
        cause=ch.cause,
    )
    return changes + [(r.obligation_id, r.components[-1]) for r in (*remaining, *fresh)]


def _catch_up(state: ContractState, ch: _Change) -> Changes:
    if ch.added:
        raise RevenueRefused(
            "goods that are not distinct join an existing obligation: change its price "
            "instead of adding lines, or classify the change otherwise",
            field="added",
        )
    changes: Changes = []
    for oid in ch.removed:  # what was earned stays; the rest leaves the contract
        revenue = state.obligations[oid].revenue(state.currency)
        changes += _closed(revenue, ch.on, ch.cause)
    names = list(ch.targets) or [
        oid for oid, o in state.obligations.items() if not o.removed and oid not in ch.removed
    ]
    if not names:
        raise RevenueRefused("nothing is left to take the change", field="removed")
    revenues = [state.obligations[oid].revenue(state.currency) for oid in names]
    weights = [state.obligations[oid].weight for oid in names]
    changed = reestimate(revenues, ch.repriced_by, weights, ch.on, ch.cause)
    return changes + [(r.obligation_id, r.components[-1]) for r in changed]


def _closed(revenue: ObligationRevenue, on: date, cause: str) -> Changes:
    """An obligation closed at what it has earned: the rest of its price leaves it."""
    kept = revenue.recognised_before(on) - revenue.allocated()
    return [(revenue.obligation_id, Component(amount=kept, since=on, earning=Earning.PROSPECTIVE,
                                              cause=cause))]  # fmt: skip


def _fresh(terms: ObligationTerms, currency: str) -> ObligationRevenue:
    return ObligationState(terms=terms, weight=weight_of(terms)).revenue(currency)
