"""The RevenuePeriods aggregate: the months finance closes, and how each product kind earns.

Months close in order; a closed month does not change. A soft close before it
warns without locking. Only the last closed month reopens, and only when one
person asks with a reason and another approves (finance asks, an admin
approves: the routes' roles say who). The satisfaction
pattern of each product kind is finance's accounting policy, versioned like any
rule: contracts identified afterwards use it (and record its version); an order
line may still say otherwise.

`commands`, `events` and `state` (with `evolve`) hold the types, `decide` the
decisions, `rules` the named checks.
"""

from domain.decider import Decider
from domain.revenue_periods.commands import (
    PERIODS_ID,
    ApproveReopen,
    ClosePeriod,
    PeriodCommand,
    PublishPatterns,
    RequestReopen,
    SoftClosePeriod,
)
from domain.revenue_periods.decide import decide
from domain.revenue_periods.events import (
    PatternsPublished,
    PeriodClosed,
    PeriodEvent,
    PeriodReopened,
    PeriodReopenRequested,
    PeriodSoftClosed,
)
from domain.revenue_periods.rules import PeriodRefused
from domain.revenue_periods.state import INITIAL, PeriodsState, evolve

__all__ = [
    "DECIDER",
    "INITIAL",
    "PERIODS_ID",
    "ApproveReopen",
    "ClosePeriod",
    "PatternsPublished",
    "PeriodClosed",
    "PeriodCommand",
    "PeriodEvent",
    "PeriodRefused",
    "PeriodReopenRequested",
    "PeriodReopened",
    "PeriodSoftClosed",
    "PeriodsState",
    "PublishPatterns",
    "RequestReopen",
    "SoftClosePeriod",
    "decide",
    "evolve",
]

DECIDER: Decider[PeriodCommand, PeriodsState, PeriodEvent] = Decider(
    name="RevenuePeriods",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=PeriodEvent,
    commands=PeriodCommand,
)
