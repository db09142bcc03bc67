"""The revenue contract's events: the facts finance books from.

The revenue figures are computed from them, so any figure can be re-derived
from the log and traced to the events that moved it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.contract_terms import DiscountRule, Satisfaction, Treatment
from domain.order.events import LineKind
from domain.revenue.allocation import Allocated
from domain.revenue.costs import ContractCost
from domain.revenue.recognition import Component
from domain.revenue.variable import VariableConsideration
from domain.shared import Money, Name


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
    ssp_basis: tuple[str, ...] = ()  # per line: which SSP was used and why


class ObligationChange(msgspec.Struct, frozen=True, kw_only=True):
    obligation_id: str
    component: Component


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
    # Of `incurred`, uninstalled materials whose control passed before installation:
    # left out of progress and recognised at their cost (ASC 606-10-55-21).
    uninstalled: Decimal | None = None


class VariableReestimated(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    consideration: VariableConsideration
    on: date
    change: Money
    shares: tuple[Allocated, ...]  # the change, by obligation, on the original basis


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


class ContractCostRecorded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A cost to obtain the contract, with its treatment and why (ASC 340-40)."""

    cost: ContractCost


RevenueEvent = (
    ContractIdentified
    | ProgressRecorded
    | VariableReestimated
    | ContractModified
    | ContractTerminated
    | ContractCostRecorded
)
