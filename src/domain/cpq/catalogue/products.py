"""What may be sold: products, with their prices and how they are earned, and bundles."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import msgspec

from domain.contract_terms import Satisfaction
from domain.cpq.catalogue.values import Code, Price, Units
from domain.order.events import LineKind
from domain.shared import CurrencyCode, Name

Attributes = Annotated[dict[Name, Name], msgspec.Meta(max_length=50)]


class SspMethod(StrEnum):
    """How a standalone selling price was set (ASC 606-10-32-33, IFRS 15.79)."""

    OBSERVED = "observed"
    ADJUSTED_MARKET = "adjusted_market"
    COST_PLUS_MARGIN = "cost_plus_margin"
    RESIDUAL = "residual"


Percent = Annotated[Decimal, msgspec.Meta(description="percent of the list price, 0 to 1000")]


class SspRange(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The range a product's observed standalone selling prices fall in, per unit (and
    year): absolute bounds per currency, or a percentage of the list price for a
    currency without them. A price sold within the range stands as the line's own SSP;
    outside it, the nearer bound does (the range policy of ASC 606-10-32-33 practice)."""

    low: dict[CurrencyCode, Price] = msgspec.field(default_factory=dict)
    high: dict[CurrencyCode, Price] = msgspec.field(default_factory=dict)
    low_percent: Percent | None = None
    high_percent: Percent | None = None

    def bounds(self, currency: str, list_price: Decimal) -> tuple[Decimal, Decimal] | None:
        """(low, high) per unit in `currency`, or None if the range says nothing for it."""
        low = self.low.get(currency)
        high = self.high.get(currency)
        if low is None and self.low_percent is not None:
            low = list_price * self.low_percent / 100
        if high is None and self.high_percent is not None:
            high = list_price * self.high_percent / 100
        return None if low is None or high is None else (low, high)


class Product(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: Code
    name: Name
    kind: LineKind
    unit: Name = "each"
    # Per unit; for subscriptions and maintenance, per unit and year.
    list_prices: dict[CurrencyCode, Price]
    ssp: dict[CurrencyCode, Price]
    ssp_method: SspMethod
    revenue: Satisfaction | None = None  # how it is earned, if not as its kind usually is
    regions: tuple[Name, ...] = ()  # where it is sold; empty: everywhere
    attributes: Attributes = msgspec.field(default_factory=dict)  # generation, version...
    auto_renew: bool = False  # subscriptions and maintenance: renew at term end
    usage_based: bool = False  # priced from reported usage by its tier table
    product_line: str = ""
    ssp_range: SspRange | None = None  # a price within it is its own SSP


class Component(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    product_code: Code
    quantity: Units


class Bundle(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Products sold together at one price per bundle (per currency)."""

    code: Code
    name: Name
    components: Annotated[tuple[Component, ...], msgspec.Meta(min_length=2, max_length=50)]
    prices: dict[CurrencyCode, Price]
    regions: tuple[Name, ...] = ()
