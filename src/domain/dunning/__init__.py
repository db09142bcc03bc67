"""The DunningList aggregate: the weekly list of overdue items each salesperson must chase.

Every week (Monday 09:00 by default) the overdue items are scanned and a dunning
list goes to each salesperson. A list is a fact (what we asked people to chase,
and at what level), so it is an aggregate of its own, one per scheduled firing:
its id derives from the scheduled time, and compiling it twice is refused, so
two schedulers, or a restart that fires again, leave one list.

`escalation` holds the levels, fees and interest (rulebook data); `lines` applies
them to overdue items; `commands`, `events`, `state`, `decide` and `rules` are the
aggregate.
"""

from domain.decider import Decider
from domain.dunning.commands import CompileDunningList, DunningCommand, dunning_list_id
from domain.dunning.decide import decide
from domain.dunning.escalation import DEFAULT_DUNNING_RULES, DunningLevel, DunningRules
from domain.dunning.events import DunningEvent, DunningListCompiled
from domain.dunning.lines import DunningLine, OverdueItem, compile_lines, dunning_line, level_for
from domain.dunning.rules import DunningListExists, InvalidDunningRules, check_rules
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
    "DunningListExists",
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
]

DECIDER: Decider[DunningCommand, DunningState, DunningEvent] = Decider(
    name="DunningList",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=DunningEvent,
    commands=DunningCommand,
)
