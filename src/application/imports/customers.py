"""The customers sheet: one row per customer, into the customer master.

A record equal to the one there changes nothing; the contact person is sealed
with the customer's key when the record is written.
"""

from __future__ import annotations

from typing import Any

import msgspec

from application.imports.sheet import Builder, Column, ImportContext, Rows, Sheet, Upload, Write
from application.intake import CustomerIn
from domain.customer import RecordCustomer, customer_id_for
from domain.deciders import CUSTOMER
from domain.shared import Name

_CUSTOMER_FIELDS = (
    "name",
    "region",
    "industry",
    "tax_id",
    "address",
    "salesperson",
    "payment_days",
)


def _customer_builder(context: ImportContext, _: Upload) -> Builder:
    def build(rows: Rows) -> list[Write]:
        row = rows[0][1]
        body: dict[str, Any] = {f: row[f] for f in _CUSTOMER_FIELDS if row.get(f)}
        contact = {
            f: row[f"contact_{f}"] for f in ("name", "phone", "email") if row.get(f"contact_{f}")
        }
        body |= {"contact": contact} if contact else {}
        record = msgspec.convert(body, CustomerIn, strict=False)
        customer_id = row["customer_id"]

        def make() -> RecordCustomer:  # when written: sealing the contact stores a key
            return record.to_command(context.seal, customer_id, context.clock())

        return [Write(CUSTOMER, customer_id_for(customer_id), make)]

    return build


CUSTOMERS = Sheet(
    name="customers",
    columns=(
        Column(
            "customer_id", "the customer's code, as orders name it (at most 200 characters)", Name
        ),
        Column("name", "the customer's name"),
        Column("region", "the sales region"),
        Column("industry", "the customer's industry", required=False),
        Column("tax_id", "the tax id, e.g. the unified social credit code", required=False),
        Column("address", "the address, at most 500 characters", required=False),
        Column("salesperson", "the salesperson's id", required=False),
        Column(
            "payment_days", "whole days from 0 to 365 (empty: none agreed)", int, required=False
        ),
        Column(
            "contact_name",
            "the contact person's name (needed with a phone or e-mail)",
            required=False,
        ),
        Column("contact_phone", "a phone number such as +86 573 8888 0000", required=False),
        Column("contact_email", "an e-mail address such as li.na@example.cn", required=False),
    ),
    example=(
        (
            "C-JX-001",
            "嘉兴恒力输送设备有限公司",
            "浙江",
            "输送设备",
            "91330400MA2B000001",
            "浙江省嘉兴市南湖区科技大道 1 号",
            "wang.fang",
            "60",
            "李娜",
            "+86 573 8888 0000",
            "li.na@example.cn",
        ),
    ),
    key=("customer_id",),
    shared=(),
    builder=_customer_builder,
    aliases=(("contact", "contact_name"),),
)
