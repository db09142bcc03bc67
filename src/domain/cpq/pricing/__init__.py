"""Pricing arithmetic for configure-price-quote: pure, to the cent.

`request` holds what is asked, `priced` what it comes to, `charges` the
arithmetic of tiers, usage and terms, and `pricer` the pricing of a whole
request against the catalogue in force (`price`).
"""

from domain.cpq.pricing.charges import (
    percent_of,
    places,
    tiered_total,
    unit_price_of,
    usage_charge,
    yearly,
)
from domain.cpq.pricing.priced import PricedQuote, QuoteLine, TierCharge, YearCharge
from domain.cpq.pricing.pricer import DEFAULT_DISCOUNT_APPROVER, price
from domain.cpq.pricing.request import LineRequest, QuoteRequest

__all__ = [
    "DEFAULT_DISCOUNT_APPROVER",
    "LineRequest",
    "PricedQuote",
    "QuoteLine",
    "QuoteRequest",
    "TierCharge",
    "YearCharge",
    "percent_of",
    "places",
    "price",
    "tiered_total",
    "unit_price_of",
    "usage_charge",
    "yearly",
]
