"""`decide` and `evolve` for the revenue contract."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import assert_never

from msgspec.structs import replace

from domain.order.events import LineKind, OrderLine
from domain.revenue.allocation import Allocated, Basis, Candidate, allocate_price
from domain.revenue.calendar import day_after, day_before
from domain.revenue.contract import (
    ContractIdentified,
    ContractModified,
    ContractState,
    ContractTerminated,
    Fulfilment,
    IdentifyContract,
    ModifyContract,
    ObligationChange,
    ObligationState,
    ObligationTerms,
    ProgressRecorded,
    RecordFulfilment,
    ReestimateVariable,
    RevenueCommand,
    RevenueEvent,
    RevenueRefused,
    TerminateContract,
    VariableReestimated,
)
from domain.revenue.modification import AddedGoods, Treatment, classify
from domain.revenue.progress import (
    ONE,
    Pattern,
    Satisfaction,
    Trigger,
)
from domain.revenue.recognition import (
    Component,
    Earning,
    ObligationRevenue,
    prospective,
    reestimate,
)
from domain.revenue.rules import DEFAULT_SATISFACTION
from domain.revenue.terms import Bundle
from domain.revenue.variable import transaction_price
from domain.shared import Money, total

_TRIGGER_OF = {
    Fulfilment.SHIPMENT: Trigger.SHIPMENT,
    Fulfilment.ACCEPTANCE: Trigger.ACCEPTANCE,
    Fulfilment.LICENCE_AVAILABLE: Trigger.LICENCE_AVAILABLE,
    Fulfilment.TRAINING_DELIVERED: Trigger.TRAINING_DELIVERED,
}
_OVER_TIME_NOT_DISTINCT = frozenset({Pattern.INPUT_METHOD, Pattern.MILESTONES})


def decide(command: RevenueCommand, state: ContractState) -> list[RevenueEvent]:
    match command:
        case IdentifyContract():
            if state.exists:
                raise RevenueRefused(
                    f"the contract of order {command.order_id} was identified already",
                    field="order_id",
                )
            return [_identify(command)]
        case RecordFulfilment():
            _must_be_in_force(state)
            return _fulfil(command, state)
        case ReestimateVariable():
            _must_be_in_force(state)
            return [_reestimate(command, state)]
        case ModifyContract():
            _must_be_in_force(state)
            return [_modify(command, state)]
        case TerminateContract():
            _must_be_in_force(state)
            return [_terminate(command, state)]
        case _:
            assert_never(command)


def _must_be_in_force(state: ContractState) -> None:
    if not state.exists:
        raise RevenueRefused("no revenue contract: the order is not signed", field="order_id")
    if state.terminated_on is not None:
        raise RevenueRefused(
            f"the contract was terminated: its last day was {state.terminated_on}",
            field="order_id",
        )


# -- termination -----------------------------------------------------------------


def _terminate(command: TerminateContract, state: ContractState) -> ContractTerminated:
    """Every open obligation closed at what it earned by the end of the last day."""
    assert state.identified_on is not None
    ends = day_after(command.last_day)
    # The allocation is dated the day of signing: the latest component is the last change.
    changed = max(c.since for o in state.obligations.values() for c in o.components)
    if ends <= state.identified_on or ends < changed:
        raise RevenueRefused(
            f"the last day {command.last_day} comes before the contract's signing or its "
            f"last change ({changed})",
            field="last_day",
        )
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


# -- identification ------------------------------------------------------------


def _identify(command: IdentifyContract) -> ContractIdentified:
    currency = command.currency
    if not command.lines:
        raise RevenueRefused("a contract needs at least one line", field="lines")
    obligations = _obligations(command.lines, command, residual=set(command.residual))
    fixed = total([line.net for line in command.lines], currency)
    price = transaction_price(fixed, command.variable)
    candidates = [_candidate(o) for o in obligations]
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


def _candidate(terms: ObligationTerms) -> Candidate:
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
            pattern = command.patterns.get(line.line_id) or _pattern(line, command.by_kind)
            terms.append(_terms(line.line_id, [line], pattern, residual))
        elif bundle.obligation_id not in seen:
            seen.add(bundle.obligation_id)
            members = [by_id[i] for i in bundle.line_ids]
            terms.append(_terms(bundle.obligation_id, members, bundle.satisfaction, residual))
    return terms


def _pattern(line: OrderLine, by_kind: dict[LineKind, Satisfaction]) -> Satisfaction:
    return line.revenue or by_kind.get(line.kind) or DEFAULT_SATISFACTION[line.kind]


def _terms(
    obligation_id: str, lines: Sequence[OrderLine], satisfaction: Satisfaction, residual: set[str]
) -> ObligationTerms:
    currency = lines[0].unit_price.currency
    field = f"obligations.{obligation_id}"
    _check_satisfaction(satisfaction, lines, field)
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


def _check_satisfaction(s: Satisfaction, lines: Sequence[OrderLine], field: str) -> None:
    problem = s.problem(has_term=any(line.term_months for line in lines))
    if problem is not None:
        raise RevenueRefused(problem, field=field)


# -- fulfilment ----------------------------------------------------------------


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
            estimated_total=command.estimated_total,
            milestone_id=command.milestone_id,
            source=command.source,
        )
    ]


def _moved(command: RecordFulfilment, state: ContractState) -> list[str]:
    """The obligations `command` moves (and it is refused if it names what is not there)."""
    fact = command.fact
    if fact in (Fulfilment.SHIPMENT, Fulfilment.TRAINING_DELIVERED):
        known = {i for o in state.obligations.values() for i in o.terms.line_ids}
        unknown = [q.line_id for q in command.lines if q.line_id not in known]
        if unknown or not command.lines or any(q.quantity <= 0 for q in command.lines):
            raise RevenueRefused(
                f"{fact.value} needs positive quantities of this contract's lines "
                f"(unknown: {unknown})",
                field="lines",
            )
        lines = {q.line_id for q in command.lines}
        return [
            oid for oid, o in state.obligations.items()
            if _triggered(o, fact) and lines & set(o.terms.line_ids)
        ]  # fmt: skip
    if fact in (Fulfilment.ACCEPTANCE, Fulfilment.LICENCE_AVAILABLE):
        named = [command.obligation_id] if command.obligation_id else list(state.obligations)
        return [oid for oid in named if _triggered(_obligation(state, oid), fact)]
    obligation = _obligation(state, command.obligation_id)
    pattern = obligation.terms.satisfaction.pattern
    wanted = {
        Fulfilment.SERVICE_STARTED: {Pattern.RATABLE},
        Fulfilment.COSTS_REPORTED: {Pattern.INPUT_METHOD},
        Fulfilment.MILESTONE_REACHED: {Pattern.MILESTONES},
        Fulfilment.COMPLETED: {Pattern.RATABLE, Pattern.INPUT_METHOD, Pattern.MILESTONES},
    }[fact]
    if pattern not in wanted:
        raise RevenueRefused(
            f"{command.obligation_id} is earned {pattern.value}, not by {fact.value}",
            field="fact",
        )
    if fact is Fulfilment.COSTS_REPORTED and (
        command.incurred is None
        or command.estimated_total is None
        or command.incurred < 0
        or command.estimated_total <= 0
    ):
        raise RevenueRefused(
            "costs need incurred (0 or more) and an estimated total above 0", field="incurred"
        )
    if fact is Fulfilment.MILESTONE_REACHED:
        ids = {m.milestone_id for m in obligation.terms.satisfaction.milestones}
        if command.milestone_id not in ids:
            raise RevenueRefused(
                f"{command.obligation_id} has no milestone {command.milestone_id!r}",
                field="milestone_id",
            )
        if command.milestone_id in {m for m, _ in obligation.reached}:
            return []
    return [command.obligation_id]


def _triggered(obligation: ObligationState, fact: Fulfilment) -> bool:
    s = obligation.terms.satisfaction
    return (
        not obligation.removed
        and s.pattern is Pattern.POINT_IN_TIME
        and s.trigger is _TRIGGER_OF[fact]
    )


def _obligation(state: ContractState, obligation_id: str) -> ObligationState:
    found = state.obligations.get(obligation_id)
    if found is None or found.removed:
        raise RevenueRefused(f"no obligation {obligation_id!r}", field="obligation_id")
    return found


# -- variable consideration ----------------------------------------------------


def _reestimate(command: ReestimateVariable, state: ContractState) -> VariableReestimated:
    new = command.consideration
    new.check(state.currency)
    old = state.variable.get(new.name)
    change = new.included() - (old.included() if old else Money.zero(state.currency))
    price = state.transaction_price() + change
    if price.amount < 0:
        raise RevenueRefused(f"the re-estimate takes the price below zero ({price})", field="name")
    open_ = [o for o in state.obligations.values() if not o.removed]
    if not open_:
        raise RevenueRefused("every obligation was removed: nothing takes the change", field="name")
    revenues = [o.revenue(state.currency) for o in open_]
    weights = [o.weight for o in open_]
    cause = f"re-estimate of {new.name}"
    changed = reestimate(revenues, change, weights, command.on, cause)
    _never_negative(state, [(r.obligation_id, r.components[-1]) for r in changed])
    shares = tuple(
        Allocated(obligation_id=r.obligation_id, ssp=o.terms.ssp,
                  amount=r.components[-1].amount, basis=Basis.RELATIVE_SSP)
        for r, o in zip(changed, open_, strict=True)
    )  # fmt: skip
    return VariableReestimated(consideration=new, on=command.on, change=change, shares=shares)


# -- modification --------------------------------------------------------------


def _modify(command: ModifyContract, state: ContractState) -> ContractModified:
    if command.revision <= state.revision:
        raise RevenueRefused(
            f"revision {command.revision} is not after {state.revision}", field="revision"
        )
    if command.override is not None and not command.reason.strip():
        raise RevenueRefused("overriding the rule needs finance's reason", field="reason")
    currency = state.currency
    removed = _removed(command.removed, state)
    repricing = _repricing(command.repriced, state)
    added = [
        _terms(line.line_id, [line], _pattern(line, command.by_kind), set())
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
    _never_negative(state, components)
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


def _never_negative(state: ContractState, changes: Sequence[tuple[str, Component]]) -> None:
    """No obligation may end up with a negative price, nor the contract."""
    after = {oid: o.revenue(state.currency).allocated() for oid, o in state.obligations.items()}
    for oid, component in changes:
        after[oid] = after.get(oid, Money.zero(state.currency)) + component.amount
    below = sorted(oid for oid, amount in after.items() if amount.amount < 0)
    if below:
        raise RevenueRefused(
            f"the change leaves a negative price on {', '.join(below)}", field="change"
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


Changes = list[tuple[str, Component]]


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
    shares = allocate_price(price, [_candidate(t) for t in ch.added])
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
        added_ssp=[_candidate_weight(t) for t in ch.added],
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
    return ObligationState(terms=terms, weight=_candidate_weight(terms)).revenue(currency)


def _candidate_weight(terms: ObligationTerms) -> Decimal:
    return (terms.ssp or terms.price).amount


# -- evolve ----------------------------------------------------------------------


def evolve(state: ContractState, event: RevenueEvent) -> ContractState:
    version = state.version + 1
    match event:
        case ContractIdentified():
            amounts = {a.obligation_id: a.amount for a in event.allocation}
            obligations = {
                t.obligation_id: ObligationState(
                    terms=t,
                    weight=_candidate_weight(t),
                    components=(Component(amount=amounts[t.obligation_id],
                                          since=event.identified_on, cause="allocation"),),
                )
                for t in event.obligations
            }  # fmt: skip
            return replace(
                state, version=version, order_id=event.order_id, customer_id=event.customer_id,
                contract_number=event.contract_number, currency=event.currency,
                identified_on=event.identified_on, obligations=obligations,
                variable={v.name: v for v in event.variable})  # fmt: skip
        case ProgressRecorded():
            obligations = dict(state.obligations)
            for oid in event.obligations:
                obligations[oid] = _progressed(obligations[oid], event)
            return replace(state, version=version, obligations=obligations)
        case VariableReestimated():
            cause = f"re-estimate of {event.consideration.name}"
            obligations = _changed(dict(state.obligations), (
                ObligationChange(obligation_id=share.obligation_id,
                                 component=Component(amount=share.amount, since=event.on,
                                                     cause=cause))
                for share in event.shares))  # fmt: skip
            variable = {**state.variable, event.consideration.name: event.consideration}
            return replace(state, version=version, obligations=obligations, variable=variable)
        case ContractModified():
            obligations = dict(state.obligations)
            for t in event.added:
                obligations[t.obligation_id] = ObligationState(terms=t, weight=_candidate_weight(t))
            for oid in event.removed:
                obligations[oid] = replace(obligations[oid], removed=True)
            return replace(state, version=version, revision=event.revision,
                           obligations=_changed(obligations, event.components))  # fmt: skip
        case ContractTerminated():
            obligations = _changed(dict(state.obligations), event.components)
            return replace(state, version=version, obligations=obligations,
                           terminated_on=event.last_day)  # fmt: skip
        case _:
            assert_never(event)


def _changed(
    obligations: dict[str, ObligationState], changes: Iterable[ObligationChange]
) -> dict[str, ObligationState]:
    """`obligations` (a copy the caller owns) with each change's component appended."""
    for change in changes:
        o = obligations[change.obligation_id]
        obligations[change.obligation_id] = replace(o, components=(*o.components, change.component))
    return obligations


def _progressed(o: ObligationState, event: ProgressRecorded) -> ObligationState:
    match event.fact:
        case Fulfilment.SHIPMENT | Fulfilment.TRAINING_DELIVERED:
            mine = set(o.terms.line_ids)
            quantity = sum((q.quantity for q in event.lines if q.line_id in mine), Decimal(0))
            return replace(o, deliveries=(*o.deliveries, (event.on, quantity)))
        case Fulfilment.SERVICE_STARTED:
            return replace(o, started=event.on)
        case Fulfilment.COSTS_REPORTED:
            assert event.incurred is not None
            assert event.estimated_total is not None
            fraction = min(event.incurred / event.estimated_total, ONE)
            return replace(o, points=(*o.points, (event.on, fraction)))
        case Fulfilment.MILESTONE_REACHED:
            return replace(o, reached=(*o.reached, (event.milestone_id, event.on)))
        case _:  # acceptance, the licence made available, completion
            return replace(o, points=(*o.points, (event.on, ONE)))
