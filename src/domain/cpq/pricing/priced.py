"""What a request is priced at: its lines, each as the order line it becomes, and the total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from domain.contract_terms import Satisfaction
from domain.order.events import LineKind, OrderLine, SspBounds
from domain.shared import Money


class YearCharge(msgspec.Struct, frozen=True, kw_only=True):
    """One year of a line's term: the full year's price and what is charged for it
    (a part year, its months' share)."""

    year: int
    months: int
    annual: Money
    charged: Money


class TierCharge(msgspec.Struct, frozen=True, kw_only=True):
    """Units of a line charged at one price of its tier table (a year's, for a term)."""

    units: Decimal
    price: Money  # a unit's, as the catalogue lists it


class QuoteLine(msgspec.Struct, frozen=True, kw_only=True):
    """A priced line. Its gross is exact (the tiers' and years' sum, rounded once); its unit
    price is at the catalogue's precision, and `rounding` carries the difference where
    quantity x unit price does not come to the gross (see `charges.unit_price_of`)."""

    line_id: str
    product_code: str
    name: str
    kind: LineKind
    unit: str
    quantity: Decimal
    list_price: Money  # per unit (and year), before tiers
    unit_price: Money  # per unit, for the whole term
    discount: Money
    discount_percent: Decimal  # as requested (a bundle's own discount is not counted)
    standalone_selling_price: Money  # per unit, for the whole term
    product_revision: int
    bundle_code: str = ""
    term_start: date | None = None
    term_months: int | None = None
    years: tuple[YearCharge, ...] = ()
    revenue: Satisfaction | None = None
    auto_renew: bool = False
    usage_based: bool = False  # the quantity is the commitment; usage above it is charged
    product_line: str = ""
    rounding: Money | None = None  # gross less quantity x unit price (rounded)
    tiers: tuple[TierCharge, ...] = ()  # the tier table's charges, when it has one
    ssp_range: SspBounds | None = None  # per unit for the whole term, from the catalogue

    @property
    def gross(self) -> Money:
        return self.order_line().gross

    @property
    def net(self) -> Money:
        """What the order line it becomes will charge: its amounts are the order's."""
        return self.order_line().net

    def order_line(self) -> OrderLine:
        return OrderLine(
            line_id=self.line_id, product_code=self.product_code, kind=self.kind,
            quantity=self.quantity, unit_price=self.unit_price, discount=self.discount,
            standalone_selling_price=self.standalone_selling_price, description=self.name,
            product_line=self.product_line, term_start=self.term_start,
            term_months=self.term_months, revenue=self.revenue,
            catalogue_revision=self.product_revision, auto_renew=self.auto_renew,
            usage_based=self.usage_based, rounding=self.rounding, ssp_range=self.ssp_range,
        )  # fmt: skip


class PricedQuote(msgspec.Struct, frozen=True, kw_only=True):
    currency: str
    priced_on: date
    customer_tier: str
    lines: tuple[QuoteLine, ...]
    total: Money
    catalogue_revision: int
    pricing_revision: int | None
    validation_revision: int | None
    approvals: tuple[str, ...]  # roles that must approve the discounts given
