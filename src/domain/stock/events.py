"""Stock events: immutable past-tense facts. New fields get defaults; none is retyped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec

from domain.shared import AwareDatetime


class ComponentDefined(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: str
    name: str
    unit: str
    safety_level: Decimal
    alternatives: tuple[str, ...]
    at: AwareDatetime


class StockReceived(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: str
    reference: str
    quantity: Decimal
    at: AwareDatetime


class StockIssued(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: str
    reference: str
    quantity: Decimal
    at: AwareDatetime


class ReceiptExpected(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: str
    reference: str
    quantity: Decimal
    due_on: date
    at: AwareDatetime


class StockCounted(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: str
    before: Decimal
    after: Decimal
    source: str
    at: AwareDatetime


class StockReserved(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """An order's reservation set; what it leaves available, and what is wrong."""

    part: str
    order_id: UUID
    quantity: Decimal
    previous: Decimal
    available: Decimal  # on hand less every reservation, after this one (may be negative)
    shortfall: Decimal  # how much of this order's reservation is not on hand
    below_safety: bool
    covered_on: date | None  # when the expected receipts cover every reservation
    alternatives: tuple[str, ...]
    at: AwareDatetime


class ReservationConsumed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    part: str
    order_id: UUID
    issued: Decimal
    released: Decimal  # reserved but not on hand: the order waits for it elsewhere
    at: AwareDatetime


StockEvent = (
    ComponentDefined
    | StockReceived
    | StockIssued
    | ReceiptExpected
    | StockCounted
    | StockReserved
    | ReservationConsumed
)
