"""Order exceptions, L1-L4: how late an order is running, who must act, and by when.

Seed 000 四: L1 a delivery deviation of at most 3 days (team lead, respond within
2 hours); L2 4-7 days (production supervisor, closed the same working day); L3
8 days or more (VP, a contingency plan within 24 hours, and a report to the
executives); L4 a major quality incident or a formal customer complaint
(general manager and legal, at once). The levels, owners and response times are
rulebook data. One alert per order: raised, moved between levels as the
predicted completion moves, escalated when nobody responds in time, closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, assert_never
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from msgspec.structs import replace

from domain.shared import AwareDatetime, DomainError, Name, Text

_ALERTS = uuid5(NAMESPACE_URL, "urn:orderhub:order-alerts")
LEVELS = ("L1", "L2", "L3", "L4")
Level = Annotated[str, msgspec.Meta(pattern=r"^L[1-4]$")]


def order_alert_id(order_id: UUID) -> UUID:
    return uuid5(_ALERTS, str(order_id))


class LevelRule(msgspec.Struct, frozen=True, kw_only=True):
    level: Level
    min_delay_days: int | None  # None: raised by incidents only (L4)
    owners: tuple[Name, ...]
    action: Name
    respond_within_minutes: Annotated[int, msgspec.Meta(ge=0)] | None = None
    respond_by_hour: Annotated[int, msgspec.Meta(ge=0, le=23)] | None = None  # same working day
    report_to: tuple[Name, ...] = ()  # who gets a written report (by e-mail)


class ExceptionRules(msgspec.Struct, frozen=True, kw_only=True):
    levels: tuple[LevelRule, ...]

    def rule(self, level: str) -> LevelRule:
        return next(r for r in self.levels if r.level == level)

    def for_delay(self, days: int) -> str | None:
        reached = [
            r for r in self.levels if r.min_delay_days is not None and days >= r.min_delay_days
        ]
        return max((r.level for r in reached), default=None)


DEFAULT_EXCEPTION_RULES = ExceptionRules(
    levels=(
        LevelRule(level="L1", min_delay_days=1, owners=("team_lead",),
                  action="班组长内部协调资源补救 team lead reallocates resources",
                  respond_within_minutes=120),
        LevelRule(level="L2", min_delay_days=4, owners=("production_supervisor",),
                  action="生产主管牵头召开应急会 production supervisor calls an emergency meeting",
                  respond_by_hour=18),
        LevelRule(level="L3", min_delay_days=8, owners=("vp",),
                  action="副总级别介入,启动备用产能 VP steps in, backup capacity, contingency plan",
                  respond_within_minutes=24 * 60, report_to=("executives",)),
        LevelRule(level="L4", min_delay_days=None, owners=("general_manager", "legal"),
                  action="总经理督办,法务参与评估 general manager leads, legal assesses",
                  respond_within_minutes=0, report_to=("executives",)),
    )
)  # fmt: skip


def respond_by(rule: LevelRule, at: datetime) -> datetime:
    """When the owners must have responded to an alert raised at `at`."""
    if rule.respond_by_hour is not None:
        end = at.replace(hour=rule.respond_by_hour, minute=0, second=0, microsecond=0)
        return end if end > at else end + timedelta(days=1)
    return at + timedelta(minutes=rule.respond_within_minutes or 0)


class InvalidExceptionRules(DomainError):
    rule = "invalid_exception_rules"


def check_rules(rules: ExceptionRules) -> None:
    if sorted(r.level for r in rules.levels) != list(LEVELS):
        raise InvalidExceptionRules("define each of L1, L2, L3 and L4 once", field="levels")
    starts = [rules.rule(level).min_delay_days for level in LEVELS[:3]]
    if any(s is None for s in starts) or starts != sorted(set(starts)) or starts[0] < 1:  # type: ignore[type-var, operator]
        raise InvalidExceptionRules("L1-L3 start at rising delays of 1 day or more", field="levels")
    for r in rules.levels:
        if not r.owners or (r.respond_within_minutes is None) == (r.respond_by_hour is None):
            raise InvalidExceptionRules(
                f"{r.level} needs owners and exactly one response time", field="levels"
            )


# --- the aggregate --------------------------------------------------------------


class AssessDelay(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    delay_days: int  # predicted completion minus the contract date
    at: AwareDatetime
    rules: ExceptionRules


class ReportIncident(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    order_id: UUID
    description: Text
    at: AwareDatetime
    rules: ExceptionRules


class RespondToAlert(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: Name
    note: Text
    at: AwareDatetime


class CloseAlert(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: Name
    resolution: Text
    at: AwareDatetime


class CheckResponse(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The clock's turn: an alert nobody responded to in time goes one level up."""

    as_of: AwareDatetime
    rules: ExceptionRules


AlertCommand = AssessDelay | ReportIncident | RespondToAlert | CloseAlert | CheckResponse


class AlertRaised(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """An alert is now at `level` (raised, re-assessed or escalated, as `why` says)."""

    order_id: UUID
    level: str
    previous: str  # "" when newly raised
    why: str  # raised | reassessed | escalated | incident
    reason: str
    owners: tuple[str, ...]
    action: str
    respond_by: AwareDatetime
    report_to: tuple[str, ...]
    at: AwareDatetime


class AlertResponded(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: str
    note: str
    at: AwareDatetime


class AlertClosed(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    by: str
    resolution: str
    at: AwareDatetime


AlertEvent = AlertRaised | AlertResponded | AlertClosed


class AlertState(msgspec.Struct, frozen=True, kw_only=True):
    version: int = 0
    order_id: UUID | None = None
    level: str = ""  # "" when no alert is open
    respond_by: datetime | None = None
    responded: bool = False


INITIAL = AlertState()


class NoOpenAlert(DomainError):
    rule = "no_open_alert"


def _raise(  # noqa: PLR0913 - one alert's facts
    rules: ExceptionRules,
    state: AlertState,
    level: str,
    *,
    why: str,
    reason: str,
    at: datetime,
    order_id: UUID,
) -> list[AlertEvent]:
    rule = rules.rule(level)
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
            if not state.level:
                raise NoOpenAlert("this order has no open exception")
            return [AlertResponded(by=by, note=note, at=at)]
        case CloseAlert(by=by, resolution=resolution, at=at):
            if not state.level:
                raise NoOpenAlert("this order has no open exception")
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


def evolve(state: AlertState, event: AlertEvent) -> AlertState:
    match event:
        case AlertRaised(level=level, respond_by=by):
            return replace(state, version=state.version + 1, order_id=event.order_id,
                           level=level, respond_by=by, responded=False)  # fmt: skip
        case AlertResponded():
            return replace(state, version=state.version + 1, responded=True)
        case AlertClosed():
            return replace(state, version=state.version + 1, level="", respond_by=None,
                           responded=False)  # fmt: skip
        case _:
            assert_never(event)
