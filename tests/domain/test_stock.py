"""The stock ledger: receipts, issues, counts, soft reservations and what they leave."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import given as for_all
from hypothesis import strategies as st

from domain.shared import DomainError
from domain.stages import Stage
from domain.stock import (
    DEFAULT_KEY_COMPONENTS,
    INITIAL,
    ConsumeReservation,
    CountStock,
    DefineComponent,
    ExpectReceipt,
    IssueStock,
    ReceiveStock,
    ReferenceReused,
    ReservationConsumed,
    ReserveForOrder,
    StockCommand,
    StockRefused,
    StockReserved,
    decide,
    evolve,
    needs,
    suggested_delivery,
)
from domain.testing import spec

given = spec(decide, evolve, INITIAL)
CST = timezone(timedelta(hours=8))
T = datetime(2026, 1, 5, 9, tzinfo=CST)
P = "SERVO-750W"
ORDER_A, ORDER_B = UUID(int=1), UUID(int=2)


def after(*commands: StockCommand) -> Any:
    """Given the events these commands produce."""
    return given(*given.run(*commands))


DEFINE = DefineComponent(part=P, name="伺服电机 750W", safety_level=Decimal(2),
                         alternatives=("SERVO-1KW",), at=T)  # fmt: skip


def receive(ref: str, qty: int) -> ReceiveStock:
    return ReceiveStock(part=P, reference=ref, quantity=Decimal(qty), at=T)


def reserve(order: UUID, qty: int) -> ReserveForOrder:
    return ReserveForOrder(part=P, order_id=order, quantity=Decimal(qty), at=T)


def test_a_receipt_is_booked_once_by_its_reference() -> None:
    state = after(DEFINE, receive("GR-1", 5)).when(receive("GR-1", 5)).then()
    assert state.on_hand == 5
    after(DEFINE, receive("GR-1", 5)).when(receive("GR-1", 6)).raises(ReferenceReused,
                                                                     field="reference")  # fmt: skip


def test_nothing_is_issued_that_is_not_on_hand() -> None:
    issue = IssueStock(part=P, reference="GI-1", quantity=Decimal(6), at=T)
    after(DEFINE, receive("GR-1", 5)).when(issue).raises(StockRefused, field="quantity")


def test_a_reservation_beyond_stock_says_the_shortfall_and_when_receipts_cover_it() -> None:
    history = [DEFINE, receive("GR-1", 5), reserve(ORDER_A, 3),
               ExpectReceipt(part=P, reference="PO-2", quantity=Decimal(1),
                             due_on=date(2026, 2, 1), at=T),
               ExpectReceipt(part=P, reference="PO-1", quantity=Decimal(4),
                             due_on=date(2026, 1, 20), at=T)]  # fmt: skip
    [event] = after(*history).when(reserve(ORDER_B, 6)).events()
    assert isinstance(event, StockReserved)
    assert (event.available, event.shortfall, event.below_safety) == (-4, 4, True)
    assert event.covered_on == date(2026, 1, 20)  # PO-1 alone brings the 4 in
    assert event.alternatives == ("SERVO-1KW",)
    [later] = after(*history).when(reserve(ORDER_B, 7)).events()
    assert isinstance(later, StockReserved)
    assert later.covered_on == date(2026, 2, 1)


def test_within_stock_but_below_safety_is_flagged_and_a_release_frees_it() -> None:
    [event] = after(DEFINE, receive("GR-1", 5)).when(reserve(ORDER_A, 4)).events()
    assert isinstance(event, StockReserved)
    assert (event.shortfall, event.below_safety, event.covered_on) == (0, True, None)
    state = after(DEFINE, receive("GR-1", 5), reserve(ORDER_A, 4)).when(reserve(ORDER_A, 0))
    assert state.state().available == 5
    after(DEFINE, receive("GR-1", 5), reserve(ORDER_A, 4)).when(reserve(ORDER_A, 4)).then()


def test_production_issues_the_reservation_and_a_count_sets_on_hand() -> None:
    history = [DEFINE, receive("GR-1", 2), reserve(ORDER_A, 3)]
    after(*history).when(ConsumeReservation(part=P, order_id=ORDER_A, at=T)).then(
        ReservationConsumed(part=P, order_id=ORDER_A, issued=Decimal(2), released=Decimal(1),
                            at=T)
    )  # fmt: skip
    count = CountStock(part=P, on_hand=Decimal(9), source="erp", at=T)
    assert after(*history).when(count).state().available == 6
    after(*history, count).when(count).then()  # the same count again changes nothing


def test_a_ledger_is_for_one_part() -> None:
    other = ReceiveStock(part="PLC-S7-1500", reference="GR-9", quantity=Decimal(1), at=T)
    after(DEFINE).when(other).raises(StockRefused, field="part")


def test_orders_need_the_key_components_of_their_products() -> None:
    lines = [("SV-AS2-750W", Decimal(2)), ("RB-WS-SCARA", Decimal(1)),
             ("PLC-CAB-MINI", Decimal(1)), ("CV-BL-800", Decimal(40))]  # fmt: skip
    assert needs(DEFAULT_KEY_COMPONENTS, lines) == {
        "PLC-S7-1200": Decimal(2), "ROBOT-SCARA": Decimal(1), "SERVO-750W": Decimal(2)}  # fmt: skip


def test_the_suggested_delivery_adds_the_stages_after_material_prep() -> None:
    route = (Stage.PENDING_CONFIRMATION, Stage.SIGNED, Stage.DESIGNING, Stage.MATERIAL_PREP,
             Stage.IN_PRODUCTION, Stage.TESTING, Stage.AWAITING_SHIPMENT,
             Stage.COMPLETED)  # fmt: skip
    days = {Stage.IN_PRODUCTION: 15, Stage.TESTING: 10, Stage.AWAITING_SHIPMENT: 5}
    assert suggested_delivery(route, days, date(2026, 2, 1), date(2026, 2, 15)) == date(2026, 3, 3)
    assert suggested_delivery(route, days, date(2026, 1, 1), date(2026, 3, 1)) == date(2026, 3, 1)


_commands = st.lists(
    st.one_of(
        st.builds(receive, st.sampled_from(["GR-1", "GR-2", "GR-3"]), st.integers(1, 9)),
        st.builds(lambda r, q: IssueStock(part=P, reference=r, quantity=Decimal(q), at=T),
                  st.sampled_from(["GI-1", "GI-2"]), st.integers(1, 9)),
        st.builds(reserve, st.sampled_from([ORDER_A, ORDER_B]), st.integers(0, 9)),
        st.builds(lambda o: ConsumeReservation(part=P, order_id=o, at=T),
                  st.sampled_from([ORDER_A, ORDER_B])),
        st.builds(lambda q: CountStock(part=P, on_hand=Decimal(q), source="erp", at=T),
                  st.integers(0, 20)),
    ),
    max_size=25,
)  # fmt: skip


@for_all(_commands)
def test_the_ledger_always_adds_up(commands: list[StockCommand]) -> None:
    state = evolve(INITIAL, *decide(DEFINE, INITIAL))
    on_hand = Decimal(0)
    for command in commands:
        try:
            events = decide(command, state)
        except DomainError:
            continue  # refused: nothing changes
        for event in events:
            state = evolve(state, event)
        match command:  # the books kept independently of evolve
            case ReceiveStock() | IssueStock() if events:
                on_hand += command.quantity * (1 if isinstance(command, ReceiveStock) else -1)
            case CountStock() if events:
                on_hand = command.on_hand
            case ConsumeReservation() if events:
                [consumed] = events
                assert isinstance(consumed, ReservationConsumed)
                on_hand -= consumed.issued
    assert state.on_hand == on_hand >= 0
    assert state.available == state.on_hand - sum(state.reservations.values())
    assert all(q > 0 for q in state.reservations.values())
