"""Catalogue routes: what is sold, at what price, in which combinations, from when.

Every write is a publication with the day it takes effect (`effective_from`), so a
new price list can be published ahead of its day. `GET /catalogue?on=` shows what
was, or will be, in force on a day, each entry with the revision that published it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.order_dto import Accepted
from api.runtime import Runtime, RuntimeDep
from application.intake import Name, Version
from domain.cpq.catalogue import (
    CATALOGUE_ID,
    Bundle,
    CatalogueCommand,
    CatalogueView,
    Code,
    PricingRules,
    Product,
    ProductPublished,
    ProductRetired,
    PublishBundle,
    PublishPricingRules,
    PublishProduct,
    PublishValidationRules,
    RetireProduct,
    SetCustomerTier,
    ValidationRules,
)
from domain.deciders import CATALOGUE

Req = Request[Any, Any, Any]
Effective = Annotated[date, msgspec.Meta(description="The first day the publication is in force")]


class ProductIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    product: Product
    effective_from: Effective
    expected_version: Version = None


class RetireIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    effective_from: Effective
    expected_version: Version = None


class BundleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    bundle: Bundle
    effective_from: Effective
    expected_version: Version = None


class PricingRulesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    rules: PricingRules
    effective_from: Effective
    expected_version: Version = None


class ValidationRulesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    rules: ValidationRules
    effective_from: Effective
    expected_version: Version = None


class TierIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    tier: Name
    expected_version: Version = None


class ProductHistory(msgspec.Struct, kw_only=True):
    code: str
    publications: list[ProductPublished | ProductRetired]


def catalogue_on(runtime: Runtime, day: date) -> CatalogueView:
    return runtime.service.load(CATALOGUE, CATALOGUE_ID).on(day)


def _publish(
    runtime: Runtime, request: Req, command: CatalogueCommand, expected: int | None
) -> Accepted:
    return run_command(runtime, CATALOGUE, CATALOGUE_ID, command, command_meta(request, expected))


class CatalogueController(Controller):
    path = "/catalogue"
    tags = ["catalogue"]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def read(
        self,
        runtime: RuntimeDep,
        on: Annotated[date | None, Parameter(description="The day (default: today, UTC)")] = None,
    ) -> CatalogueView:
        """Products, bundles, pricing and configuration rules in force on a day."""
        return catalogue_on(runtime, on or runtime.clock().date())

    @get("/products/{code:str}", sync_to_thread=True)
    def product_history(self, code: FromPath[Code], runtime: RuntimeDep) -> ProductHistory:
        """Every publication and retirement of one product, effective-dated."""
        state = runtime.service.load(CATALOGUE, CATALOGUE_ID)
        if code not in state.products:
            raise NotFoundException(f"no product {code!r}")
        return ProductHistory(code=code, publications=list(state.products[code]))

    @post("/products", sync_to_thread=True, status_code=200)
    def publish_product(
        self, request: Req, data: JSONBody[ProductIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish a product, or a new version of one (prices, SSP, pattern, attributes)."""
        command = PublishProduct(product=data.product, effective_from=data.effective_from)
        return _publish(runtime, request, command, data.expected_version)

    @post("/products/{code:str}/retire", sync_to_thread=True, status_code=200)
    def retire_product(
        self, request: Req, code: FromPath[Code], data: JSONBody[RetireIn], runtime: RuntimeDep
    ) -> Accepted:
        """Stop selling a product from a day on; quotes and orders made before keep it."""
        command = RetireProduct(code=code, effective_from=data.effective_from)
        return _publish(runtime, request, command, data.expected_version)

    @post("/bundles", sync_to_thread=True, status_code=200)
    def publish_bundle(
        self, request: Req, data: JSONBody[BundleIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish a bundle: products sold together at one price."""
        command = PublishBundle(bundle=data.bundle, effective_from=data.effective_from)
        return _publish(runtime, request, command, data.expected_version)

    @post("/pricing-rules", sync_to_thread=True, status_code=200)
    def publish_pricing_rules(
        self, request: Req, data: JSONBody[PricingRulesIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish tier tables, discount limits by customer tier, yearly uplifts and how
        many days before a term ends its renewal is quoted."""
        command = PublishPricingRules(rules=data.rules, effective_from=data.effective_from)
        return _publish(runtime, request, command, data.expected_version)

    @post("/validation-rules", sync_to_thread=True, status_code=200)
    def publish_validation_rules(
        self, request: Req, data: JSONBody[ValidationRulesIn], runtime: RuntimeDep
    ) -> Accepted:
        """Publish the configuration rules: required and excluded combinations, matching
        attributes, quantity limits."""
        command = PublishValidationRules(rules=data.rules, effective_from=data.effective_from)
        return _publish(runtime, request, command, data.expected_version)

    @put("/customer-tiers/{customer_id:str}", sync_to_thread=True, status_code=200)
    def set_customer_tier(
        self, request: Req, customer_id: FromPath[Name], data: JSONBody[TierIn], runtime: RuntimeDep
    ) -> Accepted:
        """Put a customer in a pricing tier (its discount limits apply to new quotes)."""
        command = SetCustomerTier(customer_id=customer_id, tier=data.tier)
        return _publish(runtime, request, command, data.expected_version)
