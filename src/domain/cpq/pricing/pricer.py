"""Pricing a quote request against the catalogue in force: configure, price, check.

`price` turns what the salesperson asks for (products or bundles, quantities,
discounts, terms) into priced lines, or refuses with every broken rule named.
Each product's gross is charged as `charges` says (list or tier prices, terms of
several years); besides, by rule:

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

from decimal import Decimal

import msgspec

from domain.cpq.catalogue import (
    HUNDRED,
    MOST_UNITS,
    CatalogueView,
    PricingRules,
    Product,
    ProductPublished,
)
from domain.cpq.pricing.charges import (
    ZERO,
    per_unit,
    percent_of,
    places,
    tier_charges,
    unit_price_of,
    yearly,
)
from domain.cpq.pricing.priced import PricedQuote, QuoteLine, TierCharge, YearCharge
from domain.cpq.pricing.request import LineRequest, QuoteRequest
from domain.cpq.validation import ConfigurationRefused, Configured, Violation, check
from domain.order.events import TIME_BASED_KINDS, SspBounds
from domain.shared import Money, allocate, check_number, total

DEFAULT_DISCOUNT_APPROVER = "sales_director"


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

    def _tiers(self, product: Product, units: Decimal) -> tuple[TierCharge, ...]:
        """`units` at list or tier prices (per year for a term), before any discount."""
        list_price = product.list_prices[self.currency]
        table = self.rules.table(product.code)
        charged = (
            [(units, list_price)]
            if table is None
            else tier_charges(table, units, self.currency, list_price)
        )
        return tuple(TierCharge(units=u, price=Money(amount=p, currency=self.currency))
                     for u, p in charged)  # fmt: skip

    def _places(self, product: Product) -> int:
        table = self.rules.table(product.code)
        bands = table.bands if table else ()
        return places(self.currency, [product.list_prices[self.currency],
                                      *(b.prices[self.currency] for b in bands)])  # fmt: skip

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
        tiers = self._tiers(product, units)
        gross = total([t.price.times(t.units) for t in tiers], self.currency).rounded()
        ssp = Money(amount=units * product.ssp[self.currency], currency=self.currency).rounded()
        years: tuple[YearCharge, ...] = ()
        if wanted.term_months is not None:
            uplift = self.rules.uplift(product.code, product.kind)
            years = yearly(gross, uplift, wanted.term_months)
            gross = total([y.charged for y in years], self.currency)
            ssp_years = yearly(ssp, uplift, wanted.term_months)
            ssp = total([y.charged for y in ssp_years], self.currency)
        percent = wanted.discount_percent
        each, rounding = unit_price_of(gross, units, self._places(product))
        ssp_each = per_unit(ssp, units)
        return QuoteLine(
            line_id=line_id, product_code=product.code, name=product.name, kind=product.kind,
            unit=product.unit, quantity=units,
            list_price=Money(amount=product.list_prices[self.currency], currency=self.currency),
            unit_price=each, rounding=rounding, discount=percent_of(gross, percent),
            discount_percent=percent, standalone_selling_price=ssp_each,
            product_revision=published.revision, bundle_code=bundle,
            term_start=wanted.term_start, term_months=wanted.term_months, years=years,
            revenue=product.revenue, auto_renew=product.auto_renew,
            usage_based=product.usage_based, product_line=product.product_line,
            tiers=tiers if self.rules.table(product.code) else (),
            ssp_range=self._range(product, ssp_each),
        )  # fmt: skip

    def _range(self, product: Product, ssp_each: Money) -> SspBounds | None:
        """The product's SSP range per unit for the line's whole term: its per-year bounds
        scaled as its SSP was (years and uplift)."""
        rng = product.ssp_range
        bounds = rng.bounds(self.currency, product.list_prices[self.currency]) if rng else None
        if bounds is None:
            return None
        base = product.ssp[self.currency]
        scale = ssp_each.amount / base if base else Decimal(1)
        low, high = (Money(amount=b * scale, currency=self.currency).rounded() for b in bounds)
        return SspBounds(low=low, high=high)

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
