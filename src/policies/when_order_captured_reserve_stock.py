"""When an order is captured or changed, soft-reserve its key components (库存联动).

The key components each product takes are rulebook data. The policy keeps each
order's lines and what it has reserved; after capture and after every change
order it sets the order's reservation of each part to what the lines now take
(0 releases a part no longer needed). Cancelling releases everything; entering
production issues the reservation from stock. Command ids name the order, the
revision (or the cancellation, or production) and the part.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from domain.decider import topic_of
from domain.deciders import STOCK
from domain.envelope import Recorded
from domain.order.events import OrderCancelled, OrderChanged, OrderPlaced, StageAdvanced
from domain.rulebook import KeyComponentsPublished
from domain.stages import Stage
from domain.stock import (
    ConsumeReservation,
    KeyComponents,
    ReserveForOrder,
    needs,
    stock_item_id,
)
from infrastructure.read_store import Tx
from policies import outbox

NAME = "when_order_captured_reserve_stock"
_components = msgspec.json.Decoder(KeyComponents)
_lines = msgspec.json.Decoder(dict[str, tuple[str, Decimal]])
_needs = msgspec.json.Decoder(dict[str, Decimal])


class ReserveStockPolicy:
    topics = frozenset(
        topic_of(t)
        for t in (OrderPlaced, OrderChanged, OrderCancelled, StageAdvanced, KeyComponentsPublished)
    )

    def __init__(self, name: str = NAME) -> None:
        self.name = name
        self.orders, self.components = f"{name}_orders", f"{name}_components"

    def tables(self) -> list[str]:
        return [self.orders, self.components]

    def schema(self) -> list[str]:
        return [
            *outbox.SCHEMA,
            f"CREATE TABLE IF NOT EXISTS {self.orders} (order_id TEXT PRIMARY KEY, "
            "lines TEXT NOT NULL, reserved TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.components} "
            "(id BIGINT PRIMARY KEY, components TEXT NOT NULL)",
        ]

    def apply(self, tx: Tx, events: Sequence[Recorded[Any]]) -> None:
        for recorded in events:
            event, order_id = recorded.event, str(recorded.originator_id)
            match event:
                case KeyComponentsPublished(components=components):
                    tx.upsert(self.components, ("id", "components"), "id",
                              [(1, msgspec.json.encode(components).decode())])  # fmt: skip
                case OrderPlaced(placed_at=at):
                    lines = {ln.line_id: (ln.product_code, ln.quantity) for ln in event.lines}
                    self._reserve(tx, recorded, lines, {}, at=at, step="r0")
                case OrderChanged(changed_at=at, revision=revision):
                    found = self._order(tx, order_id)
                    if found is not None:
                        lines, reserved = found
                        lines = {k: v for k, v in lines.items() if k not in event.removed}
                        lines |= {ln.line_id: (ln.product_code, ln.quantity) for ln in event.added}
                        self._reserve(tx, recorded, lines, reserved, at=at, step=f"r{revision}")
                case OrderCancelled(at=at):
                    found = self._order(tx, order_id)
                    if found is not None:
                        self._set(tx, recorded, found[1], {}, at=at, step="cancelled")
                        self._forget(tx, order_id)
                case StageAdvanced(to_stage=Stage.IN_PRODUCTION, at=at):
                    found = self._order(tx, order_id)
                    if found is not None:
                        for part in found[1]:
                            consume = ConsumeReservation(part=part, order_id=UUID(order_id), at=at)
                            self._enqueue(tx, recorded, part, "production", consume)
                        self._forget(tx, order_id)

    def _order(self, tx: Tx, order_id: str) -> tuple[dict[str, tuple[str, Decimal]],
                                                     dict[str, Decimal]] | None:  # fmt: skip
        tx.execute(f"SELECT * FROM {self.orders} WHERE order_id = ?", (order_id,))  # noqa: S608
        row = tx.fetchone()
        return (
            None if row is None else (_lines.decode(row["lines"]), _needs.decode(row["reserved"]))
        )

    def _forget(self, tx: Tx, order_id: str) -> None:
        tx.execute(f"DELETE FROM {self.orders} WHERE order_id = ?", (order_id,))  # noqa: S608

    def _reserve(  # noqa: PLR0913 - the order's lines before and after, and the cause
        self, tx: Tx, cause: Recorded[Any], lines: dict[str, tuple[str, Decimal]],
        reserved: dict[str, Decimal], *, at: datetime, step: str,
    ) -> None:  # fmt: skip
        tx.execute(f"SELECT components FROM {self.components} WHERE id = 1")  # noqa: S608
        found = tx.fetchone()
        wanted = needs(_components.decode(found["components"]), lines.values()) if found else {}
        self._set(tx, cause, reserved, wanted, at=at, step=step)
        row = (str(cause.originator_id), msgspec.json.encode(lines).decode(),
               msgspec.json.encode(wanted).decode())  # fmt: skip
        tx.upsert(self.orders, ("order_id", "lines", "reserved"), "order_id", [row])

    def _set(  # noqa: PLR0913 - the reservations before and after, and the cause
        self, tx: Tx, cause: Recorded[Any], before: dict[str, Decimal],
        after: dict[str, Decimal], *, at: datetime, step: str,
    ) -> None:  # fmt: skip
        for part in sorted(before.keys() | after.keys()):
            quantity = after.get(part, Decimal(0))
            if quantity != before.get(part, Decimal(0)):
                reserve = ReserveForOrder(part=part, order_id=cause.originator_id,
                                          quantity=quantity, at=at)  # fmt: skip
                self._enqueue(tx, cause, part, step, reserve)

    def _enqueue(self, tx: Tx, cause: Recorded[Any], part: str, step: str, command: Any) -> None:
        key = f"{NAME}:{cause.originator_id}:{step}:{part}"
        outbox.enqueue(tx, NAME, outbox.Intent(key, STOCK, stock_item_id(part), command), cause)
