"""The Order aggregate: the contract and its life, as pure decide/evolve.

`commands`, `events` and `state` hold the types; `decide` and `evolve` the logic,
with change orders in `changes` and facts recorded at any time in `records`;
`rules` the named checks.
"""

from domain.decider import Decider
from domain.order.commands import OrderCommand, order_id_for
from domain.order.decide import decide
from domain.order.events import OrderEvent
from domain.order.state import INITIAL, OrderState, evolve

__all__ = [
    "DECIDER",
    "INITIAL",
    "OrderCommand",
    "OrderEvent",
    "OrderState",
    "decide",
    "evolve",
    "order_id_for",
]

DECIDER: Decider[OrderCommand, OrderState, OrderEvent] = Decider(
    name="Order",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=OrderEvent,
    commands=OrderCommand,
)
