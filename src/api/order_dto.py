"""Request and response bodies of the order routes: the API's contract, not the events.

Unknown fields are refused, so a typo is an error rather than a silently
dropped value. Prices on lines are decimals in the order's currency. What an
order's capture is given (`PlaceOrderIn`) is the application's, shared with the
spreadsheet imports.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar.params import Parameter

from application.intake import (
    Amount,
    Aware,
    In,
    LineIn,
    Name,
    Quantity,
    Text,
    check_decimal,
)
from domain.contract_terms import Classification
from domain.order import commands as cmd
from domain.order.events import LineRepricing, Severity, ShippedQuantity
from domain.personal import ContactPerson
from domain.rulebook import ApprovalRules, WorkflowRules
from domain.shared import Money
from domain.stages import Stage


class ContactIn(In, kw_only=True, forbid_unknown_fields=True):
    contact: ContactPerson
    at: Aware


class ContactOut(msgspec.Struct, kw_only=True):
    """A contact read back through the keyring; all None and `erased` once shredded."""

    name: str | None
    phone: str | None
    email: str | None
    erased: bool
    withheld: bool = False  # True: this viewer's role does not see contacts


class ApproveIn(In, kw_only=True, forbid_unknown_fields=True):
    """Given by the token's user; `approver`, if sent, must be that user."""

    at: Aware
    role: Name | None = None  # the position approving in (default: the one awaited next)
    approver: Name | None = None


class RejectIn(In, kw_only=True, forbid_unknown_fields=True):
    reason: Text
    at: Aware
    role: Name | None = None
    approver: Name | None = None


class SignIn(In, kw_only=True, forbid_unknown_fields=True):
    contract_number: Name
    signed_at: Aware


class AdvanceIn(In, kw_only=True, forbid_unknown_fields=True):
    to_stage: Stage
    at: Aware


class HoldIn(In, kw_only=True, forbid_unknown_fields=True):
    reason: Text
    at: Aware


class ResumeIn(In, kw_only=True, forbid_unknown_fields=True):
    at: Aware


class CancelIn(In, kw_only=True, forbid_unknown_fields=True):
    reason: Text
    at: Aware


class ShippedIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    line_id: Name
    quantity: Quantity

    def __post_init__(self) -> None:
        check_decimal(self.quantity, "quantity", positive=True)


class ShipmentIn(In, kw_only=True, forbid_unknown_fields=True):
    shipment_id: Name
    lines: Annotated[list[ShippedIn], msgspec.Meta(min_length=1, max_length=500)]
    shipped_at: Aware
    carrier: Annotated[str, msgspec.Meta(max_length=200)] = ""
    tracking_number: Annotated[str, msgspec.Meta(max_length=200)] = ""

    def to_command(self) -> cmd.RecordShipment:
        return cmd.RecordShipment(
            shipment_id=self.shipment_id,
            lines=tuple(
                ShippedQuantity(line_id=x.line_id, quantity=x.quantity) for x in self.lines
            ),
            shipped_at=self.shipped_at,
            carrier=self.carrier,
            tracking_number=self.tracking_number,
        )


class AcceptanceIn(In, kw_only=True, forbid_unknown_fields=True):
    accepted_by: Name
    accepted_at: Aware
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ExpectedCompletionIn(In, kw_only=True, forbid_unknown_fields=True):
    expected_completion: date
    reason: Text


class MoneyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: Annotated[Decimal, msgspec.Meta(description="decimal string; negative corrects")]
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]

    def __post_init__(self) -> None:
        check_decimal(self.amount, "amount", signed=True)

    def to_money(self) -> Money:
        return Money(amount=self.amount, currency=self.currency)


class CostEstimateIn(In, kw_only=True, forbid_unknown_fields=True):
    estimated_cost: MoneyIn
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ActualCostIn(In, kw_only=True, forbid_unknown_fields=True):
    amount: MoneyIn
    category: Name
    incurred_at: Aware
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class FeedbackIn(In, kw_only=True, forbid_unknown_fields=True):
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    at: Aware


class ComplaintIn(In, kw_only=True, forbid_unknown_fields=True):
    description: Text
    at: Aware


class IncidentIn(In, kw_only=True, forbid_unknown_fields=True):
    severity: Severity
    description: Text
    at: Aware


class RepriceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    line_id: Name
    unit_price: Amount
    discount: Amount = Decimal(0)

    def __post_init__(self) -> None:
        check_decimal(self.unit_price, "unit_price")
        check_decimal(self.discount, "discount")


class ChangeIn(In, kw_only=True, forbid_unknown_fields=True):
    reason: Text
    changed_at: Aware
    add: Annotated[list[LineIn], msgspec.Meta(max_length=500)] = msgspec.field(default_factory=list)
    remove: Annotated[list[Name], msgspec.Meta(max_length=500)] = msgspec.field(
        default_factory=list
    )
    reprice: Annotated[list[RepriceIn], msgspec.Meta(max_length=500)] = msgspec.field(
        default_factory=list
    )
    revenue_classification: Classification | None = None  # finance overriding the rules

    def to_command(
        self, currency: str, rules: ApprovalRules, workflow: WorkflowRules | None
    ) -> cmd.ChangeOrder:
        return cmd.ChangeOrder(
            reason=self.reason,
            changed_at=self.changed_at,
            approval_rules=rules,
            workflow=workflow,
            add=tuple(line.to_line(currency) for line in self.add),
            remove=tuple(self.remove),
            reprice=tuple(
                LineRepricing(
                    line_id=r.line_id,
                    unit_price=Money(amount=r.unit_price, currency=currency),
                    discount=Money(amount=r.discount, currency=currency),
                )
                for r in self.reprice
            ),
            revenue_classification=self.revenue_classification,
        )


# --- responses ------------------------------------------------------------------


class UsageIn(In, kw_only=True, forbid_unknown_fields=True):
    line_id: Name
    period: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
    quantity: Annotated[Decimal, msgspec.Meta(description="decimal string, 0 to 10^12")]
    reported_at: Aware

    def __post_init__(self) -> None:
        check_decimal(self.quantity, "quantity")


class Accepted(msgspec.Struct, kw_only=True):
    """A command's result: the aggregate, its new version and the log position."""

    aggregate_id: UUID
    version: int
    position: int
    events: list[str]
    replayed: bool


class OrderDetail(msgspec.Struct, kw_only=True):
    order_id: UUID
    version: int
    total: Money
    pending_approvals: list[str]
    closed: bool
    contact: ContactOut | None
    state: dict[str, Any]  # the sealed contact is shown only as `contact`, opened


class OrderSummary(msgspec.Struct, kw_only=True):
    order_id: str
    channel: str
    external_ref: str
    order_type: str
    customer_id: str
    customer_name: str
    region: str
    salesperson: str
    currency: str
    total: str
    stage: str
    status: str
    pending_approvals: str
    placed_at: str
    signed_at: str
    closed_at: str
    promised_delivery: str
    contract_number: str
    revision: int
    version: int
    expected_completion: str = ""  # the latest prediction (or the promise, before one)


class OrderPage(msgspec.Struct, kw_only=True):
    items: list[OrderSummary]
    total: int
    limit: int
    offset: int
    position: int  # the read model shows the log at least up to here


OrderId = Annotated[UUID, Parameter(description="The order's id")]
