"""What may be sold: products, with their prices and how they are earned, and bundles."""

from __future__ import annotations

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
