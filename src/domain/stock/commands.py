"""Stock commands, and the part numbers and quantities they carry.

Receipts and issues carry a reference (the goods receipt, the issue slip): the
same reference booked again is a no-op, so an ERP import can be replayed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.shared import AwareDatetime, Name

PartNo = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
]
Count = Annotated[Decimal, msgspec.Meta(description="decimal string, 0 to 10^12")]
Quantity = Annotated[Decimal, msgspec.Meta(description="decimal string, above 0, at most 10^12")]
Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]

_STOCK = uuid5(NAMESPACE_URL, "urn:orderhub:stock")


def stock_item_id(part: str) -> UUID:
    return uuid5(_STOCK, part)


class DefineComponent(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: PartNo
    name: Name
    unit: Name = "pcs"
    safety_level: Count = Decimal(0)
    alternatives: Annotated[tuple[PartNo, ...], msgspec.Meta(max_length=20)] = ()
    at: AwareDatetime


class ReceiveStock(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: PartNo
    reference: Reference  # the goods receipt; receiving it again is a no-op
    quantity: Quantity
    at: AwareDatetime


class IssueStock(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: PartNo
    reference: Reference
    quantity: Quantity
    at: AwareDatetime


class ExpectReceipt(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A purchase order on its way: `quantity` due on `due_on`, received under `reference`."""

    part: PartNo
    reference: Reference
    quantity: Quantity
    due_on: date
    at: AwareDatetime


class CountStock(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """What the ERP (or a stocktake) says is on hand."""

    part: PartNo
    on_hand: Count
    source: Name
    at: AwareDatetime


class ReserveForOrder(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Set the order's soft reservation to `quantity` (0 releases it)."""

    part: PartNo
    order_id: UUID
    quantity: Count
    at: AwareDatetime


class ConsumeReservation(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The order's components go into production: its reservation is issued."""

    part: PartNo
    order_id: UUID
    at: AwareDatetime


StockCommand = (
    DefineComponent
    | ReceiveStock
    | IssueStock
    | ExpectReceipt
    | CountStock
    | ReserveForOrder
    | ConsumeReservation
)
