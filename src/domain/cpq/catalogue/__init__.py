"""The Catalogue aggregate: products, bundles, pricing and validation rules, effective-dated.

Configuration errors cost revenue, so what may be sold, at what price and in
which combinations is data, checked before a quote exists. `products`,
`pricing_rules` and `validation_rules` hold that data; `commands`, `events` and
`state` (what was in force on a day) the aggregate's types; `decide` and
`evolve` the logic; `rules` the named checks.
"""

from domain.cpq.catalogue.commands import (
    CATALOGUE_ID,
    CatalogueCommand,
    PublishBundle,
    PublishPricingRules,
    PublishProduct,
    PublishValidationRules,
    RetireProduct,
    SetCustomerTier,
)
from domain.cpq.catalogue.decide import decide
from domain.cpq.catalogue.events import (
    BundlePublished,
    CatalogueEvent,
    CustomerTierSet,
    PricingRulesPublished,
    ProductPublished,
    ProductRetired,
    ValidationRulesPublished,
)
from domain.cpq.catalogue.pricing_rules import (
    Band,
    DiscountLimit,
    PricingMode,
    PricingRules,
    TierTable,
)
from domain.cpq.catalogue.products import Bundle, Component, Product, SspMethod
from domain.cpq.catalogue.rules import InvalidCatalogueEntry, UnknownProduct
from domain.cpq.catalogue.state import (
    DEFAULT_TIER,
    INITIAL,
    CatalogueState,
    CatalogueView,
    evolve,
)
from domain.cpq.catalogue.validation_rules import (
    Excludes,
    Matches,
    QuantityLimit,
    Requires,
    Selector,
    ValidationRule,
    ValidationRules,
)
from domain.cpq.catalogue.values import HUNDRED, MOST_UNITS, Code, Percent, Price, Units
from domain.decider import Decider

__all__ = [
    "CATALOGUE_ID",
    "DECIDER",
    "DEFAULT_TIER",
    "HUNDRED",
    "INITIAL",
    "MOST_UNITS",
    "Band",
    "Bundle",
    "BundlePublished",
    "CatalogueCommand",
    "CatalogueEvent",
    "CatalogueState",
    "CatalogueView",
    "Code",
    "Component",
    "CustomerTierSet",
    "DiscountLimit",
    "Excludes",
    "InvalidCatalogueEntry",
    "Matches",
    "Percent",
    "Price",
    "PricingMode",
    "PricingRules",
    "PricingRulesPublished",
    "Product",
    "ProductPublished",
    "ProductRetired",
    "PublishBundle",
    "PublishPricingRules",
    "PublishProduct",
    "PublishValidationRules",
    "QuantityLimit",
    "Requires",
    "RetireProduct",
    "Selector",
    "SetCustomerTier",
    "SspMethod",
    "TierTable",
    "Units",
    "UnknownProduct",
    "ValidationRule",
    "ValidationRules",
    "ValidationRulesPublished",
    "decide",
    "evolve",
]

DECIDER: Decider[CatalogueCommand, CatalogueState, CatalogueEvent] = Decider(
    name="Catalogue",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=CatalogueEvent,
    commands=CatalogueCommand,
)
