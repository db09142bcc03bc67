"""Pricing and configuration rules, one worked example per rule (the example catalogue
of domain.testing.cpq: a tech vendor's servers, licences, maintenance, SaaS seats)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from msgspec.structs import replace

from domain.cpq.catalogue import (
    CatalogueState,
    PricingMode,
    PublishPricingRules,
    PublishProduct,
    RetireProduct,
    SetCustomerTier,
)
from domain.cpq.pricing import LineRequest, PricedQuote, QuoteRequest, price, usage_charge
from domain.cpq.validation import ConfigurationRefused
from domain.shared import Money
from domain.testing.cpq import (
    EFFECTIVE,
    EXAMPLE_PRICING,
    EXAMPLE_PRODUCTS,
    catalogue_spec,
    example_catalogue,
    example_state,
)

ON = date(2026, 3, 1)
CATALOGUE = example_state()


def cny(amount: str | int) -> Money:
    return Money.of(amount, "CNY")


def line(code: str, quantity: int | str = 1, **more: object) -> LineRequest:
    return LineRequest(code=code, quantity=Decimal(quantity), **more)  # type: ignore[arg-type]


def term(months: int) -> dict[str, object]:
    return {"term_start": ON, "term_months": months}


def quote(
    *lines: LineRequest,
    customer: str = "C-1",
    region: str = "华东",
    currency: str = "CNY",
    state: CatalogueState = CATALOGUE,
    on: date = ON,
) -> PricedQuote:
    request = QuoteRequest(customer_id=customer, region=region, currency=currency, lines=lines)
    return price(state.on(on), request)


def refused(*lines: LineRequest, **more: object) -> list[tuple[str, str]]:
    with pytest.raises(ConfigurationRefused) as caught:
        quote(*lines, **more)  # type: ignore[arg-type]
    return [(v.rule, v.field) for v in caught.value.violations]


def test_list_prices_and_a_discount_within_the_salespersons_limit() -> None:
    priced = quote(line("HW-G3", 2, discount_percent=Decimal(5)), line("LIC-V3", 2))
    hw, lic = priced.lines
    assert (hw.gross, hw.discount, hw.net) == (cny(160_000), cny(8_000), cny(152_000))
    assert lic.net == cny(60_000)
    assert priced.total == cny(212_000)
    assert priced.approvals == ()
    assert hw.product_revision == 1  # the publication it was priced by


def test_multi_year_maintenance_rises_by_the_yearly_uplift() -> None:
    """3 % a year on maintenance: 16,000.00, 16,480.00, 16,974.40 for two units."""
    priced = quote(line("HW-G3", 2), line("MAINT-HW", 2, **term(36)))
    maintenance = priced.lines[1]
    charged = [y.charged for y in maintenance.years]
    assert charged == [cny("16000.00"), cny("16480.00"), cny("16974.40")]
    assert maintenance.gross == cny("49454.40")
    assert maintenance.unit_price == cny("24727.20")
    assert maintenance.standalone_selling_price == cny("24727.20")  # SSP rises alike


def test_a_part_year_is_charged_its_months_share() -> None:
    """100 seats for 18 months: 110,000 in year one, half of 115,500 in year two."""
    saas = quote(line("SAAS-USER", 100, **term(18))).lines[0]
    assert [(y.months, y.charged) for y in saas.years] == [
        (12, cny(110_000)),
        (6, cny(57_750)),
    ]
    assert saas.net == cny(167_750)


def test_graduated_seats_cost_each_bands_price() -> None:
    """50 seats at 1,200, the next 70 at 1,000."""
    saas = quote(line("SAAS-USER", 120, **term(12))).lines[0]
    assert saas.gross == cny(130_000)
    assert [(t.units, t.price) for t in saas.tiers] == [(50, cny(1200)), (70, cny(1000))]


def test_a_graduated_lines_unit_price_is_in_cents_and_its_rounding_is_explicit() -> None:
    """130,000.00 over 120 seats is 1,083.33 a seat; 120 x 1,083.33 is 129,999.60, so the
    line carries the 0.40 left as its rounding adjustment and still totals 130,000.00."""
    saas = quote(line("SAAS-USER", 120, **term(12)), line("SAAS-USER", 120, **term(36)))
    year, three_years = saas.lines
    assert str(year.unit_price.amount) == "1083.33"
    assert year.rounding == cny("0.40")
    assert (year.gross, year.net) == (cny(130_000), cny(130_000))
    # 130,000 + 136,500 + 143,325 over three years: 3,415.21 a seat, 0.20 too much.
    assert str(three_years.unit_price.amount) == "3415.21"
    assert (three_years.rounding, three_years.gross) == (cny("-0.20"), cny(409_825))
    assert saas.total == cny(539_825)


def test_a_unit_price_that_multiplies_out_needs_no_rounding() -> None:
    priced = quote(line("HW-G3", 2), line("SAAS-USER", 100, **term(18)))
    assert [(str(ln.unit_price.amount), ln.rounding) for ln in priced.lines] == [
        ("80000.00", None), ("1677.50", None)]  # fmt: skip


def test_a_price_finer_than_the_cent_keeps_its_precision() -> None:
    """API calls listed at 0.0015 a call: a unit's price is not rounded to 0.00."""
    calls = replace(EXAMPLE_PRODUCTS[-1], code="CALLS", usage_based=False,
                    list_prices={"CNY": Decimal("0.0015")})  # fmt: skip
    state = catalogue_spec.fold(catalogue_spec.run(
        *example_catalogue(), PublishProduct(product=calls, effective_from=EFFECTIVE)))  # fmt: skip
    priced = quote(line("CALLS", 1001), state=state).lines[0]
    assert (str(priced.unit_price.amount), priced.rounding, priced.gross) == (
        "0.0015", None, cny("1.50"))  # fmt: skip


