"""Stage plans: how many days each stage of an order kind is planned to take, and the
production operations (工序) within production, per product line where they differ.

The predicted completion of an open order is derived from them (see
`domain.order.prediction`). The default for equipment is the seed's 45-day cycle of a
conveyor line: design review 5 days, material purchasing 10, machining 15, assembly
and commissioning 10, customer inspection 5.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import msgspec

from domain.stages import Stage

Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Label = Annotated[str, msgspec.Meta(max_length=200)]
Days = Annotated[int, msgspec.Meta(ge=0, le=3650)]


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """A production operation: its code, label, planned days and the team working it."""

    code: Code
    label: Label = ""
    days: Days
    team: Label = ""


class StagePlan(msgspec.Struct, frozen=True, kw_only=True):
    """The plan of one order kind (and product line: "" for any). A stage on the route
    that the plan does not name is planned at 0 days; production, when operations are
    given, lasts as long as they do, one after another."""

    order_type: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    product_line: Label = ""
    days: dict[Stage, Days] = msgspec.field(default_factory=dict)
    operations: tuple[Operation, ...] = ()

    def stage_days(self, stage: Stage) -> int:
        if stage == Stage.IN_PRODUCTION and self.operations:
            return sum(op.days for op in self.operations)
        return self.days.get(stage, 0)


class StagePlans(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    plans: tuple[StagePlan, ...]

    def for_order(self, order_type: str, product_lines: tuple[str, ...]) -> StagePlan | None:
        """The plan of the order's kind and first product line that has one, else the
        kind's plan for any product line, else None."""
        kind = [p for p in self.plans if p.order_type == order_type]
        for line in product_lines:
            found = next((p for p in kind if line and p.product_line == line), None)
            if found is not None:
                return found
        return next((p for p in kind if not p.product_line), None)


def fallback_plan(order_type: str, days: Mapping[Stage, int]) -> StagePlan:
    """A plan from the company's stage deadlines, for a kind that has no plan of its own."""
    return StagePlan(order_type=order_type, days=dict(days))


_S = Stage
DEFAULT_STAGE_PLANS: tuple[StagePlan, ...] = (
    StagePlan(
        order_type="equipment",
        days={
            _S.PENDING_CONFIRMATION: 3,
            _S.SIGNED: 0,
            _S.DESIGNING: 5,
            _S.MATERIAL_PREP: 10,
            _S.TESTING: 5,
            _S.AWAITING_SHIPMENT: 0,
        },
        operations=(
            Operation(code="machining", label="机加工 machining", days=15, team="machining"),
            Operation(
                code="assembly_commissioning",
                label="装配调试 assembly and commissioning",
                days=10,
                team="assembly",
            ),
        ),
    ),
    # Working assumptions for stock products: no design, shorter production.
    StagePlan(
        order_type="standard_parts",
        days={
            _S.PENDING_CONFIRMATION: 2,
            _S.SIGNED: 0,
            _S.MATERIAL_PREP: 5,
            _S.TESTING: 2,
            _S.AWAITING_SHIPMENT: 1,
        },
        operations=(
            Operation(code="machining", label="机加工 machining", days=5, team="machining"),
            Operation(code="assembly", label="装配 assembly", days=3, team="assembly"),
        ),
    ),
    StagePlan(
        order_type="software",
        days={_S.PENDING_CONFIRMATION: 2, _S.SIGNED: 0, _S.PROVISIONING: 10},
    ),
)
