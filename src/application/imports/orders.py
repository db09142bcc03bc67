"""The historical orders sheet: one row per order line, the order's fields repeated.

Orders are imported as captured, checked as `POST /orders` checks them (the same
request type, the rules in force, the order's own rules), and known by channel
and reference, so an order already there is left as it is. Their later history
(signing, stages, invoices) is not in the template.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from application.capture import capture_rules, check_contract
from application.imports.sheet import (
    Builder,
    Column,
    ImportContext,
    Rows,
    Sheet,
    Upload,
    Write,
    one_of,
)
from application.intake import Aware, PlaceOrderIn
from domain.deciders import ORDER
from domain.order import OrderState, order_id_for
from domain.order.events import Channel, LineKind
from domain.shared import CurrencyCode

_ORDER_FIELDS = (
    "order_type",
    "channel",
    "external_ref",
    "customer_id",
    "customer_name",
    "region",
    "salesperson",
    "currency",
    "promised_delivery",
    "placed_at",
)
_LINE_FIELDS = ("line_id", "product_code", "kind", "quantity", "unit_price", "discount")


def _order_builder(context: ImportContext, _: Upload) -> Builder:
    rules_for = functools.cache(functools.partial(capture_rules, context.service))  # per file

    def build(rows: Rows) -> list[Write]:
        first = rows[0][1]
        body: dict[str, Any] = {f: first[f] for f in _ORDER_FIELDS}
        body["lines"] = [{f: row[f] for f in _LINE_FIELDS if row.get(f)} for _, row in rows]
        place = msgspec.convert(body, PlaceOrderIn, strict=False)
        command = place.to_command(rules_for(place.order_type, place.customer_id), None)
        # The order's own rules on a blank order, then whether signing makes a contract.
        check_contract(context.service, command)
        order_id = order_id_for(command.channel, command.external_ref)
        state: OrderState = context.service.load(ORDER, order_id)
        return [] if state.exists else [Write.of(ORDER, order_id, command)]

    return build


ORDERS = Sheet(
    name="orders",
    columns=(
        Column("channel", one_of(Channel), Channel),
        Column("external_ref", "the channel's order reference (rows of one order share it)"),
        Column("order_type", "a route in the rulebook: equipment, standard_parts, software"),
        Column("customer_id", "the customer's code"),
        Column("customer_name", "the customer's name"),
        Column("region", "the sales region"),
        Column("salesperson", "the salesperson's id"),
        Column("currency", "an ISO currency code such as CNY", CurrencyCode),
        Column(
            "placed_at",
            "a date and time with its UTC offset, e.g. 2025-06-01T09:00:00+08:00",
            Aware,
        ),
        Column("promised_delivery", "a date, YYYY-MM-DD", date),
        Column("line_id", "the line's id within the order, e.g. L1"),
        Column("product_code", "the product's code"),
        Column("kind", one_of(LineKind), LineKind),
        Column("quantity", "a number above 0", Decimal),
        Column("unit_price", "a number, 0 or more", Decimal),
        Column("discount", "a number, 0 or more (empty: none)", Decimal, required=False),
    ),
    example=(
        (
            "direct",
            "HIST-2025-001",
            "equipment",
            "C-JX-001",
            "嘉兴恒力输送设备有限公司",
            "浙江",
            "wang.fang",
            "CNY",
            "2025-06-01T09:00:00+08:00",
            "2025-08-15",
            "L1",
            "CONV-800",
            "hardware",
            "2",
            "30000.00",
            "1000.00",
        ),
    ),
    key=("channel", "external_ref"),
    shared=_ORDER_FIELDS,
    builder=_order_builder,
)