def test_volume_pricing_puts_every_seat_in_the_band_reached() -> None:
    table = replace(EXAMPLE_PRICING.tiers[0], mode=PricingMode.VOLUME)
    rules = replace(EXAMPLE_PRICING, tiers=(table,))
    state = catalogue_spec.fold(
        catalogue_spec.run(
            *example_catalogue(), PublishPricingRules(rules=rules, effective_from=EFFECTIVE)
        )
    )
    assert quote(line("SAAS-USER", 120, **term(12)), state=state).total == cny(120_000)
    assert quote(line("SAAS-USER", 250, **term(12)), state=state).total == cny(200_000)


def test_a_bundle_shares_its_own_discount_over_its_parts_by_list_value() -> None:
    """Parts list at 120,000; the kit costs 110,000: 10,000 shared 80:30:10."""
    priced = quote(line("STARTER"))
    assert [(ln.line_id, ln.product_code) for ln in priced.lines] == [
        ("L1.1", "HW-G3"),
        ("L1.2", "LIC-V3"),
        ("L1.3", "TRAIN"),
    ]
    assert [ln.discount for ln in priced.lines] == [cny("6666.67"), cny(2500), cny("833.33")]
    assert priced.total == cny(110_000)
    assert priced.lines[2].quantity == 2
    assert {ln.bundle_code for ln in priced.lines} == {"STARTER"}


def test_a_discount_on_a_bundle_comes_off_the_bundle_price() -> None:
    priced = quote(line("STARTER", 2, discount_percent=Decimal(10)))
    assert priced.total == cny(198_000)


def test_a_discount_above_the_tiers_limit_needs_its_approver() -> None:
    assert quote(line("HW-G3", discount_percent=Decimal(15))).approvals == ("sales_director",)
    strategic = quote(line("HW-G3", discount_percent=Decimal(30)), customer="C-STRATEGIC")
    assert strategic.approvals == ("vp",)
    assert strategic.customer_tier == "strategic"


def test_a_discount_above_the_ceiling_is_refused() -> None:
    assert refused(line("HW-G3", discount_percent=Decimal(30))) == [
        ("discount_ceiling", "lines[0].discount_percent")
    ]


def test_a_tier_without_a_published_limit_sends_any_discount_to_the_sales_director() -> None:
    state = catalogue_spec.fold(
        catalogue_spec.run(*example_catalogue(), SetCustomerTier(customer_id="C-9", tier="key"))
    )
    priced = quote(line("HW-G3", discount_percent=Decimal(1)), customer="C-9", state=state)
    assert priced.approvals == ("sales_director",)


