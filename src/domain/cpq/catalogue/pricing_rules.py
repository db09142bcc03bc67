"""How the catalogue prices: tier tables, discount limits by customer tier, uplifts."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import msgspec

from domain.cpq.catalogue.values import Code, Percent, Price
from domain.order.events import LineKind
from domain.shared import CurrencyCode, Name


class PricingMode(StrEnum):
    GRADUATED = "graduated"  # each unit at the price of the band it falls in
    VOLUME = "volume"  # every unit at the price of the band the quantity reaches


class Band(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """From `from_quantity` units on, a unit costs `prices[currency]`."""

    from_quantity: Decimal
    prices: dict[CurrencyCode, Price]


class TierTable(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    product_code: Code
    mode: PricingMode
    bands: Annotated[tuple[Band, ...], msgspec.Meta(min_length=1, max_length=50)]


class DiscountLimit(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """For a customer tier: discounts up to `approve_above` % are the salesperson's;
    above it `approver` must approve the order; above `ceiling` % none is given."""

    customer_tier: Name
    approve_above: Percent
    approver: Name
    ceiling: Percent


class PricingRules(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    tiers: Annotated[tuple[TierTable, ...], msgspec.Meta(max_length=10_000)] = ()
    discount_limits: tuple[DiscountLimit, ...] = ()
    # Subscriptions and maintenance sold for several years: each year after the
    # first costs this much more than the year before (per kind, a product overrides).
    uplift_by_kind: dict[LineKind, Percent] = msgspec.field(default_factory=dict)
    uplift_by_product: dict[Code, Percent] = msgspec.field(default_factory=dict)
    renewal_lead_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 60

    def table(self, code: str) -> TierTable | None:
        return next((t for t in self.tiers if t.product_code == code), None)

    def limit(self, customer_tier: str) -> DiscountLimit | None:
        return next((x for x in self.discount_limits if x.customer_tier == customer_tier), None)

    def uplift(self, code: str, kind: LineKind) -> Decimal:
        if code in self.uplift_by_product:
            return self.uplift_by_product[code]
        return self.uplift_by_kind.get(kind, Decimal(0))
