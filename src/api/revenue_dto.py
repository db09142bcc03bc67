"""The revenue API's request and response bodies: fulfilment facts, re-estimates of
variable consideration, period close, and contracts with their bookings and balances."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from api.order_dto import Accepted
from application.intake import Amount, Aware, Name, Quantity, check_decimal
from domain.contract_terms import Satisfaction
from domain.order.events import LineKind
from domain.revenue import (
    Fulfilment,
    LineQuantity,
    RecordFulfilment,
    ReestimateVariable,
)
from domain.revenue.variable import Method, Outcome, VariableConsideration
from domain.shared import Money

Month = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


class LineQuantityIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    line_id: Name
    quantity: Quantity

    def __post_init__(self) -> None:
        check_decimal(self.quantity, "quantity", positive=True)


class FulfilmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A fact that earns revenue. Shipments and acceptance come from the order itself."""

    fact: Literal[
        "licence_available", "training_delivered", "service_started", "costs_reported",
        "milestone_reached", "completed",
    ]  # fmt: skip
    on: date
    lines: list[LineQuantityIn] = msgspec.field(default_factory=list)  # training
    obligation_id: str = ""
    incurred: Amount | None = None  # costs to date
    estimated_total: Amount | None = None  # latest estimate of total costs
    # Of `incurred`, uninstalled materials (control passed, not yet installed): at cost.
    uninstalled: Amount | None = None
    milestone_id: str = ""
    source: Annotated[str, msgspec.Meta(max_length=200)] = ""

    def __post_init__(self) -> None:
        for name in ("incurred", "estimated_total", "uninstalled"):
            value = getattr(self, name)
            if value is not None:
                check_decimal(value, name)

    def to_command(self) -> RecordFulfilment:
        return RecordFulfilment(
            fact=Fulfilment(self.fact), on=self.on,
            lines=tuple(LineQuantity(line_id=q.line_id, quantity=q.quantity) for q in self.lines),
            obligation_id=self.obligation_id, incurred=self.incurred,
            estimated_total=self.estimated_total, milestone_id=self.milestone_id,
            uninstalled=self.uninstalled,
            source=self.source,
        )  # fmt: skip


class OutcomeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: Annotated[Decimal, msgspec.Meta(description="negative for a penalty")]
    probability: Decimal

    def __post_init__(self) -> None:
        check_decimal(self.amount, "amount", signed=True)
        check_decimal(self.probability, "probability")


class VariableIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    method: Method
    outcomes: Annotated[list[OutcomeIn], msgspec.Meta(min_length=1, max_length=50)]
    constraint: Amount | None = None  # the most to include, with finance's reason
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    on: date

    def __post_init__(self) -> None:
        if self.constraint is not None:
            check_decimal(self.constraint, "constraint")

    def to_command(self, currency: str) -> ReestimateVariable:
        part = VariableConsideration(
            name=self.name, method=self.method,
            outcomes=tuple(Outcome(amount=Money(amount=o.amount, currency=currency),
                                   probability=o.probability) for o in self.outcomes),
            constraint=None if self.constraint is None else Money(amount=self.constraint,
                                                                  currency=currency),
            reason=self.reason,
        )  # fmt: skip
        return ReestimateVariable(consideration=part, on=self.on)


class CloseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    month: Month
    at: Aware | None = None
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""

    def __post_init__(self) -> None:
        self.first_day()  # year 0000 matches the pattern but is no date

    def first_day(self) -> date:
        try:
            return date.fromisoformat(f"{self.month}-01")
        except ValueError as error:
            raise ValueError(f"month {self.month!r} is not a month: {error}") from error


class ObligationOut(msgspec.Struct, kw_only=True):
    obligation_id: str
    kind: str
    pattern: str
    line_ids: list[str]
    ssp: str | None  # None: valued by the residual approach
    allocated: str
    recognised: str  # booked through the month of `as_of`
    remaining: str
    removed: bool


class CarveOut(msgspec.Struct, kw_only=True):
    """One obligation at inception: what the customer pays for it, the SSP it was valued
    at and why, what the allocation gave it, and the difference (carve-in > 0: revenue
    moved to it from the others; carve-out < 0: moved away)."""

    obligation_id: str
    line_ids: list[str]
    price: str
    ssp: str | None  # None: valued by the residual approach
    ssp_basis: list[str]
    allocation_basis: str
    allocated: str
    carve: str
    direction: str  # carve-in, carve-out or none


class ContractOut(msgspec.Struct, kw_only=True):
    order_id: UUID
    contract_id: UUID
    contract_number: str
    customer_id: str
    currency: str
    identified_on: date
    terminated_on: date | None  # the last day of a contract ended by a cancellation
    as_of: date
    transaction_price: str
    obligations: list[ObligationOut]


class BookingOut(msgspec.Struct, kw_only=True):
    obligation_id: str
    month: str  # YYYY-MM
    regular: str
    adjustment: str
    amount: str


class BalanceOut(msgspec.Struct, kw_only=True):
    month: str  # YYYY-MM
    opening: str
    billed: str
    recognised: str
    closing: str
    liability: str  # deferred revenue
    asset: str  # unbilled


class KnownOut(msgspec.Struct, kw_only=True):
    order_id: UUID
    at: datetime
    version: int  # of the contract, as known then
    transaction_price: str
    bookings: list[BookingOut]
    balances: list[BalanceOut]


class PatternsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    by_kind: dict[LineKind, Satisfaction]

    def __post_init__(self) -> None:
        for pattern in self.by_kind.values():
            for milestone in pattern.milestones:
                check_decimal(milestone.share, "share")


class PatternsOut(msgspec.Struct, kw_only=True):
    version: int  # 0: the defaults, never published
    by_kind: dict[LineKind, Satisfaction]


class PeriodsOut(msgspec.Struct, kw_only=True):
    closed_through: str | None  # YYYY-MM
    soft_closed_through: str | None = None  # YYYY-MM, while past the last closed month
    warnings: list[str] = msgspec.field(default_factory=list)  # one for each soft-closed month


class ReopenIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    month: Month
    reason: Annotated[str, msgspec.Meta(max_length=2000)]

    def __post_init__(self) -> None:
        self.first_day()

    def first_day(self) -> date:
        return CloseIn(month=self.month).first_day()


class ReopenRequested(Accepted, kw_only=True):
    request_id: int  # approve it at /revenue/periods/reopen-requests/{request_id}/approve


class Booked(Accepted, kw_only=True):
    # e.g. that the fact books in a soft-closed month
    warnings: list[str] = msgspec.field(default_factory=list)
