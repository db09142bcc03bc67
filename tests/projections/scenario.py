"""A small, deterministic log with the order lives a list must get right."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from application.service import ApplicationService, CommandMeta
from domain.deciders import ORDER, RULEBOOK
from domain.order import commands as cmd
from domain.order import order_id_for
from domain.order.events import Channel, LineKind, LineRepricing, OrderLine, ShippedQuantity
from domain.rulebook import RULEBOOK_ID, Authority, PositionHolder, default_publications
from domain.shared import Money
from domain.stages import Stage

CST = timezone(timedelta(hours=8))
START = datetime(2025, 10, 1, 9, tzinfo=CST)


LI = Authority(
    positions_version=1, holdings=(PositionHolder(position="sales_director", user="li"),)
)


def _line(line_id: str, kind: LineKind, price: str, qty: str = "1") -> OrderLine:
    return OrderLine(
        line_id=line_id,
        product_code=f"P-{line_id}",
        kind=kind,
        quantity=Decimal(qty),
        unit_price=Money.of(price, "CNY"),
        discount=Money.of("0", "CNY"),
        standalone_selling_price=Money.of(price, "CNY"),
        term_start=date(2025, 11, 1) if kind is LineKind.MAINTENANCE else None,
        term_months=12 if kind is LineKind.MAINTENANCE else None,
    )


def write_scenario(service: ApplicationService, orders: int = 8) -> list[UUID]:
    """Write `orders` orders through the service, each at a different point of its life."""
    counter = iter(range(1_000_000))

    def run(decider: Any, aggregate_id: UUID, command: Any) -> None:
        service.execute(
            decider, aggregate_id, command, CommandMeta(command_id=f"s-{next(counter)}", actor="t")
        )

    for i, publication in enumerate(default_publications()):
        service.execute(
            RULEBOOK, RULEBOOK_ID, publication, CommandMeta(command_id=f"rb-{i}", actor="t")
        )
    rulebook = service.load(RULEBOOK, RULEBOOK_ID)
    assert rulebook.approval is not None
    ids = []
    for n in range(orders):
        channel = list(Channel)[n % len(Channel)]
        order_id = order_id_for(channel, f"S-{n}")
        ids.append(order_id)
        t = START + timedelta(days=n)
        big = n % 3 == 0
        lines = (
            _line("L1", LineKind.HARDWARE, "150000" if big else "20000", "2"),
            _line("L2", LineKind.MAINTENANCE, "8000"),
        )
        run(ORDER, order_id, cmd.PlaceOrder(
            order_type="equipment", channel=channel, external_ref=f"S-{n}", customer_id=f"C{n % 3}",
            customer_name=f"客户{n % 3}", region=["浙江", "江苏", "广东"][n % 3],
            salesperson=f"sp{n % 2}",
            currency="CNY", promised_delivery=date(2026, 3, 1), lines=lines, placed_at=t,
            route=rulebook.routes["equipment"], approval_rules=rulebook.approval,
        ))  # fmt: skip
        if n % 4 == 1:
            continue  # stays pending confirmation
        if big:
            run(
                ORDER,
                order_id,
                cmd.ApproveOrder(role="sales_director", approver="li", at=t, authority=LI),
            )
        run(ORDER, order_id, cmd.ChangeOrder(
            reason="客户调整", changed_at=t, approval_rules=rulebook.approval,
            reprice=(LineRepricing(line_id="L2", unit_price=Money.of("7000", "CNY"),
                                   discount=Money.of("100", "CNY")),),
        ))  # fmt: skip
        if big:  # the change reset approvals before signing
            run(
                ORDER,
                order_id,
                cmd.ApproveOrder(role="sales_director", approver="li", at=t, authority=LI),
            )
        run(
            ORDER,
            order_id,
            cmd.SignOrder(contract_number=f"HT-{n}", signed_at=t + timedelta(days=1)),
        )
        stages = [Stage.DESIGNING, Stage.MATERIAL_PREP, Stage.IN_PRODUCTION, Stage.TESTING]
        for k, stage in enumerate(stages[: n % 5]):
            run(ORDER, order_id, cmd.AdvanceStage(to_stage=stage, at=t + timedelta(days=2 + k)))
        if n % 6 == 2:
            run(ORDER, order_id, cmd.HoldOrder(reason="缺料", at=t + timedelta(days=9)))
        if n % 7 == 3:
            run(ORDER, order_id, cmd.CancelOrder(reason="客户取消", at=t + timedelta(days=10)))
        if n % 5 == 4 and n % 7 != 3 and n % 6 != 2:  # neither cancelled nor on hold
            done = t + timedelta(days=12)
            run(ORDER, order_id, cmd.AdvanceStage(to_stage=Stage.AWAITING_SHIPMENT, at=done))
            shipped = (ShippedQuantity(line_id="L1", quantity=Decimal(2)),)
            run(
                ORDER,
                order_id,
                cmd.RecordShipment(shipment_id=f"SH-{n}", lines=shipped, shipped_at=done),
            )
            run(ORDER, order_id, cmd.AdvanceStage(to_stage=Stage.COMPLETED, at=done))
    return ids
