"""Catalogue state, what was in force on a day, and `evolve`.

Every publication is kept with the day it takes effect, so next year's price
list can be published now and a quote priced today still sees today's. What was
in force on a day is the publication with the latest effective day on or before
it (a later revision wins a tie: a correction). `evolve` only applies facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar, assert_never

import msgspec
from msgspec.structs import replace

from domain.cpq.catalogue.events import (
    BundlePublished,
    CatalogueEvent,
    CustomerTierSet,
    PricingRulesPublished,
    ProductPublished,
    ProductRetired,
    ValidationRulesPublished,
)
from domain.cpq.catalogue.pricing_rules import PricingRules
from domain.cpq.catalogue.products import Product
from domain.cpq.catalogue.rules import UnknownProduct
from domain.cpq.catalogue.validation_rules import ValidationRules


class _Dated(Protocol):
    @property
    def revision(self) -> int: ...
    @property
    def effective_from(self) -> date: ...


D = TypeVar("D", bound=_Dated)

DEFAULT_TIER = "standard"


class CatalogueState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    products: dict[str, tuple[ProductPublished | ProductRetired, ...]] = msgspec.field(
        default_factory=dict
    )
    bundles: dict[str, tuple[BundlePublished, ...]] = msgspec.field(default_factory=dict)
    pricing: tuple[PricingRulesPublished, ...] = ()
    validation: tuple[ValidationRulesPublished, ...] = ()
    customer_tiers: dict[str, str] = msgspec.field(default_factory=dict)

    def pricing_at(self, revision: int) -> PricingRules:
        """The pricing rules published at `revision` (an order pins it)."""
        found = next((p for p in self.pricing if p.revision == revision), None)
        if found is None:
            raise UnknownProduct(f"no pricing rules were published at revision {revision}")
        return found.rules

    def product_at(self, code: str, revision: int) -> Product:
        """The product as published at `revision` (an order line pins it)."""
        for published in self.products.get(code, ()):
            if isinstance(published, ProductPublished) and published.revision == revision:
                return published.product
        raise UnknownProduct(f"no product {code!r} was published at revision {revision}")

    def on(self, day: date) -> CatalogueView:
        """The catalogue as it stood for quotes priced on `day`."""
        products = {}
        for code, history in self.products.items():
            found = in_force(history, day)
            if isinstance(found, ProductPublished):
                products[code] = found
        bundles = {}
        for code, bundle_history in self.bundles.items():
            bundle = in_force(bundle_history, day)
            if bundle is not None:
                bundles[code] = bundle
        return CatalogueView(
            day=day,
            revision=self.version,
            products=products,
            bundles=bundles,
            pricing=in_force(self.pricing, day),
            validation=in_force(self.validation, day),
            customer_tiers=self.customer_tiers,
        )


class CatalogueView(msgspec.Struct, frozen=True, kw_only=True):
    """What was in force on one day, each entry with the revision that published it."""

    day: date
    revision: int
    products: dict[str, ProductPublished]
    bundles: dict[str, BundlePublished]
    pricing: PricingRulesPublished | None
    validation: ValidationRulesPublished | None
    customer_tiers: dict[str, str]

    def tier_of(self, customer_id: str) -> str:
        return self.customer_tiers.get(customer_id, DEFAULT_TIER)

    @property
    def pricing_rules(self) -> PricingRules:
        return self.pricing.rules if self.pricing else PricingRules()

    @property
    def validation_rules(self) -> ValidationRules:
        return self.validation.rules if self.validation else ValidationRules()


def in_force(history: Iterable[D], day: date) -> D | None:
    """The publication in force on `day`: latest effective day, then latest revision."""
    candidates = [p for p in history if p.effective_from <= day]
    return max(candidates, key=lambda p: (p.effective_from, p.revision), default=None)


INITIAL = CatalogueState()


def evolve(state: CatalogueState, event: CatalogueEvent) -> CatalogueState:
    state = replace(state, version=state.version + 1)
    match event:
        case ProductPublished(product=product):
            code = product.code
            return replace(state, products=_add(state.products, code, event))
        case ProductRetired(code=code):
            return replace(state, products=_add(state.products, code, event))
        case BundlePublished(bundle=bundle):
            return replace(state, bundles=_add(state.bundles, bundle.code, event))
        case PricingRulesPublished():
            return replace(state, pricing=(*state.pricing, event))
        case ValidationRulesPublished():
            return replace(state, validation=(*state.validation, event))
        case CustomerTierSet(customer_id=customer, tier=tier):
            return replace(state, customer_tiers={**state.customer_tiers, customer: tier})
        case _:
            assert_never(event)


K = TypeVar("K")


def _add(history: dict[str, tuple[K, ...]], code: str, event: K) -> dict[str, tuple[K, ...]]:
    return {**history, code: (*history.get(code, ()), event)}
