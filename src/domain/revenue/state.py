"""The revenue contract's state, and `evolve`: its obligations and the facts that earn them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.contract_terms import Pattern
from domain.revenue.calendar import add_months
from domain.revenue.costs import ContractCost
from domain.revenue.events import (
    ContractCostRecorded,
    ContractIdentified,
    ContractModified,
    ContractTerminated,
    Fulfilment,
    ObligationChange,
    ObligationTerms,
    ProgressRecorded,
    RevenueEvent,
    VariableReestimated,
)
from domain.revenue.progress import ONE, Progress, Ratable, Term, steps
from domain.revenue.recognition import Component, ObligationRevenue
from domain.revenue.variable import VariableConsideration
from domain.shared import Money


class ObligationState(msgspec.Struct, frozen=True, kw_only=True):
    terms: ObligationTerms
    weight: Decimal  # the SSP it was allocated on: the basis for re-estimates
    components: tuple[Component, ...] = ()
    points: tuple[tuple[date, Decimal], ...] = ()  # costs; acceptance, licence, completion
    deliveries: tuple[tuple[date, Decimal], ...] = ()  # quantities shipped or trained
    reached: tuple[tuple[str, date], ...] = ()  # milestones
    started: date | None = None  # ratable: the service start
    removed: bool = False

    def progress(self) -> Progress:
        """Progress from the facts, each counted from its own date whatever the order they
        were recorded in."""
        points = list(self.points)
        done = Decimal(0)
        for day, quantity in sorted(self.deliveries, key=lambda d: d[0]):
            done += quantity
            points.append(
                (day, min(done / self.terms.quantity, ONE) if self.terms.quantity else ONE)
            )
        shares = {m.milestone_id: m.share for m in self.terms.satisfaction.milestones}
        reached = Decimal(0)
        for milestone_id, day in sorted(self.reached, key=lambda r: r[1]):
            reached += shares[milestone_id]
            points.append((day, reached))
        if self.terms.satisfaction.pattern is not Pattern.RATABLE:
            return steps(points)
        start = self.started or self.terms.term_start
        completed = [p for p in points if p[1] >= ONE]
        if start is None:
            return steps(completed)
        end = add_months(start, self.terms.term_months or 12)
        terms = [Term(known_from=start, start=start, end=end)]
        # Finished early: the rest of the term is earned on that day.
        terms += [Term(known_from=d, start=min(start, d), end=d) for d, _ in sorted(completed)]
        return Ratable(terms=tuple(terms))

    def revenue(self, currency: str) -> ObligationRevenue:
        return ObligationRevenue(
            obligation_id=self.terms.obligation_id,
            currency=currency,
            progress=self.progress(),
            components=self.components,
        )


class ContractState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    order_id: UUID | None = None
    customer_id: str = ""
    contract_number: str = ""
    currency: str = "CNY"
    identified_on: date | None = None
    obligations: dict[str, ObligationState] = msgspec.field(default_factory=dict)
    variable: dict[str, VariableConsideration] = msgspec.field(default_factory=dict)
    revision: int = 0
    terminated_on: date | None = None  # its last day, once terminated
    costs: dict[str, ContractCost] = msgspec.field(default_factory=dict)  # to obtain it

    @property
    def exists(self) -> bool:
        return self.version > 0

    def revenues(self) -> tuple[ObligationRevenue, ...]:
        return tuple(o.revenue(self.currency) for o in self.obligations.values())

    def transaction_price(self) -> Money:
        total = Money.zero(self.currency)
        for o in self.obligations.values():
            for c in o.components:
                total = total + c.amount
        return total


INITIAL = ContractState()


def weight_of(terms: ObligationTerms) -> Decimal:
    """What an obligation weighs when a change of price is spread: its SSP, or its price
    when its SSP is highly variable."""
    return (terms.ssp or terms.price).amount


def evolve(state: ContractState, event: RevenueEvent) -> ContractState:
    version = state.version + 1
    match event:
        case ContractIdentified():
            amounts = {a.obligation_id: a.amount for a in event.allocation}
            obligations = {
                t.obligation_id: ObligationState(
                    terms=t,
                    weight=weight_of(t),
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
                obligations[t.obligation_id] = ObligationState(terms=t, weight=weight_of(t))
            for oid in event.removed:
                obligations[oid] = replace(obligations[oid], removed=True)
            return replace(state, version=version, revision=event.revision,
                           obligations=_changed(obligations, event.components))  # fmt: skip
        case ContractTerminated():
            obligations = _changed(dict(state.obligations), event.components)
            return replace(state, version=version, obligations=obligations,
                           terminated_on=event.last_day)  # fmt: skip
        case ContractCostRecorded(cost=cost):
            return replace(state, version=version, costs={**state.costs, cost.cost_id: cost})
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


def _cost_fraction(o: ObligationState, event: ProgressRecorded) -> Decimal:
    """Input method: costs incurred over the estimated total. Uninstalled materials whose
    control passed before installation do not depict progress: they are left out of both
    and recognised at their cost, with no margin (ASC 606-10-55-21) - as a fraction of
    the price allocated then: (U + (A - U) x p) / A."""
    assert event.incurred is not None
    assert event.estimated_total is not None
    uninstalled = event.uninstalled or Decimal(0)
    progress = (event.incurred - uninstalled) / (event.estimated_total - uninstalled)
    if not uninstalled:
        return min(progress, ONE)
    allocated = sum((c.amount.amount for c in o.components), Decimal(0))
    if allocated <= 0:
        return min(progress, ONE)
    at_cost = min(uninstalled / allocated, ONE)
    return min(at_cost + (ONE - at_cost) * progress, ONE)


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
            return replace(o, points=(*o.points, (event.on, _cost_fraction(o, event))))
        case Fulfilment.MILESTONE_REACHED:
            return replace(o, reached=(*o.reached, (event.milestone_id, event.on)))
        case _:  # acceptance, the licence made available, completion
            return replace(o, points=(*o.points, (event.on, ONE)))
