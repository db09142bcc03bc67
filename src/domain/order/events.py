"""Order events: immutable past-tense facts. New fields get defaults; none is retyped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.contract_terms import Classification, ContractTerms, Satisfaction
from domain.personal import Sealed
from domain.receivable.terms import CreditRating
from domain.rulebook import Route
from domain.rulebook.workflow import Triggered
from domain.shared import AwareDatetime, Money, Name, Text
from domain.stages import Stage


class Channel(StrEnum):
    ECOMMERCE = "ecommerce"
    AGENT = "agent"
    OVERSEAS = "overseas"
    DIRECT = "direct"
    PARTNER_PORTAL = "partner_portal"


class LineKind(StrEnum):
    HARDWARE = "hardware"
    SOFTWARE_LICENCE = "software_licence"
    IMPLEMENTATION = "implementation"
    TRAINING = "training"
    MAINTENANCE = "maintenance"
    SUBSCRIPTION = "subscription"
    SPARE_PART = "spare_part"
    OTHER = "other"


# Kinds that leave the warehouse and so must be shipped before an order completes.
SHIPPABLE_KINDS = frozenset({LineKind.HARDWARE, LineKind.SPARE_PART})
# Kinds sold for a period of time: they carry a service term.
TIME_BASED_KINDS = frozenset({LineKind.MAINTENANCE, LineKind.SUBSCRIPTION})


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class SspBounds(msgspec.Struct, frozen=True, kw_only=True):
    """The range of a line's standalone selling price per unit (for its whole term):
    a price within it stands as the line's SSP, outside it the nearer bound."""

    low: Money
    high: Money


class OrderLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line of the order. Its gross is quantity x unit price, rounded to the cent, plus
    its `rounding`: where the line's amount is not a whole number of cents per unit (a
    graduated tier table's sum, a term's years), the unit price is kept at the catalogue's
    precision and `rounding` carries what brings quantity x unit price to the exact amount."""

    line_id: Name
    product_code: Name
    kind: LineKind
    quantity: Decimal
    unit_price: Money
    discount: Money
    standalone_selling_price: Money
    description: str = ""
    product_line: str = ""
    term_start: date | None = None
    term_months: int | None = None
    revenue: Satisfaction | None = None  # how it is earned, if not as its kind usually is
    catalogue_revision: int | None = None  # the catalogue publication it was priced by
    auto_renew: bool = False  # a subscription or maintenance renewed at its term's end
    usage_based: bool = False  # quantity is a commitment; reported usage above it is charged
    custom: bool = False  # built to this order's specification (非标定制), not from stock
    rounding: Money | None = None  # the line's amount less quantity x unit price (rounded)
    ssp_range: SspBounds | None = None  # from the catalogue: the SSP follows the price in it

    @property
    def gross(self) -> Money:
        extended = self.unit_price.times(self.quantity).rounded()
        return extended if self.rounding is None else extended + self.rounding

    @property
    def net(self) -> Money:
        """What the customer pays for the line: quantity x price, less its discount."""
        return self.gross - self.discount


class ShippedQuantity(msgspec.Struct, frozen=True, kw_only=True):
    line_id: Name
    quantity: Decimal


class LineRepricing(msgspec.Struct, frozen=True, kw_only=True):
    line_id: Name
    unit_price: Money
    discount: Money


class QuoteReference(msgspec.Struct, frozen=True, kw_only=True):
    """The quote an order was captured from, and the catalogue it was priced by: a
    later price or rule change never reaches the order."""

    quote_id: UUID
    number: Name
    revision: int
    accepted_by: Name
    catalogue_revision: int
    pricing_revision: int | None
    validation_revision: int | None
    discount_approvals: tuple[str, ...] = ()  # roles the discounts given call for


class OrderPlaced(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_type: str
    channel: Channel
    external_ref: Name
    customer_id: Name
    customer_name: Name
    region: Name
    salesperson: Name
    currency: str
    promised_delivery: date
    lines: tuple[OrderLine, ...]
    placed_at: AwareDatetime
    route: Route
    approval_rules_version: int
    required_approvals: tuple[str, ...]
    # The customer's rating when the order was captured: priority is scheduled first.
    credit_rating: CreditRating = CreditRating.STANDARD
    contact: Sealed | None = None  # the customer's contact person, sealed for the customer
    revenue_terms: ContractTerms | None = None  # bundles, residual lines, discounts
    quote: QuoteReference | None = None  # the accepted quote it was captured from
    customer_tier: str = ""  # the customer's tier in the catalogue, when it was captured
    workflow_version: int = 0  # the workflow rules it was judged by (0: before they existed)
    triggered: tuple[Triggered, ...] = ()  # the workflow rules it triggered, with why
    billing_plan: str = ""  # the milestone template it is billed by ("": chosen at signing)


class OrderApproved(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    role: str  # the position the approver approved in
    approver: Name  # the user
    approved_at: AwareDatetime
    approver_name: str = ""  # as the positions list names them
    positions_version: int = 0  # the positions list that gave the authority (0: before it)


class OrderRejected(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    role: str
    approver: Name
    reason: Text
    rejected_at: AwareDatetime
    approver_name: str = ""
    positions_version: int = 0


class OrderSigned(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    contract_number: Name
    signed_at: AwareDatetime


class StageAdvanced(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    from_stage: Stage
    to_stage: Stage
    at: AwareDatetime


class OrderPutOnHold(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: Text
    at: AwareDatetime


class OrderResumed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    at: AwareDatetime


class OrderCancelled(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: Text
    at: AwareDatetime


class ShipmentRecorded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    shipment_id: Name
    lines: tuple[ShippedQuantity, ...]
    shipped_at: AwareDatetime
    carrier: str = ""
    tracking_number: str = ""


class CustomerAccepted(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    accepted_by: Name
    accepted_at: AwareDatetime
    note: str = ""


class ExpectedCompletionUpdated(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A completion date entered by a person: it takes precedence over the plan."""

    expected_completion: date
    reason: Text
    entered_by: str = ""  # the user ("" before it was recorded)


