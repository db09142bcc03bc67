"""What the salesperson asks to be priced: products or bundles, quantities, discounts, terms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import msgspec

from domain.cpq.catalogue import Code, Percent, Units
from domain.shared import Name

Months = Annotated[int, msgspec.Meta(ge=1, le=240)]


class LineRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: Code  # a product's or a bundle's
    quantity: Units
    discount_percent: Percent = Decimal(0)
    term_start: date | None = None
    term_months: Months | None = None


class QuoteRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    customer_id: Name
    region: Name
    currency: str
    lines: Annotated[tuple[LineRequest, ...], msgspec.Meta(min_length=1, max_length=500)]
