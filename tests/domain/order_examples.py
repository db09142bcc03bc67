"""Example orders for the given/when/then tests: small builders, readable defaults.

Times are days after T0 (a Shanghai morning); amounts are CNY unless said.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from domain.order.commands import (
    AdvanceStage,
    ApproveOrder,
    ChangeOrder,
    OrderCommand,
    PlaceOrder,
    RecordShipment,
    SignOrder,
)
from domain.order.events import (
    SHIPPABLE_KINDS,
    Channel,
    LineKind,
    LineRepricing,
    OrderEvent,
    OrderLine,
    ShippedQuantity,
)
from domain.rulebook import ApprovalRules, Authority, PositionHolder, Route
from domain.shared import Money
from domain.stages import Stage
from domain.testing import default_rulebook, order_spec

given = order_spec
BOOK = default_rulebook()
assert BOOK.approval is not None
RULES: ApprovalRules = BOOK.approval
ROUTES: dict[str, Route] = BOOK.routes
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def cny(amount: str | int) -> Money:
    return Money.of(amount, "CNY")


def line(
    line_id: str = "L1",
    *,
    kind: LineKind = LineKind.HARDWARE,
    quantity: str | int = 1,
    price: str | int = "1000",
    discount: str | int = 0,
    currency: str = "CNY",
    term_start: date | None = None,
    term_months: int | None = None,
) -> OrderLine:
    return OrderLine(
        line_id=line_id,
        product_code=f"P-{line_id}",
        kind=kind,
        quantity=Decimal(quantity),
        unit_price=Money.of(price, currency),
        discount=Money.of(discount, currency),
        standalone_selling_price=Money.of(price, currency),
        term_start=term_start,
        term_months=term_months,
    )


def place(
    *lines: OrderLine,
    order_type: str = "equipment",
    currency: str = "CNY",
    promised: date = date(2024, 6, 1),
    route: Route | None = None,
    rules: ApprovalRules = RULES,
) -> PlaceOrder:
    return PlaceOrder(
        order_type=order_type,
        channel=Channel.DIRECT,
        external_ref="PO-1",
        customer_id="C-1",
        customer_name="Acme Machinery",
        region="East",
        salesperson="li.wei",
        currency=currency,
        promised_delivery=promised,
        lines=lines or (line(),),
        placed_at=T0,
        route=route or ROUTES[order_type],
        approval_rules=rules,
    )


def granted(role: str, user: str) -> Authority:
    """The authority of `user` holding `role` everywhere (positions list version 1)."""
    return Authority(positions_version=1, holdings=(PositionHolder(position=role, user=user),))


def approve(role: str, at: float = 0.5) -> ApproveOrder:
    user = f"{role}.zhang"
    return ApproveOrder(role=role, approver=user, at=day(at), authority=granted(role, user))


def sign(at: float = 1) -> SignOrder:
    return SignOrder(contract_number="HT-2024-001", signed_at=day(at))


def advance(stage: Stage, at: float) -> AdvanceStage:
    return AdvanceStage(to_stage=stage, at=day(at))


def ship(shipment_id: str = "S1", at: float = 20, **quantities: str | int) -> RecordShipment:
    lines = tuple(ShippedQuantity(line_id=i, quantity=Decimal(q)) for i, q in quantities.items())
    return RecordShipment(shipment_id=shipment_id, lines=lines, shipped_at=day(at))


def change(
    *,
    add: tuple[OrderLine, ...] = (),
    remove: tuple[str, ...] = (),
    reprice: tuple[LineRepricing, ...] = (),
    at: float = 2,
    rules: ApprovalRules = RULES,
) -> ChangeOrder:
    return ChangeOrder(
        reason="customer asked",
        changed_at=day(at),
        approval_rules=rules,
        add=add,
        remove=remove,
        reprice=reprice,
    )


def reprice(line_id: str, price: str | int, discount: str | int = 0) -> LineRepricing:
    return LineRepricing(line_id=line_id, unit_price=cny(price), discount=cny(discount))


def history(*commands: OrderCommand) -> list[OrderEvent]:
    """What the decider emits for these commands, in order."""
    return given.run(*commands)


def placed(*lines: OrderLine, order_type: str = "equipment") -> list[OrderEvent]:
    return history(place(*lines, order_type=order_type))


def signed(*lines: OrderLine, order_type: str = "equipment") -> list[OrderEvent]:
    return history(place(*lines, order_type=order_type), sign())


def at_stage(stage: Stage, *lines: OrderLine, order_type: str = "equipment") -> list[OrderEvent]:
    """Signed and advanced day by day to `stage`, shipping everything on the way."""
    route = ROUTES[order_type]
    commands: list[OrderCommand] = [place(*lines, order_type=order_type), sign()]
    for i, next_stage in enumerate(route.stages[2 : route.stages.index(stage) + 1], start=2):
        if next_stage == route.terminal:
            state = given.fold(history(*commands))
            due = {x.line_id: x.quantity for x in state.lines if x.kind in SHIPPABLE_KINDS}
            if due:
                commands.append(ship("S-all", i - 0.5, **{k: str(v) for k, v in due.items()}))
        commands.append(advance(next_stage, i))
    return history(*commands)


def followed_by(events: list[OrderEvent], *commands: OrderCommand) -> list[OrderEvent]:
    """`events`, then what the decider emits for `commands` after them."""
    result = list(events)
    for command in commands:
        result += given(*result).when(command).events()
    return result
