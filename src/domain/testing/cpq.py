"""A worked example catalogue and hypothesis strategies for configure-price-quote.

`example_catalogue()` is a tech vendor's price list (servers of two generations,
licences that must match them, maintenance, per-user SaaS in graduated tiers,
services and a starter bundle) with discount limits, uplifts and configuration
rules; tests, the demo and the docs use it. `catalogues()` and `quote_requests()`
draw arbitrary catalogues, rule sets and requests (valid or not) for properties.
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
from domain.cpq.pricing import LineRequest, QuoteRequest
from domain.order.events import TIME_BASED_KINDS, LineKind
from domain.testing.spec import spec

catalogue_spec = spec(catalogue_decide, catalogue_evolve, CATALOGUE_INITIAL)
EFFECTIVE = date(2026, 1, 1)
K = LineKind


def _usd(cny: int) -> Decimal:
    return (Decimal(cny) / 7).quantize(Decimal("0.01"))


def _product(code: str, name: str, kind: LineKind, price: int, ssp: int, **more: object) -> Product:
    return Product(code=code, name=name, kind=kind,
                   list_prices={"CNY": Decimal(price), "USD": _usd(price)},
                   ssp={"CNY": Decimal(ssp), "USD": _usd(ssp)},
                   ssp_method=SspMethod.OBSERVED, **more)  # type: ignore[arg-type]  # fmt: skip


EXAMPLE_PRODUCTS = (
    _product("HW-G3", "边缘服务器 G3 Edge server G3", K.HARDWARE, 80_000, 76_000,
             attributes={"generation": "g3"}, product_line="hardware"),
    _product("HW-G2", "边缘服务器 G2 Edge server G2", K.HARDWARE, 50_000, 50_000,
             attributes={"generation": "g2"}, product_line="hardware", regions=("华东", "华南")),
    _product("LIC-V3", "平台许可 V3 Platform licence V3", K.SOFTWARE_LICENCE, 30_000, 30_000,
             attributes={"hardware_generation": "g3"}, product_line="software"),
    _product("LIC-V2", "平台许可 V2 Platform licence V2", K.SOFTWARE_LICENCE, 20_000, 20_000,
             attributes={"hardware_generation": "g2"}, product_line="software"),
    _product("MAINT-HW", "硬件维保 Hardware maintenance", K.MAINTENANCE, 8_000, 8_000,
             auto_renew=True, product_line="services"),
    _product("SAAS-USER", "云平台用户 Cloud seat", K.SUBSCRIPTION, 1_200, 1_100, unit="user",
             auto_renew=True, product_line="saas"),
    _product("IMPL", "实施服务 Implementation", K.IMPLEMENTATION, 20_000, 18_000,
             product_line="services"),
    _product("TRAIN", "现场培训 On-site training", K.TRAINING, 5_000, 5_000, unit="day",
             product_line="services"),
    _product("API-CALLS", "接口调用 API calls", K.OTHER, 2, 2, unit="千次 thousand calls",
             usage_based=True, product_line="saas"),
)  # fmt: skip
STARTER = Bundle(
    code="STARTER", name="入门套装 Starter kit",
    components=(Component(product_code="HW-G3", quantity=Decimal(1)),
                Component(product_code="LIC-V3", quantity=Decimal(1)),
                Component(product_code="TRAIN", quantity=Decimal(2))),
    prices={"CNY": Decimal(110_000)},
)  # fmt: skip
EXAMPLE_PRICING = PricingRules(
    tiers=(TierTable(product_code="SAAS-USER", mode=PricingMode.GRADUATED, bands=(
        Band(from_quantity=Decimal(0), prices={"CNY": Decimal(1200)}),
        Band(from_quantity=Decimal(50), prices={"CNY": Decimal(1000)}),
        Band(from_quantity=Decimal(200), prices={"CNY": Decimal(800)}),
    )), TierTable(product_code="API-CALLS", mode=PricingMode.GRADUATED, bands=(
        Band(from_quantity=Decimal(0), prices={"CNY": Decimal(2)}),
        Band(from_quantity=Decimal(1_000), prices={"CNY": Decimal("1.5")}),
        Band(from_quantity=Decimal(10_000), prices={"CNY": Decimal(1)}),
    ))),
    discount_limits=(
        DiscountLimit(customer_tier="standard", approve_above=Decimal(10),
                      approver="sales_director", ceiling=Decimal(25)),
        DiscountLimit(customer_tier="strategic", approve_above=Decimal(20), approver="vp",
                      ceiling=Decimal(40)),
    ),
    uplift_by_kind={K.SUBSCRIPTION: Decimal(5), K.MAINTENANCE: Decimal(3)},
    renewal_lead_days=60,
)  # fmt: skip
EXAMPLE_RULES = ValidationRules(rules=(
    Requires(name="maintenance_covers_hardware", line=Selector(kind=K.MAINTENANCE),
             needs=Selector(kind=K.HARDWARE)),
    Matches(name="licence_matches_hardware", line=Selector(kind=K.SOFTWARE_LICENCE),
            attribute="hardware_generation", other=Selector(kind=K.HARDWARE),
            other_attribute="generation"),
    Excludes(name="one_generation_per_site", line=Selector(product_code="HW-G2"),
             other=Selector(product_code="HW-G3")),
    QuantityLimit(name="training_days", line=Selector(product_code="TRAIN"),
                  maximum=Decimal(20)),
    QuantityLimit(name="saas_minimum_seats", line=Selector(product_code="SAAS-USER"),
                  minimum=Decimal(5)),
))  # fmt: skip


def example_catalogue() -> list[CatalogueCommand]:
    return [
        *(PublishProduct(product=p, effective_from=EFFECTIVE) for p in EXAMPLE_PRODUCTS),
        PublishBundle(bundle=STARTER, effective_from=EFFECTIVE),
        PublishPricingRules(rules=EXAMPLE_PRICING, effective_from=EFFECTIVE),
        PublishValidationRules(rules=EXAMPLE_RULES, effective_from=EFFECTIVE),
        SetCustomerTier(customer_id="C-STRATEGIC", tier="strategic"),
    ]


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
