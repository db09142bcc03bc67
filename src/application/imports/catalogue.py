"""The products sheet: one row per currency of a product's publication in the catalogue.

A publication the catalogue holds already, as the file has it, writes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from application.imports.sheet import (
    FLAGS,
    Builder,
    CellError,
    Column,
    ImportContext,
    Rows,
    Sheet,
    Upload,
    Write,
    one_of,
)
from domain.cpq.catalogue import CATALOGUE_ID, Product, PublishProduct, SspMethod
from domain.deciders import CATALOGUE
from domain.order.events import LineKind
from domain.shared import CurrencyCode

_PRODUCT_FIELDS = (
    "code",
    "name",
    "kind",
    "unit",
    "ssp_method",
    "regions",
    "attributes",
    "auto_renew",
    "usage_based",
    "product_line",
    "effective_from",
)


def _attributes(cell: str, index: int) -> dict[str, str]:
    pairs = [p.strip() for p in cell.split(";") if p.strip()]
    if any("=" not in p or not p.split("=", 1)[0].strip() for p in pairs):
        raise CellError("attributes", "name=value pairs separated by ;", index)
    return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in pairs)}


def _product_builder(context: ImportContext, _: Upload) -> Builder:
    catalogue = context.service.load(CATALOGUE, CATALOGUE_ID)

    def build(rows: Rows) -> list[Write]:
        first = rows[0][1]
        prices: dict[str, str] = {}
        ssp: dict[str, str] = {}
        for index, (_, row) in enumerate(rows):
            if row["currency"] in prices:
                said = f"{row['currency']} is priced on an earlier row of this product"
                raise CellError("currency", said, index)
            prices[row["currency"]], ssp[row["currency"]] = row["list_price"], row["ssp"]
        product = msgspec.convert(
            {
                "code": first["code"],
                "name": first["name"],
                "kind": first["kind"],
                "unit": first.get("unit") or "each",
                "list_prices": prices,
                "ssp": ssp,
                "ssp_method": first["ssp_method"],
                "regions": [r.strip() for r in first.get("regions", "").split(";") if r.strip()],
                "attributes": _attributes(first.get("attributes", ""), 0),
                "auto_renew": FLAGS[first.get("auto_renew", "").lower() or "no"],
                "usage_based": FLAGS[first.get("usage_based", "").lower() or "no"],
                "product_line": first.get("product_line", ""),
            },
            Product,
            strict=False,
        )
        command = PublishProduct(
            product=product, effective_from=date.fromisoformat(first["effective_from"])
        )
        if not CATALOGUE.decide(command, catalogue):
            return []  # published so already
        return [Write.of(CATALOGUE, CATALOGUE_ID, command)]

    return build


PRODUCTS = Sheet(
    name="products",
    columns=(
        Column("code", "the product code: letters, digits and . _ / - (at most 64)"),
        Column("name", "the product's name"),
        Column("kind", one_of(LineKind), LineKind),
        Column("unit", "the unit sold, e.g. each, seat, day (empty: each)", required=False),
        Column("currency", "an ISO currency code such as CNY (one row per currency)", CurrencyCode),
        Column(
            "list_price",
            "the list price per unit (and year, for subscriptions and maintenance), 0 or more",
            Decimal,
        ),
        Column("ssp", "the standalone selling price per unit (and year), 0 or more", Decimal),
        Column("ssp_method", one_of(SspMethod), SspMethod),
        Column(
            "regions",
            "the regions it is sold in, separated by ; (empty: everywhere)",
            required=False,
        ),
        Column(
            "attributes",
            "name=value pairs separated by ;, e.g. hardware_generation=G5",
            required=False,
        ),
        Column("auto_renew", "yes or no (empty: no)", bool, required=False),
        Column("usage_based", "yes or no (empty: no)", bool, required=False),
        Column("product_line", "the product line", required=False),
        Column("effective_from", "the first day the publication is in force, YYYY-MM-DD", date),
    ),
    example=(
        (
            "SRV-G5",
            "计算服务器 G5",
            "hardware",
            "each",
            "CNY",
            "120000.00",
            "110000.00",
            "observed",
            "",
            "hardware_generation=G5",
            "no",
            "no",
            "servers",
            "2026-01-01",
        ),
        (
            "SRV-G5",
            "计算服务器 G5",
            "hardware",
            "each",
            "USD",
            "17000.00",
            "15500.00",
            "observed",
            "",
            "hardware_generation=G5",
            "no",
            "no",
            "servers",
            "2026-01-01",
        ),
    ),
    key=("code", "effective_from"),
    shared=_PRODUCT_FIELDS,
    builder=_product_builder,
    aliases=(("list_prices", "list_price"), ("product", "code")),
)
