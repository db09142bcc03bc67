"""The stock ledger of key components, and soft reservations for orders.

Seed 000 (库存联动): when an order is created, the real available quantity of
its key components (servo motors, PLC controllers...) is checked; below the
safety level the order gets a warning with a suggestion — a later delivery date
or an alternative part. Each component is a StockItem: on hand (fed by receipts,
issues and counts imported from the ERP), reserved per order, a safety level,
receipts expected from purchase orders, and the parts that can replace it.
Reserving never refuses: an order may take more than is available; the event
says the shortfall, whether the safety level is broken, and the day the expected
receipts would cover it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, assert_never
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from msgspec.structs import replace

from domain.shared import AwareDatetime, DomainError, Name
from domain.stages import Stage

PartNo = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
]
Count = Annotated[Decimal, msgspec.Meta(description="decimal string, 0 to 10^12")]
Quantity = Annotated[Decimal, msgspec.Meta(description="decimal string, above 0, at most 10^12")]
_MOST = Decimal(10**12)
Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]

_STOCK = uuid5(NAMESPACE_URL, "urn:orderhub:stock")


def stock_item_id(part: str) -> UUID:
    return uuid5(_STOCK, part)


# --- which key components a product takes (rulebook data) ------------------------


class ComponentNeed(msgspec.Struct, frozen=True, kw_only=True):
    part: PartNo
    per_unit: Quantity


class KeyComponents(msgspec.Struct, frozen=True, kw_only=True):
    by_product: dict[Name, tuple[ComponentNeed, ...]]


DEFAULT_KEY_COMPONENTS = KeyComponents(
    by_product={
        "SV-AS2-750W": (ComponentNeed(part="SERVO-750W", per_unit=Decimal(1)),),
        "SV-AS2-2KW": (ComponentNeed(part="SERVO-2KW", per_unit=Decimal(1)),),
        "PLC-CAB-1500": (ComponentNeed(part="PLC-S7-1500", per_unit=Decimal(1)),),
        "PLC-CAB-MINI": (ComponentNeed(part="PLC-S7-1200", per_unit=Decimal(1)),),
        "RB-WS-SCARA": (
            ComponentNeed(part="ROBOT-SCARA", per_unit=Decimal(1)),
            ComponentNeed(part="PLC-S7-1200", per_unit=Decimal(1)),
        ),
    }
)


def needs(components: KeyComponents, lines: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Key components an order's (product code, quantity) lines take, summed per part."""
    total: dict[str, Decimal] = {}
    for product, quantity in lines:
        for need in components.by_product.get(product, ()):
            total[need.part] = total.get(need.part, Decimal(0)) + need.per_unit * quantity
    return dict(sorted(total.items()))


def suggested_delivery(
    stages: Sequence[Stage], stage_days: Mapping[Stage, int], materials_on: date, promised: date
) -> date:
    """The delivery date the materials allow: the day they are in, plus the days of the
    stages that follow material preparation on the order's route; never earlier than
    the date promised."""
    after = stages.index(Stage.MATERIAL_PREP) + 1 if Stage.MATERIAL_PREP in stages else 2
    days = sum(stage_days.get(s, 0) for s in stages[after:-1])
    return max(promised, materials_on + timedelta(days=days))


# --- commands --------------------------------------------------------------------


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


# --- events ----------------------------------------------------------------------


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


class StockRefused(DomainError):
    rule = "stock_refused"


class ReferenceReused(DomainError):
    rule = "reference_reused"


def covered_on(state: StockState, missing: Decimal) -> date | None:
    """The first day the expected receipts, in order of arrival, bring `missing` in."""
    arrived = Decimal(0)
    for _, receipt in sorted(state.expected.items(), key=lambda kv: (kv[1].due_on, kv[0])):
        arrived += receipt.quantity
        if arrived >= missing:
            return receipt.due_on
    return None


def _move(state: StockState, reference: str, quantity: Decimal, sign: int) -> bool:
    """Whether the receipt/issue under `reference` is new (False: already booked)."""
    booked = state.moves.get(reference)
    if booked is None:
        return True
    if booked != sign * quantity:
        raise ReferenceReused(
            f"{reference!r} was booked already with {abs(booked)}", field="reference"
        )
    return False


def _check_part(state: StockState, part: str) -> None:
    if state.part and state.part != part:
        raise StockRefused(f"this ledger is for {state.part}, not {part}", field="part")


def _reserve(state: StockState, command: ReserveForOrder) -> list[StockEvent]:
    key = str(command.order_id)
    previous = state.reservations.get(key, Decimal(0))
    if command.quantity == previous:
        return []
    available = state.available + previous - command.quantity
    shortfall = min(command.quantity, max(-available, Decimal(0)))
    return [
        StockReserved(
            part=command.part, order_id=command.order_id, quantity=command.quantity,
            previous=previous, available=available, shortfall=shortfall,
            below_safety=command.quantity > 0 and available < state.safety_level,
            covered_on=covered_on(state, -available) if shortfall else None,
            alternatives=state.alternatives, at=command.at,
        )
    ]  # fmt: skip


def _check_amounts(command: StockCommand) -> None:
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


def decide(command: StockCommand, state: StockState) -> list[StockEvent]:
    _check_part(state, command.part)
    _check_amounts(command)
    match command:
        case DefineComponent():
            if command.part in command.alternatives:
                raise StockRefused("a part is not its own alternative", field="alternatives")
            defined = ComponentDefined(
                part=command.part, name=command.name, unit=command.unit,
                safety_level=command.safety_level, alternatives=command.alternatives,
                at=command.at,
            )  # fmt: skip
            same = (state.name, state.unit, state.safety_level, state.alternatives) == (
                command.name, command.unit, command.safety_level, command.alternatives)  # fmt: skip
            return [] if same else [defined]
        case ReceiveStock(reference=ref, quantity=qty):
            new = _move(state, ref, qty, 1)
            return [StockReceived(part=command.part, reference=ref, quantity=qty,
                                  at=command.at)] if new else []  # fmt: skip
        case IssueStock(reference=ref, quantity=qty):
            if not _move(state, ref, qty, -1):
                return []
            if qty > state.on_hand:
                raise StockRefused(
                    f"only {state.on_hand} {state.unit} on hand, cannot issue {qty}",
                    field="quantity",
                )
            return [StockIssued(part=command.part, reference=ref, quantity=qty, at=command.at)]
        case ExpectReceipt(reference=ref):
            if ref in state.moves:
                raise ReferenceReused(f"{ref!r} was received already", field="reference")
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
