"""SSP ranges (issue 27, item 4): a price within a product's SSP range stands as its own
SSP, outside it the nearer bound does; the SSP used and why are recorded per obligation.

Worked example (figures checkable by hand): hardware listed at 100,000 with a range of
80-100 % of list is sold at 95,000 (within: SSP 95,000); a licence with a stated SSP
of 60,000 is sold at 50,000 (no range: SSP 60,000); maintenance with a range of
11,000-13,000 is sold at 10,000 (below: SSP 11,000). The price of 155,000 is allocated
on SSPs 95,000 / 60,000 / 11,000 (166,000): 88,704.82 / 56,024.10 / 10,271.08, summing
to 155,000.00; the hardware is carved out by 6,295.18, the licence carved in by
6,024.10 and the maintenance by 271.08.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given as hypothesis_given
from hypothesis import strategies as st

from domain.cpq.catalogue import Product
from domain.cpq.catalogue.products import SspMethod, SspRange
from domain.cpq.catalogue.rules import InvalidCatalogueEntry, check_product
from domain.order.events import LineKind, OrderLine, SspBounds
from domain.revenue import ContractIdentified
from domain.revenue.identification import line_ssp
from domain.shared import Money
from domain.testing import revenue_spec as given
from tests.domain.test_revenue_contract import cny, identify, line

D = Decimal


def ranged(item: OrderLine, low: int, high: int) -> OrderLine:
    from msgspec.structs import replace

    return replace(item, ssp_range=SspBounds(low=cny(low), high=cny(high)))


EXAMPLE = (
    ranged(line("HW", LineKind.HARDWARE, 95_000, 90_000), 80_000, 100_000),
    line("LIC", LineKind.SOFTWARE_LICENCE, 50_000, 60_000),
    ranged(line("MNT", LineKind.MAINTENANCE, 10_000, 12_000, term_start=date(2026, 2, 1),
                term_months=12), 11_000, 13_000),
)  # fmt: skip


def test_the_worked_example_to_the_cent() -> None:
    [event] = given().when(identify(lines=EXAMPLE)).events()
    assert isinstance(event, ContractIdentified)
    ssp = {o.obligation_id: o.ssp for o in event.obligations}
    assert ssp == {"HW": cny(95_000), "LIC": cny(60_000), "MNT": cny(11_000)}
    basis = {o.obligation_id: o.ssp_basis[0] for o in event.obligations}
    assert "within the SSP range 80,000.00-100,000.00: its own SSP" in basis["HW"]
    assert basis["LIC"] == "LIC: stated SSP 60,000.00 per unit"
    assert "below the SSP range 11,000.00-13,000.00: the bound 11,000.00" in basis["MNT"]
    allocated = {a.obligation_id: a.amount for a in event.allocation}
    assert allocated == {"HW": cny("88704.82"), "LIC": cny("56024.10"), "MNT": cny("10271.08")}
    assert sum(a.amount for a in allocated.values()) == D(155_000)


def test_above_the_range_the_high_bound_is_the_ssp() -> None:
    amount, why = line_ssp(ranged(line("HW", LineKind.HARDWARE, 120_000, 90_000, quantity=2),
                                  80_000, 100_000))  # fmt: skip
    assert amount == cny(200_000)
    assert "above the SSP range" in why and "the bound 100,000.00" in why


@pytest.mark.parametrize(
    ("rng", "words"),
    [
        (SspRange(low={"CNY": D(900)}, high={"CNY": D(800)}), "is above its high bound"),
        (SspRange(low_percent=D(80)), "gives no low and high bound in CNY"),
    ],
)
def test_a_range_that_cannot_be_used_is_refused_at_publication(rng: SspRange, words: str) -> None:
    product = Product(code="HW-1", name="hardware", kind=LineKind.HARDWARE,
                      list_prices={"CNY": D(1000)}, ssp={"CNY": D(900)},
                      ssp_method=SspMethod.OBSERVED, ssp_range=rng)  # fmt: skip
    with pytest.raises(InvalidCatalogueEntry, match=words) as refused:
        check_product(product)
    assert refused.value.field == "product.ssp_range"


def test_a_range_as_percent_of_list_price() -> None:
    assert SspRange(low_percent=D(80), high_percent=D(110)).bounds("CNY", D(1000)) == (
        D(800), D(1100))  # fmt: skip
    both = SspRange(low={"CNY": D(850)}, low_percent=D(80), high_percent=D(110))
    assert both.bounds("CNY", D(1000)) == (D(850), D(1100))  # an amount wins for its currency


amounts = st.integers(1, 10**6)


@hypothesis_given(price=amounts, low=amounts, width=st.integers(0, 10**6),
                  quantity=st.integers(1, 50))  # fmt: skip
def test_the_ssp_used_is_the_price_clamped_to_the_range(
    price: int, low: int, width: int, quantity: int
) -> None:
    item = ranged(line("X", LineKind.HARDWARE, price, 1, quantity=quantity), low, low + width)
    amount, _ = line_ssp(item)
    each = item.net.amount / quantity
    clamped = min(max(each, D(low)), D(low + width))
    assert amount == Money(amount=clamped * quantity, currency="CNY").rounded()
    assert D(low) * quantity - D("0.01") <= amount.amount <= D(low + width) * quantity + D("0.01")


def test_a_quoted_line_carries_its_products_range_scaled_to_its_term() -> None:
    """HW-G3 lists at 80,000 with an SSP range of 90-105 % of list (72,000-84,000); the
    hardware maintenance's range of 87.5-112.5 % of its 8,000 list (7,000-9,000 a year)
    becomes 21,636.30-27,818.10 per unit over 36 months with its 3 % yearly uplift:
    scaled as its SSP was, 24,727.20 / 8,000 = 3.0909."""
    from msgspec.structs import replace

    from domain.cpq.catalogue import PublishProduct
    from domain.cpq.pricing import LineRequest, QuoteRequest, price
    from domain.testing.cpq import EFFECTIVE, EXAMPLE_PRODUCTS, catalogue_spec, example_catalogue

    by_code = {p.code: p for p in EXAMPLE_PRODUCTS}
    ranged_hw = replace(by_code["HW-G3"], ssp_range=SspRange(low_percent=D(90),
                                                             high_percent=D(105)))  # fmt: skip
    ranged_mnt = replace(by_code["MAINT-HW"], ssp_range=SspRange(low_percent=D("87.5"),
                                                                 high_percent=D("112.5")))  # fmt: skip
    state = catalogue_spec.fold(catalogue_spec.run(
        *example_catalogue(), PublishProduct(product=ranged_hw, effective_from=EFFECTIVE),
        PublishProduct(product=ranged_mnt, effective_from=EFFECTIVE)))  # fmt: skip
    on = date(2026, 3, 1)
    request = QuoteRequest(customer_id="C-1", region="华东", currency="CNY", lines=(
        LineRequest(code="HW-G3", quantity=D(1)),
        LineRequest(code="MAINT-HW", quantity=D(1), term_start=on, term_months=36)))  # fmt: skip
    hw, mnt = price(state.on(on), request).lines
    assert hw.order_line().ssp_range == SspBounds(low=cny(72_000), high=cny(84_000))
    assert mnt.standalone_selling_price == cny("24727.20")
    assert mnt.order_line().ssp_range == SspBounds(low=cny("21636.30"), high=cny("27818.10"))
