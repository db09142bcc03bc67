"""The OrderAlert aggregate: how late an order is running, who must act, and by when.

One alert per order: raised, moved between levels as the predicted completion
moves, escalated when nobody responds in time, closed. `levels` holds the L1-L4
levels, owners and response times (rulebook data); `commands`, `events`, `state`,
`decide` and `rules` are the aggregate.
"""

from domain.decider import Decider
from domain.order_alert.commands import (
    AlertCommand,
    AssessDelay,
    CheckResponse,
    CloseAlert,
    ReportIncident,
    RespondToAlert,
    order_alert_id,
)
from domain.order_alert.decide import decide
from domain.order_alert.events import AlertClosed, AlertEvent, AlertRaised, AlertResponded
from domain.order_alert.levels import (
    DEFAULT_EXCEPTION_RULES,
    LEVELS,
    ExceptionRules,
    Level,
    LevelRule,
    respond_by,
)
from domain.order_alert.rules import InvalidExceptionRules, NoOpenAlert, check_rules
from domain.order_alert.state import INITIAL, AlertState, evolve

__all__ = [
    "DECIDER",
    "DEFAULT_EXCEPTION_RULES",
    "INITIAL",
    "LEVELS",
    "AlertClosed",
    "AlertCommand",
    "AlertEvent",
    "AlertRaised",
    "AlertResponded",
    "AlertState",
    "AssessDelay",
    "CheckResponse",
    "CloseAlert",
    "ExceptionRules",
    "InvalidExceptionRules",
    "Level",
    "LevelRule",
    "NoOpenAlert",
    "ReportIncident",
    "RespondToAlert",
    "check_rules",
    "decide",
    "evolve",
    "order_alert_id",
    "respond_by",
]

DECIDER: Decider[AlertCommand, AlertState, AlertEvent] = Decider(
    name="OrderAlert",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=AlertEvent,
    commands=AlertCommand,
)
