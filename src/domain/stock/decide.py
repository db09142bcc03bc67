"""`decide`: checks a stock command against the ledger and returns the new facts.

Reserving never refuses: an order may take more than is available; the event says
the shortfall, whether the safety level is broken, and the day the expected
receipts would cover it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from domain.stock import rules
from domain.stock.commands import (
    ConsumeReservation,
    CountStock,
    DefineComponent,
    ExpectReceipt,
    IssueStock,
    ReceiveStock,
    ReserveForOrder,
    StockCommand,
)
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
from domain.stock.planning import covered_on, shortfall
from domain.stock.state import Expected, StockState


def decide(command: StockCommand, state: StockState) -> list[StockEvent]:
    rules.must_be_this_part(state, command.part)
    rules.check_amounts(command)
    match command:
        case DefineComponent():
            rules.must_not_be_own_alternative(command.part, command.alternatives)
            defined = ComponentDefined(
                part=command.part, name=command.name, unit=command.unit,
                safety_level=command.safety_level, alternatives=command.alternatives,
                at=command.at,
            )  # fmt: skip
            same = (state.name, state.unit, state.safety_level, state.alternatives) == (
                command.name, command.unit, command.safety_level, command.alternatives)  # fmt: skip
            return [] if same else [defined]
        case ReceiveStock(reference=ref, quantity=qty):
            new = rules.is_new_move(state, ref, qty, 1)
            return [StockReceived(part=command.part, reference=ref, quantity=qty,
                                  at=command.at)] if new else []  # fmt: skip
        case IssueStock(reference=ref, quantity=qty):
            if not rules.is_new_move(state, ref, qty, -1):
                return []
            rules.must_have_on_hand(state, qty)
            return [StockIssued(part=command.part, reference=ref, quantity=qty, at=command.at)]
        case ExpectReceipt(reference=ref):
            rules.must_not_be_received(state, ref)
            if state.expected.get(ref) == Expected(quantity=command.quantity,
                                                   due_on=command.due_on):  # fmt: skip
                return []
            return [ReceiptExpected(part=command.part, reference=ref, quantity=command.quantity,
                                    due_on=command.due_on, at=command.at)]  # fmt: skip
        case CountStock(on_hand=counted):
            if counted == state.on_hand and state.version:
                return []
            return [StockCounted(part=command.part, before=state.on_hand, after=counted,
                                 source=command.source, at=command.at)]  # fmt: skip
        case ReserveForOrder():
            return _reserve(state, command)
        case ConsumeReservation(order_id=order_id):
            reserved = state.reservations.get(str(order_id), Decimal(0))
            if not reserved:
                return []
            issued = min(reserved, max(state.on_hand, Decimal(0)))
            return [ReservationConsumed(part=command.part, order_id=order_id, issued=issued,
                                        released=reserved - issued, at=command.at)]  # fmt: skip
        case _:
            assert_never(command)


def _reserve(state: StockState, command: ReserveForOrder) -> list[StockEvent]:
    key = str(command.order_id)
    previous = state.reservations.get(key, Decimal(0))
    if command.quantity == previous:
        return []
    available = state.available + previous - command.quantity
    short = shortfall(command.quantity, available)
    return [
        StockReserved(
            part=command.part, order_id=command.order_id, quantity=command.quantity,
            previous=previous, available=available, shortfall=short,
            below_safety=command.quantity > 0 and available < state.safety_level,
            covered_on=covered_on(state, -available) if short else None,
            alternatives=state.alternatives, at=command.at,
        )
    ]  # fmt: skip
