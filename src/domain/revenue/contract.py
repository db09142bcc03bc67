"""The revenue contract: one per signed order, its obligations and the facts that earn them.

Commands carry everything a decision needs (the order's lines, the rules in
force, dates): the decider stays pure. Events are the facts finance books from;
the revenue figures are computed from them, so any figure can be re-derived
from the log and traced to the events that moved it.

Business dates are the calendar dates of the business times given, in their
own UTC offsets (a shipment at 2026-01-31T23:30+08:00 is January revenue).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.order.events import LineKind, OrderLine
from domain.revenue.allocation import Allocated, DiscountRule
from domain.revenue.calendar import add_months
from domain.revenue.modification import Treatment
from domain.revenue.progress import (
    ONE,
    Pattern,
    Progress,
    Ratable,
    Satisfaction,
    Term,
    steps,
)
from domain.revenue.recognition import Component, ObligationRevenue
from domain.revenue.terms import Bundle
from domain.revenue.variable import VariableConsideration
from domain.shared import DomainError, Money, Name

_CONTRACTS = uuid5(NAMESPACE_URL, "urn:orderhub:revenue-contracts")


def contract_id_for(order_id: UUID) -> UUID:
    """One revenue contract per order; a separate contract from a change gets its own."""
    return uuid5(_CONTRACTS, str(order_id))


class RevenueRefused(DomainError):
    rule = "revenue_refused"


class Fulfilment(StrEnum):
    SHIPMENT = "shipment"  # by line quantities
    ACCEPTANCE = "acceptance"
    LICENCE_AVAILABLE = "licence_available"
    TRAINING_DELIVERED = "training_delivered"  # by line quantities
    SERVICE_STARTED = "service_started"  # provisioning: a ratable term starts
    COSTS_REPORTED = "costs_reported"  # input method
    MILESTONE_REACHED = "milestone_reached"
    COMPLETED = "completed"  # an over-time obligation finished early


class LineQuantity(msgspec.Struct, frozen=True, kw_only=True):
    line_id: Name
    quantity: Decimal


class ObligationTerms(msgspec.Struct, frozen=True, kw_only=True):
    """A performance obligation as identified: its lines, pattern and SSP."""

    obligation_id: str
    line_ids: tuple[str, ...]
    kind: LineKind
    satisfaction: Satisfaction
    ssp: Money | None  # None: valued by the residual approach
    price: Money  # its lines' net price (what the customer pays for them)
    quantity: Decimal
    term_start: date | None = None
    term_months: int | None = None


# -- commands ------------------------------------------------------------------


class IdentifyContract(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    customer_id: Name
    contract_number: Name
    currency: str
    signed_on: date
    lines: tuple[OrderLine, ...]
    by_kind: dict[LineKind, Satisfaction]  # the rules in force
    rules_version: int = 0
    patterns: dict[str, Satisfaction] = msgspec.field(default_factory=dict)  # per line
    bundles: tuple[Bundle, ...] = ()
    residual: tuple[str, ...] = ()  # lines whose SSP is highly variable
    discounts: tuple[DiscountRule, ...] = ()
    variable: tuple[VariableConsideration, ...] = ()


class RecordFulfilment(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    fact: Fulfilment
    on: date
    lines: tuple[LineQuantity, ...] = ()  # shipment, training: quantities this time
    obligation_id: str = ""  # costs, milestones, completion, a service start
    incurred: Decimal | None = None  # costs to date
    estimated_total: Decimal | None = None  # latest estimate of total costs
    milestone_id: str = ""
    source: str = ""  # e.g. the shipment id


class ReestimateVariable(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    consideration: VariableConsideration
    on: date


class ModifyContract(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    on: date
    added: tuple[OrderLine, ...] = ()
    removed: tuple[str, ...] = ()
    repriced: tuple[OrderLine, ...] = ()  # the lines as they are now
    by_kind: dict[LineKind, Satisfaction] = msgspec.field(default_factory=dict)
    added_distinct: bool = True
    ssp_tolerance: Decimal = Decimal(0)
    override: Treatment | None = None  # finance overrides the rule ...
    reason: str = ""  # ... and says why


class TerminateContract(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The contract ends (the order was cancelled after signing): what its obligations
    earned by the end of `last_day` stays, nothing more is earned."""

    last_day: date
    reason: str


RevenueCommand = (
    IdentifyContract | RecordFulfilment | ReestimateVariable | ModifyContract | TerminateContract
)


# -- events --------------------------------------------------------------------


class ContractIdentified(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    customer_id: str
    contract_number: str
    currency: str
    identified_on: date
    obligations: tuple[ObligationTerms, ...]
    fixed_price: Money
    variable: tuple[VariableConsideration, ...]
    transaction_price: Money
    discounts: tuple[DiscountRule, ...]
    allocation: tuple[Allocated, ...]
    rules_version: int


class ProgressRecorded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    fact: Fulfilment
    on: date
    obligations: tuple[str, ...]  # those it moved
    lines: tuple[LineQuantity, ...] = ()
    obligation_id: str = ""
    incurred: Decimal | None = None
    estimated_total: Decimal | None = None
    milestone_id: str = ""
    source: str = ""


class VariableReestimated(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    consideration: VariableConsideration
    on: date
    change: Money
    shares: tuple[Allocated, ...]  # the change, by obligation, on the original basis


class ObligationChange(msgspec.Struct, frozen=True, kw_only=True):
    obligation_id: str
    component: Component


class ContractModified(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    on: date
    treatment: Treatment
    by_rule: Treatment
    reason: str
    change: Money  # of the contract's price
    added: tuple[ObligationTerms, ...]
    removed: tuple[str, ...]
    components: tuple[ObligationChange, ...]


class ContractTerminated(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    last_day: date
    reason: str
    components: tuple[ObligationChange, ...]  # each open obligation's price cut to its earnings


RevenueEvent = (
    ContractIdentified
    | ProgressRecorded
    | VariableReestimated
    | ContractModified
    | ContractTerminated
)


# -- state ---------------------------------------------------------------------


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
