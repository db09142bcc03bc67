"""A worked example catalogue: a tech vendor's price list.

Servers of two generations, licences that must match them, maintenance, per-user
SaaS in graduated tiers, usage-priced API calls, services and a starter bundle, with
discount limits by customer tier (above 10 % a standard customer's discount awaits
the sales director, above 20 % a strategic one's the VP), renewal uplifts and
configuration rules. The demo company publishes it; tests and docs use it as their
reference case.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.cpq.catalogue import (
    Band,
    Bundle,
    CatalogueCommand,
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
    ValidationRules,
)
from domain.order.events import LineKind

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
