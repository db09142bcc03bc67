"""Named rulebook rules: what a publication must satisfy, each raising InvalidRule.

Payment terms, exception rules, task templates and print templates are checked by
the modules that define them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.rulebook.approval import ApprovalStep
from domain.rulebook.health import HealthWeights
from domain.rulebook.plans import StagePlan
from domain.rulebook.positions import PositionHolder
from domain.rulebook.routes import Route, StageGate
from domain.shared import DomainError
from domain.stages import Stage


class InvalidRule(DomainError):
    rule = "invalid_rule"


# The stages an order of these types must pass (other types: the rules below only).
MUST_PASS: dict[str, frozenset[Stage]] = {
    "equipment": frozenset(
        {
            Stage.DESIGNING,
            Stage.MATERIAL_PREP,
            Stage.IN_PRODUCTION,
            Stage.TESTING,
            Stage.AWAITING_SHIPMENT,
        }
    ),
    "standard_parts": frozenset({Stage.IN_PRODUCTION, Stage.TESTING, Stage.AWAITING_SHIPMENT}),
    "software": frozenset({Stage.PROVISIONING}),
}
# Where an order ends, and the stage it must pass just before: goods ship from
# awaiting_shipment only, software goes live from provisioning.
ENDS = {Stage.COMPLETED: Stage.AWAITING_SHIPMENT, Stage.LIVE: Stage.PROVISIONING}
# The order the work stages come in when a route has them.
WORK_ORDER = (Stage.DESIGNING, Stage.MATERIAL_PREP, Stage.IN_PRODUCTION, Stage.TESTING,
              Stage.AWAITING_SHIPMENT)  # fmt: skip


def check_route(order_type: str, stages: Sequence[Stage]) -> None:
    """A route starts pending then signed, visits each stage once in the order work
    is done, ends where an order ends (completed or live) right after the stage that
    hands it over, and passes every stage its order type must."""
    if len(stages) < 3:
        raise InvalidRule("a route needs at least three stages", field="stages")
    if tuple(stages[:2]) != (Stage.PENDING_CONFIRMATION, Stage.SIGNED):
        raise InvalidRule("a route starts with pending_confirmation then signed", field="stages")
    if len(set(stages)) != len(stages):
        raise InvalidRule("a route visits each stage once", field="stages")
    last = stages[-1]
    if last not in ENDS:
        raise InvalidRule(f"a route ends with completed or live, not {last}", field="stages")
    if stages[-2] != ENDS[last]:
        how = "ships" if last == Stage.COMPLETED else "goes live"
        raise InvalidRule(f"{last} comes right after {ENDS[last]}: an order {how} from there, "
                          f"not from {stages[-2]}", field="stages")  # fmt: skip
    if any(s in ENDS for s in stages[:-1]):
        raise InvalidRule("completed and live end a route; neither comes before its end",
                          field="stages")  # fmt: skip
    work = [s for s in stages if s in WORK_ORDER]
    if work != sorted(work, key=WORK_ORDER.index):
        raise InvalidRule(f"work stages come in the order {', '.join(WORK_ORDER)}",
                          field="stages")  # fmt: skip
    missing = MUST_PASS.get(order_type, frozenset()) - set(stages)
    if missing:
        raise InvalidRule(f"an order of type {order_type} must pass "
                          f"{', '.join(sorted(missing))}", field="stages")  # fmt: skip


def check_steps(steps_by_currency: Mapping[str, Sequence[ApprovalStep]]) -> None:
    for currency, steps in steps_by_currency.items():
        if len(currency) != 3 or not currency.isupper():
            raise InvalidRule(f"{currency!r} is not an ISO currency code", field="currency")
        if any(s.above < 0 for s in steps):
            raise InvalidRule("approval thresholds are not negative", field="above")
        if len({s.role for s in steps}) != len(steps):
            raise InvalidRule(f"{currency}: a role appears twice", field="role")


def check_positions(holders: Sequence[PositionHolder]) -> None:
    seen: set[tuple[str, str]] = set()
    for i, h in enumerate(holders):
        if (h.position, h.user) in seen:
            raise InvalidRule(f"{h.user} is listed twice as {h.position}: give one entry the "
                              "regions and product lines they cover",
                              field=f"holders[{i}]")  # fmt: skip
        seen.add((h.position, h.user))


def check_weights(w: HealthWeights) -> None:
    weights = (w.delivery_weight, w.cost_weight, w.feedback_weight)
    if any(x < 0 for x in weights) or w.feedback_per_30_days_for_full_score <= 0:
        raise InvalidRule("health weights are not negative", field="weights")
    if not 0 < w.yellow_from < w.red_from:
        raise InvalidRule("health thresholds need 0 < yellow_from < red_from", field="weights")
    if w.yellow_at_level > w.red_at_level:
        raise InvalidRule("an exception level that makes an order red makes it yellow too: "
                          "yellow_at_level <= red_at_level", field="weights")  # fmt: skip


def check_deadlines(days: Mapping[Stage, int]) -> None:
    if any(d < 1 for d in days.values()):
        raise InvalidRule("a stage deadline is at least one day", field="days")


def check_gates(gates: Sequence[StageGate]) -> None:
    if any(g.from_stage == g.to_stage for g in gates):
        raise InvalidRule("a stage gate leads to another stage", field="gates")


def check_plans(plans: Sequence[StagePlan], routes: Mapping[str, Route]) -> None:
    """One plan per order kind and product line; operations only within production,
    each code once; a stage planned must be on the kind's route where it has one."""
    seen: set[tuple[str, str]] = set()
    for i, plan in enumerate(plans):
        key = (plan.order_type, plan.product_line)
        if key in seen:
            line = f" and product line {plan.product_line}" if plan.product_line else ""
            raise InvalidRule(f"order type {plan.order_type}{line} has two plans",
                              field=f"plans[{i}]")  # fmt: skip
        seen.add(key)
        codes = [op.code for op in plan.operations]
        if len(set(codes)) != len(codes):
            raise InvalidRule("each operation code comes once in a plan",
                              field=f"plans[{i}].operations")  # fmt: skip
        if plan.operations and Stage.IN_PRODUCTION in plan.days:
            raise InvalidRule("production lasts as long as its operations: give either its "
                              "days or its operations", field=f"plans[{i}].days")  # fmt: skip
        route = routes.get(plan.order_type)
        off = sorted(s for s in plan.days if route is not None and s not in route.stages)
        if off:
            raise InvalidRule(f"{', '.join(off)} is not on the route of {plan.order_type}",
                              field=f"plans[{i}].days")  # fmt: skip
        if route is not None and plan.operations and Stage.IN_PRODUCTION not in route.stages:
            raise InvalidRule(f"the route of {plan.order_type} has no production for "
                              "operations", field=f"plans[{i}].operations")  # fmt: skip
