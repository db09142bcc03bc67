"""Pricing a quote request against the catalogue in force: configure, price, check.

`price` turns what the salesperson asks for (products or bundles, quantities,
discounts, terms) into priced lines, or refuses with every broken rule named.
Its arithmetic, by rule:

- A product's unit price is its list price, or its tier table's: graduated (each
  unit at its band's price) or volume (every unit at the band reached). A band
  holds the units above its `from_quantity`, up to the next band's.
- Subscriptions and maintenance are priced per unit and year. Over a term of
  several years, year k costs the first year's price raised k-1 times by the
  yearly uplift (each year rounded to the cent); a part year costs its months'
  share. The line's unit price is the whole term's.
- A bundle is its components at list price, less the bundle's own discount
  (their list total less the bundle price), shared over the components by list
  value to the cent.
- A requested discount is a percentage of the line; above the customer tier's
  limit the tier's approver must approve the order, above its ceiling none is
  given. No limit published for a tier: any discount needs the sales director.

The total is the sum of the lines' nets, each line's net its rounded gross less
its discount, so the quote, the order and the invoice agree to the cent.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

import msgspec

from domain.cpq.catalogue import (
    HUNDRED,
    MOST_UNITS,
    CatalogueView,
    Code,
    Percent,
    PricingMode,
    PricingRules,
    Product,
    ProductPublished,
    TierTable,
    Units,
)
from domain.cpq.validation import ConfigurationRefused, Configured, Violation, check
from domain.order.events import TIME_BASED_KINDS, LineKind, OrderLine
from domain.revenue.progress import Satisfaction
from domain.shared import Money, Name, allocate, check_number, quantum, total

ZERO, TWELVE = Decimal(0), Decimal(12)
DEFAULT_DISCOUNT_APPROVER = "sales_director"
Months = Annotated[int, msgspec.Meta(ge=1, le=240)]


class LineRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: Code  # a product's or a bundle's
    quantity: Units
    discount_percent: Percent = ZERO
    term_start: date | None = None
    term_months: Months | None = None


class QuoteRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    customer_id: Name
    region: Name
    currency: str
    lines: Annotated[tuple[LineRequest, ...], msgspec.Meta(min_length=1, max_length=500)]


class YearCharge(msgspec.Struct, frozen=True, kw_only=True):
    """One year of a line's term: the full year's price and what is charged for it
    (a part year, its months' share)."""

    year: int
    months: int
    annual: Money
    charged: Money


class QuoteLine(msgspec.Struct, frozen=True, kw_only=True):
    line_id: str
    product_code: str
    name: str
    kind: LineKind
    unit: str
    quantity: Decimal
    list_price: Money  # per unit (and year), before tiers
    unit_price: Money  # per unit, for the whole term
    discount: Money
    discount_percent: Decimal  # as requested (a bundle's own discount is not counted)
    standalone_selling_price: Money  # per unit, for the whole term
    product_revision: int
    bundle_code: str = ""
    term_start: date | None = None
    term_months: int | None = None
    years: tuple[YearCharge, ...] = ()
    revenue: Satisfaction | None = None
    auto_renew: bool = False
    usage_based: bool = False  # the quantity is the commitment; usage above it is charged
    product_line: str = ""

    @property
    def gross(self) -> Money:
        return self.order_line().gross

    @property
    def net(self) -> Money:
        """What the order line it becomes will charge: its amounts are the order's."""
        return self.order_line().net

    def order_line(self) -> OrderLine:
        return OrderLine(
            line_id=self.line_id, product_code=self.product_code, kind=self.kind,
            quantity=self.quantity, unit_price=self.unit_price, discount=self.discount,
            standalone_selling_price=self.standalone_selling_price, description=self.name,
            product_line=self.product_line, term_start=self.term_start,
            term_months=self.term_months, revenue=self.revenue,
            catalogue_revision=self.product_revision, auto_renew=self.auto_renew,
            usage_based=self.usage_based,
        )  # fmt: skip


class PricedQuote(msgspec.Struct, frozen=True, kw_only=True):
    currency: str
    priced_on: date
    customer_tier: str
    lines: tuple[QuoteLine, ...]
    total: Money
    catalogue_revision: int
    pricing_revision: int | None
    validation_revision: int | None
    approvals: tuple[str, ...]  # roles that must approve the discounts given


# --- the arithmetic -------------------------------------------------------------


def tiered_total(
    table: TierTable, quantity: Decimal, currency: str, list_price: Decimal
) -> Decimal:
    """What `quantity` units cost by the table (unrounded); units below the first band
    cost the list price."""
    bands = sorted(table.bands, key=lambda b: b.from_quantity)
    below = min(quantity, bands[0].from_quantity)
    cost = below * list_price
    if table.mode is PricingMode.VOLUME:
        reached = [b for b in bands if quantity > b.from_quantity]
        return cost if not reached else quantity * reached[-1].prices[currency]
    for band, upper in zip(bands, [*(b.from_quantity for b in bands[1:]), None], strict=True):
        ceiling = quantity if upper is None else min(quantity, upper)
        cost += max(ZERO, ceiling - band.from_quantity) * band.prices[currency]
    return cost


def usage_charge(
    table: TierTable | None,
    list_price: Money,
    committed: Decimal,
    before: Decimal,
    after: Decimal,
) -> Money:
    """What usage moving from `before` to `after` (cumulative) costs beyond the commitment:
    the table's price of max(after, committed) less that of max(before, committed).
    Nothing until the commitment is used up; negative where volume pricing lowers the
    whole (a credit)."""
    currency = list_price.currency

    def priced(units: Decimal) -> Money:
        units = max(units, committed)
        cost = (units * list_price.amount if table is None
                else tiered_total(table, units, currency, list_price.amount))  # fmt: skip
        return Money(amount=cost, currency=currency).rounded()

    return priced(after) - priced(before)


def yearly(first_year: Money, uplift: Decimal, months: int) -> tuple[YearCharge, ...]:
    """The years of a term: each year's price is the last one's raised by `uplift` %,
    rounded to the cent; a part year is charged its months' share."""
    years, left, annual = [], months, first_year.rounded()
    factor = 1 + uplift / HUNDRED
    for year in range(1, (months + 11) // 12 + 1):
        span = min(12, left)
        charged = annual.times(Decimal(span) / TWELVE).rounded()
        years.append(YearCharge(year=year, months=span, annual=annual, charged=charged))
        left -= 12
        annual = annual.times(factor).rounded()
    return tuple(years)


def _per_unit(line_total: Money, units: Decimal) -> Money:
    """A unit's price such that `units` of it round back to `line_total` exactly."""
    return Money(amount=line_total.amount / units, currency=line_total.currency)


def percent_of(amount: Money, percent: Decimal) -> Money:
    return Money(
        amount=(amount.amount * percent / HUNDRED).quantize(
            quantum(amount.currency), rounding=ROUND_HALF_UP
        ),
        currency=amount.currency,
    )


# --- pricing a request ----------------------------------------------------------


class _Pricer:
    def __init__(self, view: CatalogueView, request: QuoteRequest) -> None:
        self.view, self.request = view, request
        self.currency = request.currency
        self.rules: PricingRules = view.pricing_rules
        self.tier = view.tier_of(request.customer_id)
        self.violations: list[Violation] = []
        self.configured: list[Configured] = []
        self.approvals: list[str] = []

    def refuse(self, rule: str, field: str, message: str) -> None:
        self.violations.append(Violation(rule=rule, field=field, message=message))

    def price(self) -> PricedQuote:
        lines: list[QuoteLine] = []
        for i, wanted in enumerate(self.request.lines):
            where = f"lines[{i}]"
            check_number(wanted.quantity, f"{where}.quantity", positive=True, at_most=MOST_UNITS)
            check_number(wanted.discount_percent, f"{where}.discount_percent", at_most=HUNDRED)
            self._check_discount(wanted, where)
            if wanted.code in self.view.bundles:
                lines += self._bundle(wanted, where, f"L{i + 1}")
            elif wanted.code in self.view.products:
                line = self._product(wanted, where, f"L{i + 1}")
                lines += [line] if line else []
            else:
                self.refuse("unknown_product", f"{where}.code",
                            f"no product or bundle {wanted.code!r} is sold on "
                            f"{self.view.day.isoformat()}")  # fmt: skip
        self.violations += check(self.view.validation_rules.rules, self.configured)
        if self.violations:
            raise ConfigurationRefused(self.violations)
        return PricedQuote(
            currency=self.currency, priced_on=self.view.day, customer_tier=self.tier,
            lines=tuple(lines), total=total([ln.net for ln in lines], self.currency),
            catalogue_revision=self.view.revision,
            pricing_revision=self.view.pricing.revision if self.view.pricing else None,
            validation_revision=self.view.validation.revision if self.view.validation else None,
            approvals=tuple(self.approvals),
        )  # fmt: skip

    def _check_discount(self, wanted: LineRequest, where: str) -> None:
        percent = wanted.discount_percent
        if not percent:
            return
        limit = self.rules.limit(self.tier)
        if limit is None:
            approver = DEFAULT_DISCOUNT_APPROVER
        elif percent > limit.ceiling:
            self.refuse("discount_ceiling", f"{where}.discount_percent",
                        f"{percent} % is above the {limit.ceiling} % a {self.tier} customer "
                        "may be given")  # fmt: skip
            return
        elif percent <= limit.approve_above:
            return
        else:
            approver = limit.approver
        if approver not in self.approvals:
            self.approvals.append(approver)

    def _sellable(self, published: ProductPublished, where: str) -> bool:
        product = published.product
        if self.currency not in product.list_prices:
            self.refuse("currency_unavailable", f"{where}.code",
                        f"{product.code} is not sold in {self.currency}; it is sold in "
                        f"{', '.join(sorted(product.list_prices))}")  # fmt: skip
            return False
        if product.regions and self.request.region not in product.regions:
            self.refuse("region_unavailable", f"{where}.code",
                        f"{product.code} is not sold in {self.request.region}; it is sold in "
                        f"{', '.join(product.regions)}")  # fmt: skip
            return False
        table = self.rules.table(product.code)
        if table is not None and self.currency not in table.bands[0].prices:
            self.refuse("currency_unavailable", f"{where}.code",
                        f"{product.code}'s tier table has no {self.currency} prices")  # fmt: skip
            return False
        if product.usage_based and table is None:
            self.refuse("usage_unpriced", f"{where}.code",
                        f"{product.code} is priced by usage but has no tier table")  # fmt: skip
            return False
        return True

    def _term(self, product: Product, wanted: LineRequest, where: str) -> bool:
        timed = product.kind in TIME_BASED_KINDS
        has_term = wanted.term_start is not None and wanted.term_months is not None
        if timed and not has_term:
            self.refuse("term_required", f"{where}.term_months",
                        f"{product.code} is a {product.kind.value}: it needs a term "
                        "(term_start and term_months)")  # fmt: skip
            return False
        if not timed and (wanted.term_start or wanted.term_months):
            self.refuse("term_not_applicable", f"{where}.term_months",
                        f"{product.code} is a {product.kind.value}; only subscriptions and "
                        "maintenance have a term")  # fmt: skip
            return False
        return True

    def _list_total(self, product: Product, units: Decimal) -> Money:
        """`units` at list or tier prices (per year for a term), before any discount."""
        list_price = product.list_prices[self.currency]
        table = self.rules.table(product.code)
        cost = (
            units * list_price
            if table is None
            else tiered_total(table, units, self.currency, list_price)
        )
        return Money(amount=cost, currency=self.currency)

    def _product(
        self,
        wanted: LineRequest,
        where: str,
        line_id: str,
        *,
        bundle: str = "",
        quantity: Decimal | None = None,
    ) -> QuoteLine | None:
        published = self.view.products[wanted.code]
        product, units = published.product, quantity or wanted.quantity
        self.configured.append(Configured(
            field=where, product_code=product.code, kind=product.kind, quantity=units,
            attributes=product.attributes,
        ))  # fmt: skip
        if not (self._sellable(published, where) and self._term(product, wanted, where)):
            return None
        gross = self._list_total(product, units).rounded()
        ssp = Money(amount=units * product.ssp[self.currency], currency=self.currency).rounded()
        years: tuple[YearCharge, ...] = ()
        if wanted.term_months is not None:
            uplift = self.rules.uplift(product.code, product.kind)
            years = yearly(gross, uplift, wanted.term_months)
            gross = total([y.charged for y in years], self.currency)
            ssp_years = yearly(ssp, uplift, wanted.term_months)
            ssp = total([y.charged for y in ssp_years], self.currency)
        percent = wanted.discount_percent
        return QuoteLine(
            line_id=line_id, product_code=product.code, name=product.name, kind=product.kind,
            unit=product.unit, quantity=units,
            list_price=Money(amount=product.list_prices[self.currency], currency=self.currency),
            unit_price=_per_unit(gross, units), discount=percent_of(gross, percent),
            discount_percent=percent, standalone_selling_price=_per_unit(ssp, units),
            product_revision=published.revision, bundle_code=bundle,
            term_start=wanted.term_start, term_months=wanted.term_months, years=years,
            revenue=product.revenue, auto_renew=product.auto_renew,
            usage_based=product.usage_based, product_line=product.product_line,
        )  # fmt: skip

    def _bundle(self, wanted: LineRequest, where: str, line_id: str) -> list[QuoteLine]:
        bundle = self.view.bundles[wanted.code].bundle
        if self.currency not in bundle.prices:
            self.refuse("currency_unavailable", f"{where}.code",
                        f"bundle {bundle.code} has no {self.currency} price")  # fmt: skip
            return []
        if bundle.regions and self.request.region not in bundle.regions:
            self.refuse("region_unavailable", f"{where}.code",
                        f"bundle {bundle.code} is not sold in {self.request.region}")  # fmt: skip
            return []
        parts: list[QuoteLine] = []
        timed = False
        for j, component in enumerate(bundle.components):
            inner = f"{where}.components[{j}]"
            published = self.view.products.get(component.product_code)
            if published is None:
                self.refuse("unknown_product", inner,
                            f"bundle {bundle.code} holds {component.product_code}, which is "
                            f"not sold on {self.view.day.isoformat()}")  # fmt: skip
                continue
            # The bundle's term is its subscriptions' and maintenance's.
            has_term = published.product.kind in TIME_BASED_KINDS
            timed |= has_term
            as_product = msgspec.structs.replace(
                wanted, code=component.product_code, discount_percent=ZERO,
                term_start=wanted.term_start if has_term else None,
                term_months=wanted.term_months if has_term else None,
            )  # fmt: skip
            part = self._product(as_product, inner, f"{line_id}.{j + 1}", bundle=bundle.code,
                                 quantity=component.quantity * wanted.quantity)  # fmt: skip
            parts += [part] if part else []
        if not timed and (wanted.term_start or wanted.term_months):
            self.refuse("term_not_applicable", f"{where}.term_months",
                        f"bundle {bundle.code} holds no subscription or maintenance; "
                        "it has no term")  # fmt: skip
            return []
        if len(parts) != len(bundle.components):
            return []
        return self._share_bundle_price(bundle.prices[self.currency], wanted, parts, where)

    def _share_bundle_price(
        self, price: Decimal, wanted: LineRequest, parts: list[QuoteLine], where: str
    ) -> list[QuoteLine]:
        grosses = [p.gross for p in parts]
        list_total = total(grosses, self.currency)
        bundled = Money(amount=price * wanted.quantity, currency=self.currency).rounded()
        net = bundled - percent_of(bundled, wanted.discount_percent)
        if bundled.amount > list_total.amount:
            self.refuse("bundle_above_parts", f"{where}.code",
                        f"bundle {wanted.code} costs {bundled}, more than its parts' "
                        f"{list_total}")  # fmt: skip
            return []
        shares = allocate(list_total - net, [g.amount for g in grosses])
        return [
            msgspec.structs.replace(p, discount=share, discount_percent=wanted.discount_percent)
            for p, share in zip(parts, shares, strict=True)
        ]


def price(view: CatalogueView, request: QuoteRequest) -> PricedQuote:
    """Price `request` by the catalogue in `view`, or raise ConfigurationRefused."""
    return _Pricer(view, request).price()
