"""The catalogue: products, bundles, pricing and validation rules, effective-dated.

Seed 004 (挑战一, 支柱三): configuration errors cost 1-2 % of revenue, so what may be
sold, at what price and in which combinations is data, checked before a quote
exists. Every publication is an event and raises the catalogue's revision; each
carries the day it takes effect, so next year's price list can be published now
and a quote priced today still sees today's. What was in force on a day is the
publication with the latest effective day on or before it (a later revision
wins a tie: a correction).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Protocol, TypeVar, assert_never
from uuid import UUID

import msgspec
from msgspec.structs import replace

from domain.order.events import TIME_BASED_KINDS, LineKind
from domain.revenue.progress import Satisfaction
from domain.shared import CurrencyCode, DomainError, Name, check_number

CATALOGUE_ID = UUID("6f1c1f0e-0000-4000-8000-000000000003")

Code = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")]
Price = Annotated[Decimal, msgspec.Meta(description="decimal string, 0 to 10^12")]
Percent = Annotated[Decimal, msgspec.Meta(description="decimal string, 0 to 100")]
Units = Annotated[Decimal, msgspec.Meta(description="decimal string, above 0, at most 10^9")]
HUNDRED, MOST_UNITS = Decimal(100), Decimal(1_000_000_000)
Attributes = Annotated[dict[Name, Name], msgspec.Meta(max_length=50)]


class SspMethod(StrEnum):
    """How a standalone selling price was set (ASC 606-10-32-33, IFRS 15.79)."""

    OBSERVED = "observed"
    ADJUSTED_MARKET = "adjusted_market"
    COST_PLUS_MARGIN = "cost_plus_margin"
    RESIDUAL = "residual"


class PricingMode(StrEnum):
    GRADUATED = "graduated"  # each unit at the price of the band it falls in
    VOLUME = "volume"  # every unit at the price of the band the quantity reaches


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


class Selector(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Lines of a product (by code) or of a kind; at least one of the two."""

    product_code: str = ""
    kind: LineKind | None = None

    def describe(self) -> str:
        return self.product_code or f"a {self.kind.value if self.kind else '?'} line"


class Requires(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag=True):
    """A quote with a line matching `line` must also have one matching `needs`."""

    name: Name
    line: Selector
    needs: Selector


class Excludes(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag=True):
    """No quote has both a line matching `line` and one matching `other`."""

    name: Name
    line: Selector
    other: Selector


class Matches(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag=True):
    """Every line matching `line` has `attribute` equal to `other_attribute` of some line
    matching `other` (a licence's hardware_generation and the hardware's generation)."""

    name: Name
    line: Selector
    attribute: Name
    other: Selector
    other_attribute: Name


class QuantityLimit(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag=True
):
    """Lines matching `line` order between `minimum` and `maximum` units (inclusive)."""

    name: Name
    line: Selector
    minimum: Decimal = Decimal(0)
    maximum: Units | None = None


ValidationRule = Requires | Excludes | Matches | QuantityLimit


