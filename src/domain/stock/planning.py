"""Stock planning: what an order takes, what it lacks, and when it can be delivered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from domain.stages import Stage
from domain.stock.components import KeyComponents
from domain.stock.state import StockState


def needs(components: KeyComponents, lines: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Key components an order's (product code, quantity) lines take, summed per part."""
    total: dict[str, Decimal] = {}
    for product, quantity in lines:
        for need in components.by_product.get(product, ()):
            total[need.part] = total.get(need.part, Decimal(0)) + need.per_unit * quantity
    return dict(sorted(total.items()))


def shortfall(quantity: Decimal, available: Decimal) -> Decimal:
    """How much of a reservation of `quantity` is not on hand, when `available` is what
    is left once it is made (negative: more is reserved than is on hand)."""
    return min(quantity, max(-available, Decimal(0)))


def covered_on(state: StockState, missing: Decimal) -> date | None:
    """The first day the expected receipts, in order of arrival, bring `missing` in."""
    arrived = Decimal(0)
    for _, receipt in sorted(state.expected.items(), key=lambda kv: (kv[1].due_on, kv[0])):
        arrived += receipt.quantity
        if arrived >= missing:
            return receipt.due_on
    return None


def suggested_delivery(
    stages: Sequence[Stage], stage_days: Mapping[Stage, int], materials_on: date, promised: date
) -> date:
    """The delivery date the materials allow: the day they are in, plus the days of the
    stages that follow material preparation on the order's route; never earlier than
    the date promised."""
    after = stages.index(Stage.MATERIAL_PREP) + 1 if Stage.MATERIAL_PREP in stages else 2
    days = sum(stage_days.get(s, 0) for s in stages[after:-1])
    return max(promised, materials_on + timedelta(days=days))