@pytest.mark.parametrize(
    ("lines", "broken"),
    [
        ([line("HW-G3"), line("MAINT-HW", **term(12)), line("MAINT-HW", **term(12))], []),
        ([line("MAINT-HW", **term(12))], [("maintenance_covers_hardware", "lines[0]")]),
        (
            [line("HW-G3"), line("LIC-V2")],
            [("licence_matches_hardware", "lines[1]")],
        ),
        (
            [line("HW-G2"), line("HW-G3"), line("LIC-V2")],
            [("one_generation_per_site", "lines[1]")],
        ),
        ([line("HW-G3"), line("TRAIN", 25)], [("training_days", "lines[1].quantity")]),
        ([line("SAAS-USER", 3, **term(12))], [("saas_minimum_seats", "lines[0].quantity")]),
        ([line("HW-G3"), line("MAINT-HW")], [("term_required", "lines[1].term_months")]),
        ([line("HW-G3", **term(12))], [("term_not_applicable", "lines[0].term_months")]),
        ([line("NOPE")], [("unknown_product", "lines[0].code")]),
    ],
)
def test_configuration_rules(lines: list[LineRequest], broken: list[tuple[str, str]]) -> None:
    if broken:
        assert refused(*lines) == broken
    else:
        quote(*lines)


def test_every_broken_rule_is_named_at_once() -> None:
    assert refused(
        line("MAINT-HW", **term(12)),
        line("LIC-V2"),
        line("TRAIN", 30, discount_percent=Decimal(50)),
        region="华北",
    ) == [
        ("discount_ceiling", "lines[2].discount_percent"),
        ("maintenance_covers_hardware", "lines[0]"),
        ("licence_matches_hardware", "lines[1]"),
        ("training_days", "lines[2].quantity"),
    ]


def test_region_and_currency_availability() -> None:
    assert refused(line("HW-G2"), line("LIC-V2"), region="华北") == [
        ("region_unavailable", "lines[0].code")
    ]
    assert refused(line("STARTER"), currency="USD") == [("currency_unavailable", "lines[0].code")]
    assert refused(line("HW-G3"), currency="EUR") == [("currency_unavailable", "lines[0].code")]


def test_seats_in_a_currency_the_tier_table_lacks_are_refused() -> None:
    assert refused(line("SAAS-USER", 10, **term(12)), currency="USD") == [
        ("currency_unavailable", "lines[0].code")
    ]


def test_a_price_published_for_next_year_leaves_this_years_quotes_alone() -> None:
    dearer = replace(EXAMPLE_PRODUCTS[0], list_prices={"CNY": Decimal(90_000)})
    state = catalogue_spec.fold(
        catalogue_spec.run(
            *example_catalogue(), PublishProduct(product=dearer, effective_from=date(2027, 1, 1))
        )
    )
    assert quote(line("HW-G3"), state=state).total == cny(80_000)
    next_year = quote(line("HW-G3"), state=state, on=date(2027, 1, 1))
    assert next_year.total == cny(90_000)
    assert next_year.lines[0].product_revision == state.version


def test_a_retired_product_is_no_longer_sold_from_its_retirement() -> None:
    state = catalogue_spec.fold(
        catalogue_spec.run(
            *example_catalogue(), RetireProduct(code="TRAIN", effective_from=date(2026, 7, 1))
        )
    )
    quote(line("TRAIN"), state=state, on=date(2026, 6, 30))
    assert refused(line("TRAIN"), state=state, on=date(2026, 7, 1)) == [
        ("unknown_product", "lines[0].code")
    ]
    assert refused(line("STARTER"), state=state, on=date(2026, 7, 1)) == [
        ("unknown_product", "lines[0].components[2]")
    ]


def test_usage_above_the_commitment_is_charged_by_the_tier_table() -> None:
    """500 thousand calls committed (1,000.00 on the order); then 300, 400, 1,000 used:
    nothing, 200 x 2.00, then 300 x 2.00 + 700 x 1.50 across the band at 1,000."""
    calls = quote(line("API-CALLS", 500)).lines[0]
    assert calls.net == cny(1_000)
    assert calls.usage_based
    table = CATALOGUE.on(ON).pricing_rules.table("API-CALLS")
    charges, used = [], Decimal(0)
    for quantity in (300, 400, 1_000):
        charges.append(usage_charge(table, cny(2), calls.quantity, used, used + quantity))
        used += quantity
    assert charges == [cny(0), cny(400), cny(1_650)]
