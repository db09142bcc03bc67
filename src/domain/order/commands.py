"""Order commands: intentions, checked by `decide`.

Business times (signed at, shipped at...) arrive on the command; so do the rules
in force (route, approval thresholds), which the application service reads from
the rulebook, so `decide` stays pure.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.contract_terms import Classification, ContractTerms
from domain.order.events import (
    Channel,
    LineRepricing,
    OrderLine,
    QuoteReference,
    Severity,
    ShippedQuantity,
    StockWarning,
)
from domain.personal import Sealed
from domain.receivable.terms import CreditRating
from domain.rulebook import ApprovalRules, Route
from domain.rulebook.plans import StagePlans
from domain.rulebook.positions import Authority
from domain.rulebook.workflow import WorkflowRules
from domain.shared import AwareDatetime, Money, Name, Text
from domain.stages import Stage

_ORDERS_NAMESPACE = uuid5(NAMESPACE_URL, "urn:orderhub:orders")


def order_id_for(channel: Channel, external_ref: str) -> UUID:
    """An order's identity is its channel and the channel's reference.

    Capturing the same reference from the same channel again addresses the same
    stream, so it is reported as a duplicate instead of creating a second order.
    """
    return uuid5(_ORDERS_NAMESPACE, f"{channel.value}:{external_ref}")


class PlaceOrder(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_type: Name
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
    approval_rules: ApprovalRules
    credit_rating: CreditRating = CreditRating.STANDARD
    contact: Sealed | None = None
    revenue_terms: ContractTerms | None = None
    quote: QuoteReference | None = None
    customer_tier: str = ""
    workflow: WorkflowRules | None = None  # the conditional rules in force (None: none)
    billing_plan: str = ""  # a milestone template the order states ("": chosen at signing)


class ApproveOrder(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    role: Name  # the position approving (the capacity the approver acts in)
    approver: Name  # the user
    at: AwareDatetime
    authority: Authority | None = None  # the approver's holdings of `role` (none: refused)


class RejectOrder(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    role: Name
    approver: Name
    reason: Text
    at: AwareDatetime
    authority: Authority | None = None


class SignOrder(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    contract_number: Name
    signed_at: AwareDatetime


class AdvanceStage(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    to_stage: Stage
    at: AwareDatetime


class HoldOrder(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: Text
    at: AwareDatetime


class ResumeOrder(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    at: AwareDatetime


class CancelOrder(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: Text
    at: AwareDatetime


class RecordShipment(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    shipment_id: Name
    lines: tuple[ShippedQuantity, ...]
    shipped_at: AwareDatetime
    carrier: str = ""
    tracking_number: str = ""


class RecordAcceptance(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    accepted_by: Name
    accepted_at: AwareDatetime
    note: str = ""


class UpdateExpectedCompletion(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    expected_completion: date
    reason: Text
    entered_by: str = ""  # the user, filled in by the service


class ReviewPrediction(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Derive the order's predicted completion as of `now` (in the company's zone) from
    the plans in force; a prediction that says nothing new records nothing."""

    plans: StagePlans
    deadlines: dict[Stage, int]  # the company's stage deadlines, for a kind with no plan
    now: AwareDatetime


class StartOperation(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    operation: Name
    at: AwareDatetime
    plans: StagePlans
    team: Annotated[str, msgspec.Meta(max_length=200)] = ""


class FinishOperation(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    operation: Name
    at: AwareDatetime
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ChangeContact(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    contact: Sealed
    at: AwareDatetime


class EstimateCost(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    estimated_cost: Money
    note: str = ""


class RecordActualCost(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    amount: Money
    category: Name
    incurred_at: AwareDatetime
    note: str = ""


class RecordFeedback(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    rating: int
    comment: str
    at: AwareDatetime


class FileComplaint(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    description: Text
    at: AwareDatetime


class RecordStockCheck(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """What the stock ledger found for one key component (no warning: all is well)."""

    part: Name
    warning: StockWarning | None
    at: AwareDatetime


class ReportQualityIncident(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    severity: Severity
    description: Text
    at: AwareDatetime


class ChangeOrder(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: Text
    changed_at: AwareDatetime
    approval_rules: ApprovalRules
    add: tuple[OrderLine, ...] = ()
    remove: tuple[str, ...] = ()
    reprice: tuple[LineRepricing, ...] = ()
    revenue_classification: Classification | None = None
    workflow: WorkflowRules | None = None  # judged again on the changed order


class RecordUsage(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Usage reported for a period, priced by the service with the tier table the order
    pinned (its quote's pricing revision, else the one in force when it was placed)."""

    line_id: Name
    period: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    quantity: Decimal
    charge: Money
    pricing_revision: int
    reported_at: AwareDatetime


OrderCommand = (
    PlaceOrder
    | ApproveOrder
    | RejectOrder
    | SignOrder
    | AdvanceStage
    | HoldOrder
    | ResumeOrder
    | CancelOrder
    | RecordShipment
    | RecordAcceptance
    | UpdateExpectedCompletion
    | ChangeContact
    | EstimateCost
    | RecordActualCost
    | RecordFeedback
    | FileComplaint
    | ReportQualityIncident
    | ChangeOrder
    | RecordStockCheck
    | RecordUsage
    | ReviewPrediction
    | StartOperation
    | FinishOperation
)
