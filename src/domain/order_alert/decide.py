"""`decide`: raises, moves, escalates and closes an order's alert as its facts change."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never
from uuid import UUID

from domain.order_alert import rules
from domain.order_alert.commands import (
    AlertCommand,
    AssessDelay,
    CheckResponse,
    CloseAlert,
    ReportIncident,
    RespondToAlert,
)
from domain.order_alert.events import AlertClosed, AlertEvent, AlertRaised, AlertResponded
from domain.order_alert.levels import LEVELS, ExceptionRules, respond_by
from domain.order_alert.state import AlertState


def _raise(  # noqa: PLR0913 - one alert's facts
    exception_rules: ExceptionRules,
    state: AlertState,
    level: str,
    *,
    why: str,
    reason: str,
    at: datetime,
    order_id: UUID,
) -> list[AlertEvent]:
    rule = exception_rules.rule(level)
    raised = AlertRaised(
        order_id=order_id, level=level, previous=state.level, why=why, reason=reason,
        owners=rule.owners, action=rule.action, respond_by=respond_by(rule, at),
        report_to=rule.report_to, at=at,
    )  # fmt: skip
    return [raised]


def decide(command: AlertCommand, state: AlertState) -> list[AlertEvent]:
    match command:
        case AssessDelay(delay_days=days, at=at):
            level = command.rules.for_delay(days)
            if state.level == "L4" or level == (state.level or None):
                return []  # an incident stays L4 until someone closes it
            if level is None:
                return [AlertClosed(by="system", resolution="back on schedule", at=at)]
            why = "reassessed" if state.level else "raised"
            reason = f"predicted completion {days} days after the contract date"
            return _raise(command.rules, state, level, why=why, reason=reason, at=at,
                          order_id=command.order_id)  # fmt: skip
        case ReportIncident(description=text, at=at):
            return _raise(command.rules, state, "L4", why="incident", reason=text, at=at,
                          order_id=command.order_id)  # fmt: skip
        case RespondToAlert(by=by, note=note, at=at):
            rules.must_be_open(state)
            return [AlertResponded(by=by, note=note, at=at)]
        case CloseAlert(by=by, resolution=resolution, at=at):
            rules.must_be_open(state)
            return [AlertClosed(by=by, resolution=resolution, at=at)]
        case CheckResponse(as_of=now):
            due = state.respond_by
            if not state.level or state.responded or due is None or now <= due:
                return []
            higher = LEVELS[min(LEVELS.index(state.level) + 1, len(LEVELS) - 1)]
            if higher == state.level:
                return []  # L4 has no one above it
            reason = f"no response to {state.level} by {due.isoformat()}"
            assert state.order_id is not None
            return _raise(command.rules, state, higher, why="escalated", reason=reason, at=now,
                          order_id=state.order_id)  # fmt: skip
        case _:
            assert_never(command)
