"""The DunningList aggregate: the weekly list of overdue items each salesperson must chase.

Every week (Monday 09:00 by default) the overdue items are scanned and a dunning
list goes to each salesperson. A list is a fact (what we asked people to chase,
and at what level), so it is an aggregate of its own, one per week: its id
derives from the scheduled time of the week's firing. A run later that week adds
what has fallen overdue since as the list's next revision, each invoice on the
list once; a run that finds nothing new records nothing, so two schedulers, or
a restart that fires again, leave the list as it was.

`escalation` holds the levels, fees and interest (rulebook data); `lines` applies
them to overdue items; `commands`, `events`, `state`, `decide` and `rules` are the
aggregate.
"""

from domain.decider import Decider
from domain.dunning.commands import CompileDunningList, DunningCommand, dunning_list_id
from domain.dunning.decide import decide
from domain.dunning.escalation import DEFAULT_DUNNING_RULES, DunningLevel, DunningRules
from domain.dunning.events import DunningEvent, DunningListCompiled
from domain.dunning.lines import (
    DunningLine,
    OverdueItem,
    compile_lines,
    dunning_line,
    level_for,
    line_key,
)
from domain.dunning.rules import InvalidDunningRules, check_rules
from domain.dunning.state import INITIAL, DunningState, evolve

__all__ = [
    "DECIDER",
    "DEFAULT_DUNNING_RULES",
    "INITIAL",
    "CompileDunningList",
    "DunningCommand",
    "DunningEvent",
    "DunningLevel",
    "DunningLine",
    "DunningListCompiled",
    "DunningRules",
    "DunningState",
    "InvalidDunningRules",
    "OverdueItem",
    "check_rules",
    "compile_lines",
    "decide",
    "dunning_line",
    "dunning_list_id",
    "evolve",
    "level_for",
    "line_key",
]

DECIDER: Decider[DunningCommand, DunningState, DunningEvent] = Decider(
    name="DunningList",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=DunningEvent,
    commands=DunningCommand,
    snapshot_schema=2,  # the state holds the listed invoices since revisions
)
