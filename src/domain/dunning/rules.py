"""Named dunning rules: checks that raise a DomainError naming the field, and predicates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.dunning.escalation import DunningRules
from domain.dunning.lines import DunningLine, line_key
from domain.dunning.state import DunningState
from domain.shared import DomainError


class InvalidDunningRules(DomainError):
    rule = "invalid_dunning_rules"


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


def behind_the_list(state: DunningState, as_of: date) -> bool:
    """A run as of a day before the list's latest revision adds nothing: the list
    stands for a later day already, and what was overdue then and is still owed is
    overdue now too, for a run now to find."""
    return state.as_of is not None and as_of < state.as_of


def not_yet_listed(state: DunningState, lines: Sequence[DunningLine]) -> tuple[DunningLine, ...]:
    """The lines whose invoice is not on the list yet, each once, in their order."""
    seen = set(state.listed)
    new = []
    for line in lines:
        if (key := line_key(line)) not in seen:
            seen.add(key)
            new.append(line)
    return tuple(new)
