"""The renewal quote of subscription and maintenance lines whose term is ending.

A renewal continues what the customer has, so it is not configured again (the
hardware a maintenance line covers is on the old order, not on the renewal) and
not priced from the list: each line starts from its last year's net unit price
and rises by the uplift in force for its product, over a new term from the day
the old one ends. Its unit price is at the catalogue's precision, with a rounding
adjustment where needed, as every quote line's (`pricing.charges`).
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from domain.cpq.catalogue import CatalogueView
from domain.cpq.pricing import (
    LineRequest,
    PricedQuote,
    QuoteLine,
    QuoteRequest,
    places,
    unit_price_of,
    yearly,
)
from domain.cpq.quote import Renews
from domain.order.events import LineKind
from domain.shared import Money, total

RENEWAL_MONTHS = 12


class RenewalLine(msgspec.Struct, frozen=True, kw_only=True):
    product_code: str
    name: str
    kind: LineKind
    quantity: Decimal
    last_year: Money  # one unit's last-year price, net of discount


def _line(n: int, line: RenewalLine, renews: Renews, view: CatalogueView) -> QuoteLine:
    currency = line.last_year.currency
    uplift = view.pricing_rules.uplift(line.product_code, line.kind)
    raised = line.last_year.times(line.quantity * (1 + uplift / 100))
    years = yearly(raised, Decimal(0), RENEWAL_MONTHS)
    gross = total([y.charged for y in years], currency)
    published = view.products.get(line.product_code)
    product = published.product if published else None
    ssp_each = product.ssp.get(currency) if product else None
    ssp = gross if ssp_each is None else Money(amount=ssp_each * line.quantity, currency=currency)
    listed = [product.list_prices[currency]] if product and currency in product.list_prices else []
    each, rounding = unit_price_of(gross, line.quantity, places(currency, listed))
    return QuoteLine(
        line_id=f"L{n}", product_code=line.product_code, name=line.name, kind=line.kind,
        unit=product.unit if product else "each", quantity=line.quantity,
        list_price=line.last_year.rounded(),
        unit_price=each, rounding=rounding,
        discount=Money.zero(currency), discount_percent=Decimal(0),
        standalone_selling_price=Money(amount=ssp.rounded().amount / line.quantity,
                                       currency=currency),
        product_revision=published.revision if published else 0,
        term_start=renews.term_end, term_months=RENEWAL_MONTHS, years=years,
        revenue=product.revenue if product else None, auto_renew=True,
        product_line=product.product_line if product else "",
    )  # fmt: skip


def renewal_offer(
    renews: Renews,
    lines: list[RenewalLine],
    *,
    customer_id: str,
    region: str,
    view: CatalogueView,
) -> tuple[QuoteRequest, PricedQuote]:
    """The request and priced lines of the renewal quote, priced on `view.day`."""
    currency = lines[0].last_year.currency
    priced_lines = tuple(_line(n, line, renews, view) for n, line in enumerate(lines, 1))
    request = QuoteRequest(
        customer_id=customer_id, region=region, currency=currency,
        lines=tuple(LineRequest(code=ln.product_code, quantity=ln.quantity,
                                term_start=renews.term_end, term_months=RENEWAL_MONTHS)
                    for ln in lines),
    )  # fmt: skip
    priced = PricedQuote(
        currency=currency, priced_on=view.day, customer_tier=view.tier_of(customer_id),
        lines=priced_lines, total=total([ln.net for ln in priced_lines], currency),
        catalogue_revision=view.revision,
        pricing_revision=view.pricing.revision if view.pricing else None,
        validation_revision=None, approvals=(),
    )  # fmt: skip
    return request, priced
