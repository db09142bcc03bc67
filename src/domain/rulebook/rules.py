"""Named rulebook rules: what a publication must satisfy, each raising InvalidRule.

Payment terms, exception rules, task templates and print templates are checked by
the modules that define them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.rulebook.approval import ApprovalStep
from domain.rulebook.health import HealthWeights
from domain.rulebook.positions import PositionHolder
from domain.rulebook.routes import StageGate
from domain.shared import DomainError
from domain.stages import Stage


class InvalidRule(DomainError):
    rule = "invalid_rule"


def check_route(stages: Sequence[Stage]) -> None:
    if len(stages) < 3:
        raise InvalidRule("a route needs at least three stages", field="stages")
    if tuple(stages[:2]) != (Stage.PENDING_CONFIRMATION, Stage.SIGNED):
        raise InvalidRule("a route starts with pending_confirmation then signed", field="stages")
    if len(set(stages)) != len(stages):
        raise InvalidRule("a route visits each stage once", field="stages")


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


def check_deadlines(days: Mapping[Stage, int]) -> None:
    if any(d < 1 for d in days.values()):
        raise InvalidRule("a stage deadline is at least one day", field="days")


def check_gates(gates: Sequence[StageGate]) -> None:
    if any(g.from_stage == g.to_stage for g in gates):
        raise InvalidRule("a stage gate leads to another stage", field="gates")