class ContactChanged(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    contact: Sealed
    at: AwareDatetime


class CostEstimated(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    estimated_cost: Money
    note: str = ""


class ActualCostRecorded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    amount: Money
    category: Name
    incurred_at: AwareDatetime
    note: str = ""


class CustomerFeedbackRecorded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    rating: int
    comment: str
    at: AwareDatetime


class ComplaintFiled(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    description: Text
    at: AwareDatetime


class QualityIncidentReported(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    severity: Severity
    description: Text
    at: AwareDatetime


class OrderChanged(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A change order: revision n of the contract. Earlier revisions stay in the log."""

    revision: int
    added: tuple[OrderLine, ...]
    removed: tuple[str, ...]
    repriced: tuple[LineRepricing, ...]
    reason: Text
    changed_at: AwareDatetime
    approval_rules_version: int
    required_approvals: tuple[str, ...]
    approvals_reset: bool
    revenue_classification: Classification | None = None  # finance's, overriding the rules
    workflow_version: int = 0
    triggered: tuple[Triggered, ...] = ()  # every rule the changed order triggers


class Basis(StrEnum):
    PLAN = "plan"  # stage entry times and the plan for what remains
    STOCK = "stock"  # the day the expected receipts bring a short part in, plus the plan after
    ENTERED = "entered"  # a date a person entered


class PlannedStep(msgspec.Struct, frozen=True, kw_only=True):
    """One stage (or production operation) of a prediction: when it started or is
    planned to, when it is planned to end, and whether it has overrun its plan."""

    stage: Stage
    operation: str = ""
    starts: date
    ends: date
    planned_days: int
    overrun: bool = False
    done: bool = False  # a finished production operation


class OperationStarted(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A production operation (工序) of the order's plan begun, and by which team."""

    operation: Name
    team: str = ""
    at: AwareDatetime


class OperationFinished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    operation: Name
    at: AwareDatetime
    note: str = ""


class CompletionPredicted(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The order's predicted completion as of a day, how it was derived, and how late
    that is against the date promised (negative: early)."""

    predicted: date
    promised: date
    late_days: int
    basis: Basis
    why: str
    steps: tuple[PlannedStep, ...]
    as_of: date
    plan_version: int  # the stage plans publication (0: the stage deadlines)


class StockWarning(msgspec.Struct, frozen=True, kw_only=True):
    """A key component the order is short of, or that its reservation took below the
    safety level, with what could be done: wait for the expected receipts (materials
    in on `materials_on`, delivery then `suggested_delivery`) or use an alternative."""

    shortfall: Decimal
    below_safety: bool
    materials_on: date | None
    suggested_delivery: date | None
    alternatives: tuple[str, ...]


class StockWarningRaised(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: str
    warning: StockWarning
    at: AwareDatetime


class StockWarningCleared(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: str
    at: AwareDatetime


class UsageRecorded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Usage of a usage-based line in a period, and its charge: the tier table's price of
    the cumulative usage above the line's committed quantity, less what earlier
    periods were charged (negative where volume pricing lowers the whole)."""

    line_id: Name
    period: Name  # YYYY-MM
    quantity: Decimal
    cumulative: Decimal
    charge: Money
    pricing_revision: int  # the catalogue publication whose tier table priced it
    reported_at: AwareDatetime


OrderEvent = (
    OrderPlaced
    | OrderApproved
    | OrderRejected
    | OrderSigned
    | StageAdvanced
    | OrderPutOnHold
    | OrderResumed
    | OrderCancelled
    | ShipmentRecorded
    | CustomerAccepted
    | ExpectedCompletionUpdated
    | ContactChanged
    | CostEstimated
    | ActualCostRecorded
    | CustomerFeedbackRecorded
    | ComplaintFiled
    | QualityIncidentReported
    | OrderChanged
    | StockWarningRaised
    | StockWarningCleared
    | UsageRecorded
    | CompletionPredicted
    | OperationStarted
    | OperationFinished
)
