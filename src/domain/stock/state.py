"""Stock state and `evolve`: applies facts, never validates, never reads the clock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import assert_never

import msgspec
from msgspec.structs import replace

from domain.stock.events import (
    ComponentDefined,
    ReceiptExpected,
    ReservationConsumed,
    StockCounted,
    StockEvent,
    StockIssued,
    StockReceived,
    StockReserved,
)


class Expected(msgspec.Struct, frozen=True, kw_only=True):
    quantity: Decimal
    due_on: date


class StockState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    part: str = ""
    name: str = ""
    unit: str = "pcs"
    safety_level: Decimal = Decimal(0)
    alternatives: tuple[str, ...] = ()
    on_hand: Decimal = Decimal(0)
    reservations: dict[str, Decimal] = msgspec.field(default_factory=dict)  # by order id
    expected: dict[str, Expected] = msgspec.field(default_factory=dict)  # by reference
    moves: dict[str, Decimal] = msgspec.field(default_factory=dict)  # receipts/issues by ref

    @property
    def reserved(self) -> Decimal:
        return sum(self.reservations.values(), Decimal(0))

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


INITIAL = StockState()


def evolve(state: StockState, event: StockEvent) -> StockState:
    state = replace(state, version=state.version + 1, part=event.part)
    match event:
        case ComponentDefined():
            return replace(state, name=event.name, unit=event.unit,
                           safety_level=event.safety_level,
                           alternatives=event.alternatives)  # fmt: skip
        case StockReceived(reference=ref, quantity=qty):
            expected = {k: v for k, v in state.expected.items() if k != ref}
            return replace(state, on_hand=state.on_hand + qty, expected=expected,
                           moves={**state.moves, ref: qty})  # fmt: skip
        case StockIssued(reference=ref, quantity=qty):
            return replace(state, on_hand=state.on_hand - qty, moves={**state.moves, ref: -qty})
        case ReceiptExpected(reference=ref):
            expected = {**state.expected, ref: Expected(quantity=event.quantity,
                                                        due_on=event.due_on)}  # fmt: skip
            return replace(state, expected=expected)
        case StockCounted(after=after):
            return replace(state, on_hand=after)
        case StockReserved(order_id=order_id, quantity=qty):
            reservations = {k: v for k, v in state.reservations.items() if k != str(order_id)}
            if qty:
                reservations[str(order_id)] = qty
            return replace(state, reservations=reservations)
        case ReservationConsumed(order_id=order_id, issued=issued):
            reservations = {k: v for k, v in state.reservations.items() if k != str(order_id)}
            return replace(state, on_hand=state.on_hand - issued, reservations=reservations)
        case _:
            assert_never(event)
