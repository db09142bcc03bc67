"""The charging arithmetic: tier tables, usage beyond a commitment, terms of several years.

- A product's unit price is its list price, or its tier table's: graduated (each
  unit at its band's price) or volume (every unit at the band reached). A band
  holds the units above its `from_quantity`, up to the next band's.
- Subscriptions and maintenance are priced per unit and year. Over a term of
  several years, year k costs the first year's price raised k-1 times by the
  yearly uplift (each year rounded to the cent); a part year costs its months'
  share. The line's unit price is the whole term's.
- Usage is charged beyond the commitment, on the cumulative units used: the
  price of all the units so far less that of the units already charged.
- A line's gross is exact: its tiers (and years) summed, then rounded once. Its
  unit price is gross / quantity at the catalogue's precision (the currency's
  minor unit, or finer where the product's prices are), half up; where quantity
  x that price, rounded, is not the gross, the line's rounding adjustment is
  the difference (at most half a minor unit a unit), so the line, the order,
  its invoices and its revenue all total the gross to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from domain.cpq.catalogue import HUNDRED, PricingMode, TierTable
from domain.cpq.pricing.priced import YearCharge
from domain.shared import Money, minor_units, quantum

ZERO, TWELVE = Decimal(0), Decimal(12)


def tier_charges(
    table: TierTable, quantity: Decimal, currency: str, list_price: Decimal
) -> list[tuple[Decimal, Decimal]]:
    """The (units, unit price) `quantity` units are charged at by the table; units below
    the first band cost the list price. Prices with no units are left out."""
    bands = sorted(table.bands, key=lambda b: b.from_quantity)
    if table.mode is PricingMode.VOLUME:
        reached = [b for b in bands if quantity > b.from_quantity]
        return [(quantity, reached[-1].prices[currency] if reached else list_price)]
    below = min(quantity, bands[0].from_quantity)
    charges = [(below, list_price)] if below > 0 else []
    for band, upper in zip(bands, [*(b.from_quantity for b in bands[1:]), None], strict=True):
        ceiling = quantity if upper is None else min(quantity, upper)
        units = max(ZERO, ceiling - band.from_quantity)
        charges += [(units, band.prices[currency])] if units > 0 else []
    return charges


def tiered_total(
    table: TierTable, quantity: Decimal, currency: str, list_price: Decimal
) -> Decimal:
    """What `quantity` units cost by the table (unrounded)."""
    return sum((u * p for u, p in tier_charges(table, quantity, currency, list_price)), ZERO)


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


def places(currency: str, prices: Iterable[Decimal]) -> int:
    """The catalogue's precision for prices in `currency`: its minor unit, or the finest of
    `prices` where that is finer."""
    return max(minor_units(currency), *(_decimals(p) for p in prices))


def _decimals(price: Decimal) -> int:
    exponent = price.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def unit_price_of(gross: Money, units: Decimal, decimals: int) -> tuple[Money, Money | None]:
    """A unit's price to `decimals` places (half up) and the rounding adjustment that brings
    `units` of it, rounded to the minor unit, to `gross` (None where none is needed)."""
    step = Decimal(1).scaleb(-decimals)
    unit = Money(amount=(gross.amount / units).quantize(step, ROUND_HALF_UP),
                 currency=gross.currency)  # fmt: skip
    rounding = gross.rounded() - unit.times(units).rounded()
    return unit, rounding if rounding.amount else None


def per_unit(line_total: Money, units: Decimal) -> Money:
    """A unit's price such that `units` of it round back to `line_total` exactly."""
    return Money(amount=line_total.amount / units, currency=line_total.currency)


def percent_of(amount: Money, percent: Decimal) -> Money:
    return Money(
        amount=(amount.amount * percent / HUNDRED).quantize(
            quantum(amount.currency), rounding=ROUND_HALF_UP
        ),
        currency=amount.currency,
    )
