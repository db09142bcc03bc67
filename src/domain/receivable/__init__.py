"""The Receivable aggregate: milestones, invoices, payments and credit for one order.

`commands`, `events` and `state` (with `evolve`) hold the types; `decide` the
logic; `rules` the named checks. Beside them: `terms`, the payment terms the
business publishes; `billing`, when milestones become billable; `revision`, how
a change order re-spreads the contract amount.
"""

from domain.decider import Decider
from domain.receivable.commands import ReceivableCommand, receivable_id_for
from domain.receivable.decide import decide
from domain.receivable.events import ReceivableEvent
from domain.receivable.state import INITIAL, ReceivableState, evolve

__all__ = [
    "DECIDER",
    "INITIAL",
    "ReceivableCommand",
    "ReceivableEvent",
    "ReceivableState",
    "decide",
    "evolve",
    "receivable_id_for",
]

DECIDER: Decider[ReceivableCommand, ReceivableState, ReceivableEvent] = Decider(
    name="Receivable",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=ReceivableEvent,
    commands=ReceivableCommand,
)
