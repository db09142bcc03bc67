"""Decisions on an order's progress through production: the predicted completion and
the production operations (工序) the shop floor starts and finishes."""

from __future__ import annotations

from typing import assert_never

from domain.order import rules
from domain.order.commands import (
    FinishOperation,
    ReviewPrediction,
    StartOperation,
    UpdateExpectedCompletion,
)
from domain.order.events import (
    CompletionPredicted,
    ExpectedCompletionUpdated,
    OperationFinished,
    OperationStarted,
    OrderEvent,
)
from domain.order.prediction import changed, predict
from domain.order.state import OrderState
from domain.rulebook.plans import StagePlan, StagePlans, fallback_plan
from domain.stages import STAGE_LABELS, Stage


def decide_progress(
    state: OrderState,
    command: UpdateExpectedCompletion | ReviewPrediction | StartOperation | FinishOperation,
) -> list[OrderEvent]:
    match command:
        case UpdateExpectedCompletion(expected_completion=when, reason=reason, entered_by=by):
            rules.must_be_open(state)
            return [ExpectedCompletionUpdated(expected_completion=when, reason=reason,
                                              entered_by=by)]  # fmt: skip
        case ReviewPrediction():
            return [*review(state, command)]
        case StartOperation():
            return [*start(state, command)]
        case FinishOperation():
            return [*finish(state, command)]
        case _:
            assert_never(command)


def plan_of(state: OrderState, plans: StagePlans) -> StagePlan | None:
    lines = tuple(dict.fromkeys(line.product_line for line in state.lines if line.product_line))
    return plans.for_order(state.order_type, lines)


def review(state: OrderState, command: ReviewPrediction) -> list[CompletionPredicted]:
    """A new prediction, if it says something new; nothing for a closed order."""
    rules.must_exist(state)
    plan = plan_of(state, command.plans)
    version = command.plans.version
    if plan is None:
        plan, version = fallback_plan(state.order_type, command.deadlines), 0
    found = predict(state, plan, command.now, version)
    if found is None or not changed(state.prediction, found):
        return []
    return [found]


def start(state: OrderState, command: StartOperation) -> list[OperationStarted]:
    code = command.operation
    _in_production(state, "operation")
    plan = plan_of(state, command.plans)
    codes = [op.code for op in plan.operations] if plan else []
    if code not in codes:
        known = ", ".join(codes) or "none"
        raise rules.InvalidTransition(
            f"{code!r} is not an operation of this order's plan (its operations: {known})",
            field="operation",
        )
    if code in state.operations:
        raise rules.InvalidTransition(f"operation {code} was started already", field="operation")
    rules.must_not_precede_stage_entry(state, command.at, "at")
    return [OperationStarted(operation=code, team=command.team, at=command.at)]


def finish(state: OrderState, command: FinishOperation) -> list[OperationFinished]:
    code = command.operation
    _in_production(state, "operation")
    run = state.operations.get(code)
    if run is None or run.started_at is None:
        raise rules.InvalidTransition(f"operation {code} has not been started", field="operation")
    if run.finished_at is not None:
        raise rules.InvalidTransition(f"operation {code} was finished already", field="operation")
    if command.at < run.started_at:
        raise rules.TimeTravel(
            f"at {command.at.isoformat()} is before operation {code} started "
            f"at {run.started_at.isoformat()}",
            field="at",
        )
    return [OperationFinished(operation=code, at=command.at, note=command.note)]


def _in_production(state: OrderState, field: str) -> None:
    rules.must_be_open(state)
    if state.stage != Stage.IN_PRODUCTION:
        raise rules.InvalidTransition(
            f"operations are recorded in {STAGE_LABELS[Stage.IN_PRODUCTION]} (in_production); "
            f"the order is in {state.stage.value}",
            field=field,
        )
