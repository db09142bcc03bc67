"""The revenue contract's commands: one contract per signed order.

Commands carry everything a decision needs (the order's lines, the rules in
force, dates), so the decider stays pure.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.contract_terms import Bundle, DiscountRule, Satisfaction, Treatment
from domain.order.events import LineKind, OrderLine
from domain.revenue.events import Fulfilment, LineQuantity
from domain.revenue.variable import VariableConsideration
from domain.shared import Money, Name

_CONTRACTS = uuid5(NAMESPACE_URL, "urn:orderhub:revenue-contracts")


def contract_id_for(order_id: UUID) -> UUID:
    """One revenue contract per order; a separate contract from a change gets its own."""
    return uuid5(_CONTRACTS, str(order_id))


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
    source: str = ""
    uninstalled: Decimal | None = (
        None  # costs: of `incurred`, uninstalled materials  # e.g. the shipment id
    )


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


class RecordContractCost(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """An incremental cost of obtaining the contract (a sales commission): capitalised and
    amortised with the revenue of `obligations` (all, if none), or expensed at once under
    the one-year practical expedient when `expedient` (the company's setting) allows."""

    cost_id: Name
    amount: Money
    incurred_on: date
    description: Name
    obligations: tuple[str, ...] = ()
    expedient: bool = True


RevenueCommand = (
    IdentifyContract
    | RecordFulfilment
    | ReestimateVariable
    | ModifyContract
    | TerminateContract
    | RecordContractCost
)
