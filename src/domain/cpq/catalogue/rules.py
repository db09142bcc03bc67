"""Named catalogue rules: the checks an entry passes before it is published, and the
errors that name them."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, assert_never

from domain.cpq.catalogue.pricing_rules import PricingRules
from domain.cpq.catalogue.products import Bundle, Product
from domain.cpq.catalogue.validation_rules import (
    Excludes,
    Matches,
    QuantityLimit,
    Requires,
    ValidationRules,
)
from domain.cpq.catalogue.values import HUNDRED, MOST_UNITS
from domain.order.events import TIME_BASED_KINDS
from domain.shared import DomainError, check_number

if TYPE_CHECKING:  # the state raises this module's errors
    from domain.cpq.catalogue.state import CatalogueView


class InvalidCatalogueEntry(DomainError):
    rule = "invalid_catalogue_entry"


class UnknownProduct(DomainError):
    rule = "unknown_product"


def _check_prices(prices: dict[str, Decimal], field: str) -> None:
    for currency, amount in prices.items():
        check_number(amount, f"{field}.{currency}")


def check_product(product: Product) -> None:
    """A product has a list price and a standalone selling price in every currency it is
    sold in; a usage-based product has no term, only subscriptions and maintenance
    renew, and how it is earned fits whether it has a term."""
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
    _check_range(product)
    problem = product.revenue and product.revenue.problem(has_term=product.kind in TIME_BASED_KINDS)
    if problem:
        raise InvalidCatalogueEntry(problem, field="product.revenue")


def _check_range(product: Product) -> None:
    """An SSP range gives a low and a high bound, low <= high, in every currency sold in."""
    rng = product.ssp_range
    if rng is None:
        return
    _check_prices(rng.low, "product.ssp_range.low")
    _check_prices(rng.high, "product.ssp_range.high")
    for name in ("low_percent", "high_percent"):
        value = getattr(rng, name)
        if value is not None:
            check_number(value, f"product.ssp_range.{name}", at_most=Decimal(1000))
    for currency, list_price in product.list_prices.items():
        bounds = rng.bounds(currency, list_price)
        if bounds is None:
            raise InvalidCatalogueEntry(
                f"the SSP range gives no low and high bound in {currency} (give both, as "
                "amounts or as percentages of the list price)",
                field="product.ssp_range",
            )
        if bounds[0] > bounds[1]:
            raise InvalidCatalogueEntry(
                f"the SSP range's low bound {bounds[0]:.2f} is above its high bound "
                f"{bounds[1]:.2f} in {currency}",
                field="product.ssp_range",
            )


def check_bundle(bundle: Bundle, view: CatalogueView) -> None:
    """A bundle holds distinct products in force on its day, each sold in every currency
    the bundle is priced in, and has a price."""
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


def check_pricing(rules: PricingRules) -> None:
    """Bands start at increasing quantities and price the same currencies; a product has
    one tier table and a customer tier one discount limit, whose approval threshold is
    at most its ceiling; percentages are at most 100."""
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


def check_validation(rules: ValidationRules) -> None:
    """Every selector names a product code or a kind, a quantity limit's maximum is at
    least its minimum, and rule names are unique."""
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
