"""The Order aggregate: the contract and its life, as pure decide/evolve.

`commands`, `events` and `state` hold the types; `decide` and `evolve` the logic;
`rules` the named checks.
"""

from domain.order.commands import OrderCommand, order_id_for
from domain.order.decide import decide
from domain.order.events import OrderEvent
from domain.order.state import INITIAL, OrderState, evolve

__all__ = [
    "INITIAL",
    "OrderCommand",
    "OrderEvent",
    "OrderState",
    "decide",
    "evolve",
    "order_id_for",
]
