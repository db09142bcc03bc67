"""Named order alert rules: each a small check that raises a DomainError naming itself."""

from __future__ import annotations

from domain.order_alert.levels import LEVELS, ExceptionRules
from domain.order_alert.state import AlertState
from domain.shared import DomainError


class NoOpenAlert(DomainError):
    rule = "no_open_alert"


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


def must_be_open(state: AlertState) -> None:
    if not state.level:
        raise NoOpenAlert("this order has no open exception")
