"""What a capture is given, by a request body or a spreadsheet row.

An order placed through the API and one imported from a spreadsheet are read into
the same request types, so both are checked alike. Unknown fields are refused,
so a typo is an error rather than a silently dropped value. Prices on lines are
decimals in the order's currency.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from application.capture import CaptureRules
from domain.contract_terms import ContractTerms, Satisfaction
from domain.customer import (
    Address,
    CustomerDetails,
    Optional,
    PaymentDays,
    RecordCustomer,
)
from domain.order import commands as cmd
from domain.order.events import Channel, LineKind, OrderLine, SspBounds
from domain.personal import ContactPerson, Sealed
from domain.shared import Money

Aware = Annotated[datetime, msgspec.Meta(tz=True, description="ISO 8601 with a UTC offset")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Amount = Annotated[
    Decimal, msgspec.Meta(description="decimal string, 0 to 10^15, at most 6 places")
]
Quantity = Annotated[Decimal, msgspec.Meta(description="decimal string, above 0, at most 10^9")]
Version = Annotated[
    int | None, msgspec.Meta(description="Refuse with 409 unless this is the current version")
]
Seal = Callable[[str, msgspec.Struct], Sealed]  # personal data encrypted under a subject's key

_DIGITS = 15  # below 10^15


def check_decimal(
    value: Decimal, name: str, *, positive: bool = False, signed: bool = False
) -> None:
    """Refuse NaN, infinities, absurd magnitudes and sub-micro precision at the door."""
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number")
    # Read off the digits, never by arithmetic: 1e999999999 overflows any comparison.
    too_large = bool(value) and value.adjusted() >= _DIGITS
    if too_large or value.as_tuple().exponent < -6:  # type: ignore[operator]
        raise ValueError(f"{name} must be below 10^15 with at most 6 decimal places")
    if positive and value <= 0:
        raise ValueError(f"{name} must be above 0")
    if not signed and value < 0:
        raise ValueError(f"{name} must not be negative")


class In(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    expected_version: Version = None


class SspRangeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The range of the line's SSP per unit: a price within it is its own SSP."""

    low: Amount
    high: Amount

    def __post_init__(self) -> None:
        check_decimal(self.low, "low")
        check_decimal(self.high, "high")
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")


class LineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    line_id: Name
    product_code: Name
    kind: LineKind
    quantity: Quantity
    unit_price: Amount
    discount: Amount = Decimal(0)
    standalone_selling_price: Amount | None = None
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    product_line: Annotated[str, msgspec.Meta(max_length=200)] = ""
    term_start: date | None = None
    term_months: Annotated[int, msgspec.Meta(ge=1, le=600)] | None = None
    revenue: Satisfaction | None = None  # how it is earned, if not as its kind usually is
    custom: bool = False  # hardware built to this order's specification (非标定制)
    ssp_range: SspRangeIn | None = None

    def __post_init__(self) -> None:
        check_decimal(self.quantity, "quantity", positive=True)
        for milestone in self.revenue.milestones if self.revenue else ():
            check_decimal(milestone.share, "share")
        check_decimal(self.unit_price, "unit_price")
        check_decimal(self.discount, "discount")
        if self.standalone_selling_price is not None:
            check_decimal(self.standalone_selling_price, "standalone_selling_price")

    def to_line(self, currency: str) -> OrderLine:
        ssp = (
            self.unit_price
            if self.standalone_selling_price is None
            else self.standalone_selling_price
        )
        return OrderLine(
            line_id=self.line_id,
            product_code=self.product_code,
            kind=self.kind,
            quantity=self.quantity,
            unit_price=Money(amount=self.unit_price, currency=currency),
            discount=Money(amount=self.discount, currency=currency),
            standalone_selling_price=Money(amount=ssp, currency=currency),
            description=self.description,
            product_line=self.product_line,
            term_start=self.term_start,
            term_months=self.term_months,
            revenue=self.revenue,
            custom=self.custom,
            ssp_range=None if self.ssp_range is None else SspBounds(
                low=Money(amount=self.ssp_range.low, currency=currency),
                high=Money(amount=self.ssp_range.high, currency=currency),
            ),
        )  # fmt: skip


class PlaceOrderIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    order_type: Name
    channel: Channel
    external_ref: Name
    customer_id: Name
    customer_name: Name
    region: Name
    salesperson: Name
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
    promised_delivery: date
    placed_at: Aware
    lines: Annotated[list[LineIn], msgspec.Meta(min_length=1, max_length=500)]
    contact: ContactPerson | None = None  # stored sealed for the customer (erasable)
    revenue_terms: ContractTerms | None = None  # bundles, residual lines, discount rules
    billing_plan: Name | None = None  # a published milestone template (none: chosen at signing)

    def to_command(self, rules: CaptureRules, contact: Sealed | None) -> cmd.PlaceOrder:
        return cmd.PlaceOrder(
            order_type=self.order_type,
            channel=self.channel,
            external_ref=self.external_ref,
            customer_id=self.customer_id,
            customer_name=self.customer_name,
            region=self.region,
            salesperson=self.salesperson,
            currency=self.currency,
            promised_delivery=self.promised_delivery,
            lines=tuple(line.to_line(self.currency) for line in self.lines),
            placed_at=self.placed_at,
            route=rules.route,
            approval_rules=rules.approval,
            credit_rating=rules.rating,
            contact=contact,
            revenue_terms=self.revenue_terms,
            customer_tier=rules.tier,
            workflow=rules.workflow,
            billing_plan=self.billing_plan or "",
        )


class CustomerIn(In, kw_only=True, forbid_unknown_fields=True):
    name: Name
    region: Name
    industry: Optional = ""
    tax_id: Optional = ""
    address: Address = ""
    salesperson: Optional = ""
    payment_days: PaymentDays | None = None
    contact: ContactPerson | None = None  # stored sealed for the customer (erasable)
    status_updates: bool = True  # False: no status e-mails to the customer (opted out)
    at: Aware | None = None

    def to_command(self, seal: Seal, customer_id: str, now: datetime) -> RecordCustomer:
        """The record, its contact sealed with the customer's key before it goes anywhere;
        without `at`, recorded as of `now`."""
        sealed = seal(customer_id, self.contact) if self.contact else None
        details = CustomerDetails(
            name=self.name, region=self.region, industry=self.industry, tax_id=self.tax_id,
            address=self.address, salesperson=self.salesperson, payment_days=self.payment_days,
            contact=sealed, status_updates=self.status_updates,
        )  # fmt: skip
        return RecordCustomer(customer_id=customer_id, details=details,
                              at=self.at or now)  # fmt: skip
