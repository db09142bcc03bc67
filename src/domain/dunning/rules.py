"""Named dunning rules: each a small check that raises a DomainError naming itself."""

from __future__ import annotations

from datetime import datetime

from domain.dunning.escalation import DunningRules
from domain.dunning.state import DunningState
from domain.shared import DomainError


class InvalidDunningRules(DomainError):
    rule = "invalid_dunning_rules"


class DunningListExists(DomainError):
    rule = "dunning_list_exists"


def check_rules(rules: DunningRules) -> None:
    if not rules.levels:
        raise InvalidDunningRules("dunning needs at least one level", field="levels")
    if any(lv.fee < 0 for lv in rules.levels):
        raise InvalidDunningRules("a dunning fee is not negative", field="fee")
    if not 0 <= rules.annual_interest_rate <= 1:
        raise InvalidDunningRules(
            "the annual interest rate is a fraction between 0 and 1", field="annual_interest_rate"
        )
    starts = [lv.from_days for lv in rules.levels]
    numbers = [lv.level for lv in rules.levels]
    if starts != sorted(set(starts)) or numbers != sorted(set(numbers)):
        raise InvalidDunningRules(
            "levels rise strictly: each starts later and is numbered higher", field="levels"
        )


def must_not_be_compiled(state: DunningState, scheduled_for: datetime) -> None:
    """Compiling a firing's list twice is refused, so a second scheduler leaves one list."""
    if state.version:
        raise DunningListExists(f"the dunning list for {scheduled_for.isoformat()} exists already")
