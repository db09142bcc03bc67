"""Catalogue events: what was published, and customers' tiers.

Every event raises the catalogue's revision by one and records the revision it
made; a publication also records the day it takes effect. New fields get
defaults; none is retyped.
"""

from __future__ import annotations

from datetime import date

import msgspec

from domain.cpq.catalogue.pricing_rules import PricingRules
from domain.cpq.catalogue.products import Bundle, Product
from domain.cpq.catalogue.validation_rules import ValidationRules


class ProductPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    product: Product
    effective_from: date


class ProductRetired(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    code: str
    effective_from: date


class BundlePublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    bundle: Bundle
    effective_from: date


class PricingRulesPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    rules: PricingRules
    effective_from: date


class ValidationRulesPublished(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    rules: ValidationRules
    effective_from: date


class CustomerTierSet(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    revision: int
    customer_id: str
    tier: str


CatalogueEvent = (
    ProductPublished
    | ProductRetired
    | BundlePublished
    | PricingRulesPublished
    | ValidationRulesPublished
    | CustomerTierSet
)