class ValidationRules(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    rules: Annotated[tuple[ValidationRule, ...], msgspec.Meta(max_length=10_000)] = ()


# --- commands ------------------------------------------------------------------


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

# --- events --------------------------------------------------------------------


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


class InvalidCatalogueEntry(DomainError):
    rule = "invalid_catalogue_entry"


class UnknownProduct(DomainError):
    rule = "unknown_product"


def _check_prices(prices: dict[str, Decimal], field: str) -> None:
    for currency, amount in prices.items():
        check_number(amount, f"{field}.{currency}")


def _check_product(product: Product) -> None:
    _check_prices(product.list_prices, "product.list_prices")
    _check_prices(product.ssp, "product.ssp")
    if not product.list_prices:
        raise InvalidCatalogueEntry("a product has a list price", field="product.list_prices")
    missing = sorted(set(product.list_prices) - set(product.ssp))
    if missing:
        raise InvalidCatalogueEntry(
            f"a standalone selling price is needed in every currency it is sold in: {missing}",
            field="product.ssp",
        )
    if product.usage_based and product.kind in TIME_BASED_KINDS:
        raise InvalidCatalogueEntry(
            "a usage-based product is charged by usage, not for a term", field="product.kind"
        )
    if product.auto_renew and product.kind not in TIME_BASED_KINDS:
        raise InvalidCatalogueEntry(
            "only subscriptions and maintenance renew", field="product.auto_renew"
        )
    problem = product.revenue and product.revenue.problem(has_term=product.kind in TIME_BASED_KINDS)
    if problem:
        raise InvalidCatalogueEntry(problem, field="product.revenue")


def _check_bundle(bundle: Bundle, view: CatalogueView) -> None:
    _check_prices(bundle.prices, "bundle.prices")
    for i, component in enumerate(bundle.components):
        check_number(component.quantity, f"bundle.components[{i}].quantity", positive=True,
                     at_most=MOST_UNITS)  # fmt: skip
        product = view.products.get(component.product_code)
        if product is None:
            raise UnknownProduct(
                f"no product {component.product_code!r} on {view.day.isoformat()}",
                field=f"bundle.components[{i}].product_code",
            )
        unsold = sorted(set(bundle.prices) - set(product.product.list_prices))
        if unsold:
            raise InvalidCatalogueEntry(
                f"{component.product_code} has no list price in {unsold}",
                field=f"bundle.components[{i}]",
            )
    if len({c.product_code for c in bundle.components}) != len(bundle.components):
        raise InvalidCatalogueEntry("a product appears twice in the bundle", field="bundle")
    if not bundle.prices:
        raise InvalidCatalogueEntry("a bundle has a price", field="bundle.prices")


def _check_pricing(rules: PricingRules) -> None:
    for n, table in enumerate(rules.tiers):
        for b, band in enumerate(table.bands):
            where = f"rules.tiers[{n}].bands[{b}]"
            check_number(band.from_quantity, f"{where}.from_quantity", at_most=MOST_UNITS)
            _check_prices(band.prices, f"{where}.prices")
        starts = [b.from_quantity for b in table.bands]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise InvalidCatalogueEntry(
                "bands start at increasing quantities", field=f"rules.tiers[{n}].bands"
            )
        currencies = {frozenset(b.prices) for b in table.bands}
        if len(currencies) != 1:
            raise InvalidCatalogueEntry(
                "every band prices the same currencies", field=f"rules.tiers[{n}].bands"
            )
    if len({t.product_code for t in rules.tiers}) != len(rules.tiers):
        raise InvalidCatalogueEntry("a product has one tier table", field="rules.tiers")
    uplifts = {**{k.value: v for k, v in rules.uplift_by_kind.items()}, **rules.uplift_by_product}
    for name, uplift in uplifts.items():
        check_number(uplift, f"rules.uplift.{name}", at_most=HUNDRED)
    for n, limit in enumerate(rules.discount_limits):
        check_number(limit.approve_above, f"rules.discount_limits[{n}].approve_above",
                     at_most=HUNDRED)  # fmt: skip
        check_number(limit.ceiling, f"rules.discount_limits[{n}].ceiling", at_most=HUNDRED)
        if limit.approve_above > limit.ceiling:
            raise InvalidCatalogueEntry(
                "approve_above is at most the ceiling", field=f"rules.discount_limits[{n}]"
            )
    if len({x.customer_tier for x in rules.discount_limits}) != len(rules.discount_limits):
        raise InvalidCatalogueEntry("a customer tier has one limit", field="rules.discount_limits")


def _check_validation(rules: ValidationRules) -> None:
    for n, rule in enumerate(rules.rules):
        selectors = [rule.line]
        match rule:
            case Requires(needs=other) | Excludes(other=other) | Matches(other=other):
                selectors.append(other)
            case QuantityLimit(minimum=low, maximum=high):
                check_number(low, f"rules.rules[{n}].minimum", at_most=MOST_UNITS)
                if high is not None:
                    check_number(high, f"rules.rules[{n}].maximum", positive=True,
                                 at_most=MOST_UNITS)  # fmt: skip
                if high is not None and high < low:
                    raise InvalidCatalogueEntry(
                        "maximum is at least the minimum", field=f"rules.rules[{n}]"
                    )
            case _:
                assert_never(rule)
        if any(not s.product_code and s.kind is None for s in selectors):
            raise InvalidCatalogueEntry(
                "a selector names a product code or a kind", field=f"rules.rules[{n}]"
            )
    if len({r.name for r in rules.rules}) != len(rules.rules):
        raise InvalidCatalogueEntry("rule names are unique", field="rules.rules")


def decide(command: CatalogueCommand, state: CatalogueState) -> list[CatalogueEvent]:
    revision = state.version + 1
    match command:
        case PublishProduct(product=product, effective_from=day):
            _check_product(product)
            latest = state.products.get(product.code, (None,))[-1]
            if isinstance(latest, ProductPublished) and (latest.product, latest.effective_from) == (
                product, day):  # fmt: skip
                return []  # published so already: publishing it again changes nothing
            return [ProductPublished(revision=revision, product=product, effective_from=day)]
        case RetireProduct(code=code, effective_from=day):
            if code not in state.products:
                raise UnknownProduct(f"no product {code!r}", field="code")
            return [ProductRetired(revision=revision, code=code, effective_from=day)]
        case PublishBundle(bundle=bundle, effective_from=day):
            _check_bundle(bundle, state.on(day))
            return [BundlePublished(revision=revision, bundle=bundle, effective_from=day)]
        case PublishPricingRules(rules=rules, effective_from=day):
            _check_pricing(rules)
            return [PricingRulesPublished(revision=revision, rules=rules, effective_from=day)]
        case PublishValidationRules(rules=rules, effective_from=day):
            _check_validation(rules)
            return [ValidationRulesPublished(revision=revision, rules=rules, effective_from=day)]
        case SetCustomerTier(customer_id=customer, tier=tier):
            if state.customer_tiers.get(customer, DEFAULT_TIER) == tier:
                return []
            return [CustomerTierSet(revision=revision, customer_id=customer, tier=tier)]
        case _:
            assert_never(command)


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
