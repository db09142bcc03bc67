"""`decide`: checks a catalogue command against the state and returns the new facts.

Each publication takes the next revision. Publishing a product exactly as it is
published, or setting a customer's tier to the one it has, changes nothing.
"""

from __future__ import annotations

from typing import assert_never

from domain.cpq.catalogue import rules
from domain.cpq.catalogue.commands import (
    CatalogueCommand,
    PublishBundle,
    PublishPricingRules,
    PublishProduct,
    PublishValidationRules,
    RetireProduct,
    SetCustomerTier,
)
from domain.cpq.catalogue.events import (
    BundlePublished,
    CatalogueEvent,
    CustomerTierSet,
    PricingRulesPublished,
    ProductPublished,
    ProductRetired,
    ValidationRulesPublished,
)
from domain.cpq.catalogue.state import DEFAULT_TIER, CatalogueState


def decide(command: CatalogueCommand, state: CatalogueState) -> list[CatalogueEvent]:
    revision = state.version + 1
    match command:
        case PublishProduct(product=product, effective_from=day):
            rules.check_product(product)
            latest = state.products.get(product.code, (None,))[-1]
            if isinstance(latest, ProductPublished) and (latest.product, latest.effective_from) == (
                product, day):  # fmt: skip
                return []  # published so already: publishing it again changes nothing
            return [ProductPublished(revision=revision, product=product, effective_from=day)]
        case RetireProduct(code=code, effective_from=day):
            if code not in state.products:
                raise rules.UnknownProduct(f"no product {code!r}", field="code")
            return [ProductRetired(revision=revision, code=code, effective_from=day)]
        case PublishBundle(bundle=bundle, effective_from=day):
            rules.check_bundle(bundle, state.on(day))
            return [BundlePublished(revision=revision, bundle=bundle, effective_from=day)]
        case PublishPricingRules(rules=pricing, effective_from=day):
            rules.check_pricing(pricing)
            return [PricingRulesPublished(revision=revision, rules=pricing, effective_from=day)]
        case PublishValidationRules(rules=validation, effective_from=day):
            rules.check_validation(validation)
            return [
                ValidationRulesPublished(revision=revision, rules=validation, effective_from=day)
            ]
        case SetCustomerTier(customer_id=customer, tier=tier):
            if state.customer_tiers.get(customer, DEFAULT_TIER) == tier:
                return []
            return [CustomerTierSet(revision=revision, customer_id=customer, tier=tier)]
        case _:
            assert_never(command)
