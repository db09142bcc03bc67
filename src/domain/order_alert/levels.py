"""The exception levels L1-L4 the business publishes: thresholds, owners, response times.

By default: L1 a delivery deviation of at most 3 days (team lead, respond within
2 hours); L2 4-7 days (production supervisor, closed the same working day); L3
8 days or more (VP, a contingency plan within 24 hours, and a report to the
executives); L4 a major quality incident or a formal customer complaint (general
manager and legal, at once).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import msgspec

from domain.shared import Name

LEVELS = ("L1", "L2", "L3", "L4")
Level = Annotated[str, msgspec.Meta(pattern=r"^L[1-4]$")]


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
