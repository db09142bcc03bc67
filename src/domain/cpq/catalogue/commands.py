"""Catalogue commands: publications, each with the day it takes effect, and tier changes."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from domain.cpq.catalogue.pricing_rules import PricingRules
from domain.cpq.catalogue.products import Bundle, Product
from domain.cpq.catalogue.validation_rules import ValidationRules
from domain.cpq.catalogue.values import Code
from domain.shared import Name

# The catalogue is one stream: every catalogue command goes to it.
CATALOGUE_ID = UUID("6f1c1f0e-0000-4000-8000-000000000003")


class PublishProduct(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    product: Product
    effective_from: date


class RetireProduct(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    code: Code
    effective_from: date


class PublishBundle(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    bundle: Bundle
    effective_from: date


class PublishPricingRules(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    rules: PricingRules
    effective_from: date


class PublishValidationRules(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    rules: ValidationRules
    effective_from: date


class SetCustomerTier(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    customer_id: Name
    tier: Name


CatalogueCommand = (
    PublishProduct
    | RetireProduct
    | PublishBundle
    | PublishPricingRules
    | PublishValidationRules
    | SetCustomerTier
)
