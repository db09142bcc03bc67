"""The predicted completion of an open order, and how it was derived.

Three things can set it, the latest of the first two and then the third:

1. **The plan**: the current stage ends when its plan says, counted from the day it
   was entered - and not before today, since it has not ended yet; each later stage
   of the route (up to the last, which is the completion itself) follows for its
   planned days. Within production, once the shop floor records operations, the
   finished ones are done, a started one ends its planned days after it started (not
   before today) and the ones not started begin no earlier than today.
2. **Stock**: while materials are still being prepared, a short key part whose
   expected receipts bring it in on a known day moves the completion to that day
   plus the planned days of the stages after material preparation.
3. **A person**: a completion date entered by someone takes precedence, with who
   entered it and why; it is not before today either.

So an open order past its promised date is predicted at least as late as today.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from domain.order.events import Basis, CompletionPredicted, PlannedStep
from domain.order.state import OrderState
from domain.rulebook.plans import StagePlan
from domain.stages import STAGE_LABELS, Stage


def predict(state: OrderState, plan: StagePlan, now: datetime, plan_version: int) -> (
    CompletionPredicted | None
):  # fmt: skip
    """The prediction as of `now` (an aware time in the company's zone), or None for an
    order that is closed or was never placed."""
    if not state.exists or state.closed or state.route is None or state.promised_delivery is None:
        return None
    local = now.tzinfo
    today = now.date()
    if state.prediction is not None:
        today = max(today, state.prediction.as_of)  # a late command never moves time back
    stages = state.route.stages
    today = max(today, _day(state.stage_history[-1].entered_at, local))
    steps = _current(state, plan, today, local)
    cursor = max(steps[-1].ends, today)  # the stage has not ended: it was not advanced
    for stage in stages[stages.index(state.stage) + 1 : -1]:
        days = plan.stage_days(stage)
        ends = cursor + timedelta(days)
        steps.append(PlannedStep(stage=stage, starts=cursor, ends=ends, planned_days=days))
        cursor = ends
    predicted, basis, why = cursor, Basis.PLAN, _plan_why(steps)
    stock = _stock(state, plan, stages)
    if stock is not None and stock[0] > predicted:
        predicted, basis, why = stock[0], Basis.STOCK, stock[1]
    if state.entered_completion is not None:
        on, by = state.entered_completion.on, state.entered_completion.by
        reason = state.entered_completion.reason
        predicted, basis = max(on, today), Basis.ENTERED
        why = f"entered by {by or 'someone'}: {on.isoformat()} ({reason})"
        if on < today:
            why += f"; that day has passed, so not before today {today.isoformat()}"
    return CompletionPredicted(
        predicted=predicted, promised=state.promised_delivery,
        late_days=(predicted - state.promised_delivery).days, basis=basis, why=why[:2000],
        steps=tuple(steps), as_of=today, plan_version=plan_version,
    )  # fmt: skip


def changed(before: CompletionPredicted | None, after: CompletionPredicted) -> bool:
    """Whether a prediction says something new (not merely a later as-of day)."""
    if before is None:
        return True
    keys = ("predicted", "promised", "basis", "why", "steps", "plan_version")
    return any(getattr(before, k) != getattr(after, k) for k in keys)


def _current(
    state: OrderState, plan: StagePlan, today: date, local: tzinfo | None
) -> list[PlannedStep]:
    stage, entered = state.stage, _day(state.stage_history[-1].entered_at, local)
    if stage == Stage.IN_PRODUCTION and plan.operations and state.operations:
        return _operations(state, plan, entered, today, local)
    days = plan.stage_days(stage)
    planned_end = entered + timedelta(days)
    ends = max(planned_end, today)
    return [PlannedStep(stage=stage, starts=entered, ends=ends, planned_days=days,
                        overrun=today > planned_end)]  # fmt: skip


def _day(at: datetime, local: tzinfo | None) -> date:
    return at.astimezone(local).date()


def _operations(
    state: OrderState, plan: StagePlan, entered: date, today: date, local: tzinfo | None
) -> list[PlannedStep]:
    steps: list[PlannedStep] = []
    cursor = entered
    for op in plan.operations:
        run = state.operations.get(op.code)
        started = _day(run.started_at, local) if run and run.started_at else None
        finished = _day(run.finished_at, local) if run and run.finished_at else None
        if finished is not None:
            starts = started or cursor
            steps.append(PlannedStep(stage=Stage.IN_PRODUCTION, operation=op.code, starts=starts,
                                     ends=finished, planned_days=op.days, done=True,
                                     overrun=finished > starts + timedelta(op.days)))  # fmt: skip
            cursor = finished
            continue
        starts = started if started is not None else max(cursor, today)
        planned_end = starts + timedelta(op.days)
        ends = max(planned_end, today)
        late = today > planned_end
        step = PlannedStep(stage=Stage.IN_PRODUCTION, operation=op.code, starts=starts,
                           ends=ends, planned_days=op.days, overrun=late)  # fmt: skip
        steps.append(step)
        cursor = ends
    return steps


def _stock(
    state: OrderState, plan: StagePlan, stages: tuple[Stage, ...]
) -> tuple[date, str] | None:
    if Stage.MATERIAL_PREP not in stages:
        return None
    if stages.index(state.stage) > stages.index(Stage.MATERIAL_PREP):
        return None  # the materials are in
    dated = [(w.materials_on, part) for part, w in state.stock_warnings.items() if w.materials_on]
    if not dated:
        return None
    materials_on, part = max(dated)
    after = stages[stages.index(Stage.MATERIAL_PREP) + 1 : -1]
    days = sum(plan.stage_days(s) for s in after)
    on = materials_on + timedelta(days)
    return on, f"key part {part} short until {materials_on.isoformat()}, then {days} d planned"


def _plan_why(steps: list[PlannedStep]) -> str:
    first = next((s for s in steps if not s.done), steps[-1])
    name = STAGE_LABELS[first.stage] + (f" {first.operation}" if first.operation else "")
    text = f"{name} since {first.starts.isoformat()}, {first.planned_days} d planned"
    if first.overrun:
        text += ", overrun"
    rest = sum(s.planned_days for s in steps[steps.index(first) + 1 :])
    return f"{text}; {rest} d planned after it"
