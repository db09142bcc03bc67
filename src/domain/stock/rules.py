"""Named stock rules: each a small check that raises a DomainError naming itself."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from domain.shared import DomainError
from domain.stock.commands import (
    CountStock,
    DefineComponent,
    ExpectReceipt,
    IssueStock,
    ReceiveStock,
    ReserveForOrder,
    StockCommand,
)
from domain.stock.state import StockState

_MOST = Decimal(10**12)


class StockRefused(DomainError):
    rule = "stock_refused"


class ReferenceReused(DomainError):
    rule = "reference_reused"


def must_be_this_part(state: StockState, part: str) -> None:
    """A ledger keeps one part: the first command names it."""
    if state.part and state.part != part:
        raise StockRefused(f"this ledger is for {state.part}, not {part}", field="part")


def check_amounts(command: StockCommand) -> None:
    """Quantities moved are above 0; levels and reservations may be 0; none above 10^12."""
    match command:
        case ReceiveStock() | IssueStock() | ExpectReceipt():
            field, value, least = "quantity", command.quantity, None
        case ReserveForOrder():
            field, value, least = "quantity", command.quantity, Decimal(0)
        case CountStock():
            field, value, least = "on_hand", command.on_hand, Decimal(0)
        case DefineComponent():
            field, value, least = "safety_level", command.safety_level, Decimal(0)
        case _:
            return
    low = value <= 0 if least is None else value < least
    if not value.is_finite() or low or value > _MOST:
        bound = "above 0" if least is None else "at least 0"
        raise StockRefused(f"{field} must be {bound} and at most 10^12", field=field)


def must_not_be_own_alternative(part: str, alternatives: Sequence[str]) -> None:
    if part in alternatives:
        raise StockRefused("a part is not its own alternative", field="alternatives")


def is_new_move(state: StockState, reference: str, quantity: Decimal, sign: int) -> bool:
    """Whether the receipt/issue under `reference` is new (False: already booked).

    A reference booked already with another quantity is refused, never rebooked.
    """
    booked = state.moves.get(reference)
    if booked is None:
        return True
    if booked != sign * quantity:
        raise ReferenceReused(
            f"{reference!r} was booked already with {abs(booked)}", field="reference"
        )
    return False


def must_have_on_hand(state: StockState, quantity: Decimal) -> None:
    """No more is issued than is on hand (a reservation may exceed it; an issue not)."""
    if quantity > state.on_hand:
        raise StockRefused(
            f"only {state.on_hand} {state.unit} on hand, cannot issue {quantity}",
            field="quantity",
        )


def must_not_be_received(state: StockState, reference: str) -> None:
    """A receipt already booked is no longer on its way."""
    if reference in state.moves:
        raise ReferenceReused(f"{reference!r} was received already", field="reference")
