"""Hypothesis strategies for configure-price-quote, beside the worked example.

`catalogues()` and `quote_requests()` draw arbitrary catalogues, rule sets and
requests (valid or not) for properties; the worked example catalogue lives in
`domain.cpq.example` and is re-exported here with its folded state.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from domain.cpq.catalogue import INITIAL as CATALOGUE_INITIAL
from domain.cpq.catalogue import (
    Band,
    Bundle,
    CatalogueCommand,
    CatalogueState,
    Component,
    DiscountLimit,
    Excludes,
    Matches,
    PricingMode,
    PricingRules,
    Product,
    PublishBundle,
    PublishPricingRules,
    PublishProduct,
    PublishValidationRules,
    QuantityLimit,
    Requires,
    Selector,
    SetCustomerTier,
    SspMethod,
    TierTable,
    ValidationRule,
    ValidationRules,
)
from domain.cpq.catalogue import decide as catalogue_decide
from domain.cpq.catalogue import evolve as catalogue_evolve
from domain.cpq.example import (
    EFFECTIVE,
    EXAMPLE_PRICING,
    EXAMPLE_PRODUCTS,
    EXAMPLE_RULES,
    STARTER,
    example_catalogue,
)
from domain.cpq.pricing import LineRequest, QuoteRequest
from domain.order.events import TIME_BASED_KINDS, LineKind
from domain.shared import minor_units
from domain.testing.spec import spec

__all__ = ["EFFECTIVE", "EXAMPLE_PRICING", "EXAMPLE_PRODUCTS", "EXAMPLE_RULES", "STARTER",
           "catalogue_spec", "catalogues", "example_catalogue", "example_state",
           "quote_requests", "tiered_catalogues"]  # fmt: skip

catalogue_spec = spec(catalogue_decide, catalogue_evolve, CATALOGUE_INITIAL)


def example_state() -> CatalogueState:
    return catalogue_spec.fold(catalogue_spec.run(*example_catalogue()))


# --- strategies -----------------------------------------------------------------

CODES = tuple(f"P{i}" for i in range(6))
KINDS = st.sampled_from(LineKind)
prices = st.decimals(0, 100_000, places=2)
percents = st.decimals(0, 100, places=1)
quantities = st.integers(1, 300).map(Decimal) | st.decimals("0.5", 50, places=1)


@st.composite
def _products(draw: st.DrawFn, code: str) -> Product:
    kind = draw(KINDS)
    price = draw(prices)
    return Product(
        code=code, name=f"product {code}", kind=kind,
        list_prices={"CNY": price, **({"USD": price} if draw(st.booleans()) else {})},
        ssp={"CNY": draw(prices), "USD": draw(prices)}, ssp_method=SspMethod.OBSERVED,
        regions=draw(st.sampled_from(((), ("north",), ("north", "south")))),
        attributes={"gen": draw(st.sampled_from("ab"))},
    )  # fmt: skip


def _selectors() -> st.SearchStrategy[Selector]:
    return st.builds(Selector, product_code=st.sampled_from(CODES)) | st.builds(
        Selector, kind=KINDS
    )


@st.composite
def _rules(draw: st.DrawFn) -> ValidationRule:
    name = f"rule{draw(st.integers(0, 10**6))}"
    line, other = draw(_selectors()), draw(_selectors())
    options: tuple[ValidationRule, ...] = (
        Requires(name=name, line=line, needs=other),
        Excludes(name=name, line=line, other=other),
        Matches(name=name, line=line, attribute="gen", other=other, other_attribute="gen"),
        QuantityLimit(name=name, line=line, minimum=Decimal(draw(st.integers(0, 5))),
                      maximum=Decimal(draw(st.integers(5, 200)))),
    )  # fmt: skip
    return draw(st.sampled_from(options))


@st.composite
def _tables(draw: st.DrawFn, code: str) -> TierTable:
    starts = sorted(draw(st.sets(st.integers(0, 100), min_size=1, max_size=4)))
    return TierTable(
        product_code=code, mode=draw(st.sampled_from(PricingMode)),
        bands=tuple(Band(from_quantity=Decimal(s), prices={"CNY": draw(prices)})
                    for s in starts),
    )  # fmt: skip


@st.composite
def tiered_catalogues(draw: st.DrawFn) -> tuple[CatalogueState, str]:
    """A catalogue of one product, "T", priced by a tier table in a currency with 0, 2 or 3
    decimals (JPY, CNY, KWD), every price to that many decimals or now and then finer;
    and the currency."""
    currency = draw(st.sampled_from(("CNY", "CNY", "JPY", "KWD")))
    decimals = minor_units(currency) + draw(st.sampled_from((0, 0, 0, 1, 2)))
    priced = st.decimals(0, 100_000, places=decimals)
    starts = sorted(draw(st.sets(st.integers(0, 100), min_size=1, max_size=4)))
    table = TierTable(product_code="T", mode=draw(st.sampled_from(PricingMode)),
                      bands=tuple(Band(from_quantity=Decimal(s), prices={currency: draw(priced)})
                                  for s in starts))  # fmt: skip
    product = Product(code="T", name="tiered", kind=LineKind.OTHER,
                      list_prices={currency: draw(priced)}, ssp={currency: draw(priced)},
                      ssp_method=SspMethod.OBSERVED)  # fmt: skip
    state = catalogue_spec.fold(catalogue_spec.run(
        PublishProduct(product=product, effective_from=EFFECTIVE),
        PublishPricingRules(rules=PricingRules(tiers=(table,)), effective_from=EFFECTIVE),
    ))  # fmt: skip
    return state, currency


@st.composite
def catalogues(draw: st.DrawFn) -> CatalogueState:
    """A catalogue the decider accepted: some products, perhaps a bundle, tier tables,
    discount limits, uplifts and configuration rules, all in force from 2026-01-01."""
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=6, unique=True))
    commands: list[CatalogueCommand] = [
        PublishProduct(product=draw(_products(c)), effective_from=EFFECTIVE) for c in codes
    ]
    tiered = draw(st.lists(st.sampled_from(codes), unique=True))
    drawn = draw(
        st.lists(
            st.tuples(
                st.sampled_from(("standard", "key")),
                st.integers(0, 30),
                st.integers(0, 50),
                st.sampled_from(("sales_director", "vp")),
            ),
            unique_by=lambda t: t[0],
        )
    )
    limits = tuple(
        DiscountLimit(customer_tier=tier, approve_above=Decimal(low), approver=approver,
                      ceiling=Decimal(low + extra))
        for tier, low, extra, approver in drawn
    )  # fmt: skip
    commands.append(PublishPricingRules(rules=PricingRules(
        tiers=tuple(draw(_tables(c)) for c in tiered), discount_limits=limits,
        uplift_by_kind={k: draw(percents) for k in TIME_BASED_KINDS},
    ), effective_from=EFFECTIVE))  # fmt: skip
    rules = draw(st.lists(_rules(), max_size=4, unique_by=lambda r: r.name))
    commands.append(PublishValidationRules(rules=ValidationRules(rules=tuple(rules)),
                                           effective_from=EFFECTIVE))  # fmt: skip
    if len(codes) >= 2 and draw(st.booleans()):
        parts = tuple(Component(product_code=c, quantity=Decimal(draw(st.integers(1, 3))))
                      for c in codes[:2])  # fmt: skip
        commands.append(
            PublishBundle(
                bundle=Bundle(
                    code="BUNDLE",
                    name="a bundle",
                    components=parts,
                    prices={"CNY": draw(st.decimals(0, 1000, places=2))},
                ),
                effective_from=EFFECTIVE,
            )
        )
    commands.append(SetCustomerTier(customer_id="C2", tier=draw(st.sampled_from(("key", "vip")))))
    return catalogue_spec.fold(catalogue_spec.run(*commands))


@st.composite
def quote_requests(draw: st.DrawFn, state: CatalogueState) -> QuoteRequest:
    """A request for the catalogue's products, bundles and now and then an unknown code,
    with any quantity, discount and term: mostly sound, often breaking some rule."""
    view = state.on(EFFECTIVE)
    known = st.sampled_from([*view.products, *view.bundles])
    rarely = st.sampled_from([False] * 29 + [True])
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        code = "UNKNOWN" if draw(rarely) else draw(known)
        published = view.products.get(code)
        timed = published is not None and published.product.kind in TIME_BASED_KINDS
        if code in view.bundles:
            timed = any(
                view.products[c.product_code].product.kind in TIME_BASED_KINDS
                for c in view.bundles[code].bundle.components
                if c.product_code in view.products
            )
        if draw(rarely):
            timed = not timed  # a term where none belongs, or none where one does
        lines.append(LineRequest(
            code=code, quantity=draw(quantities),
            discount_percent=draw(st.sampled_from((Decimal(0), Decimal(5), Decimal(15),
                                                   Decimal(35)))),
            term_start=date(2026, 3, 1) if timed else None,
            term_months=draw(st.integers(1, 60)) if timed else None,
        ))  # fmt: skip
    return QuoteRequest(
        customer_id=draw(st.sampled_from(("C1", "C2"))),
        region=draw(st.sampled_from(("north", "north", "south", "west"))),
        currency=draw(st.sampled_from(("CNY", "CNY", "CNY", "USD"))), lines=tuple(lines),
    )  # fmt: skip
